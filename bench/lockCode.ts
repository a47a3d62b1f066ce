// The lock code of the bench's seeded databases (shared by the page and the Node driver), and
// how the driver unlocks the app it opens (the app always opens on « Déverrouiller »).
import type { Page } from 'playwright-core';

export const BENCH_LOCK_CODE = '246813';

/** Waits for « Déverrouiller », types the code and presses Entrée. */
export async function unlockApp(page: Page): Promise<void> {
  const field = page.getByLabel('Code de verrouillage', { exact: true });
  await field.waitFor({ timeout: 30_000 });
  await field.fill(BENCH_LOCK_CODE);
  await field.press('Enter');
}
