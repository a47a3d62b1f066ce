// axe-core on every screen, in Chromium: no accessibility violation a screen reader or keyboard
// user would meet (names on every control, contrast, landmarks, labels).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, openTablet, passLock, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
let tablet: Tablet;

beforeAll(async () => {
  tablet = await openTablet({ bypassCSP: true });
});
afterAll(async () => {
  await tablet.close();
});

async function violations(hash: string, prepare?: () => Promise<void>) {
  const { page } = tablet;
  await page.goto(`${baseUrl}/${hash}`);
  await passLock(page);
  await page.locator('h1').first().waitFor();
  await prepare?.();
  return axeViolations(page);
}

describe('accessibility (axe-core)', () => {
  it('has no violation on the lock screens (choosing the code, then Déverrouiller)', async () => {
    const { page } = tablet;
    await page.goto(`${baseUrl}/#/`);
    await page.getByRole('heading', { name: 'Choisir un code de verrouillage' }).waitFor();
    await page.getByRole('button', { name: 'Enregistrer le code' }).click();
    await page.getByText('Choisissez au moins 6 chiffres, ou une phrase d’au moins 8 caractères.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await passLock(page);
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('heading', { name: 'Déverrouiller' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await passLock(page);
  });

  it('has no violation on the home screen', async () => {
    expect(await violations('#/')).toEqual([]);
  });

  it('has no violation on the accompaniment form, errors and details shown', async () => {
    expect(
      await violations('#/accompagnement/nouveau', async () => {
        await tablet.page.getByText('Statistiques anonymes (facultatif)').first().click();
        await tablet.page.getByText('Matériel et note').click();
        await tablet.page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
        await tablet.page.getByText('Choisissez au moins une démarche.').waitFor();
      }),
    ).toEqual([]);
  });

  it('has no violation on the other screens', async () => {
    for (const hash of ['#/permanence/ouvrir', '#/historique', '#/reglages', '#/bilan', '#/synchronisation', '#/personnes', '#/personnes/nouvelle']) {
      expect(await violations(hash), hash).toEqual([]);
    }
  });
});
