// Debian's Chromium driven by playwright-core, each test with a fresh profile (fresh IndexedDB,
// fresh service worker), at the size of a 10" tablet in portrait.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Tablet {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

export async function openTablet(options: { bypassCSP?: boolean } = {}): Promise<Tablet> {
  const profile = mkdtempSync(path.join(tmpdir(), 'relais-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 800, height: 1280 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}

/** The lock code every e2e tablet chooses at its first open. */
export const E2E_LOCK_CODE = '135790';

/**
 * Gets past the lock as the mediator does: on a new tablet she chooses the code (typed twice), on
 * a loaded or reloaded page she unlocks; returns once the app shows.
 */
export async function passLock(page: Page, code = E2E_LOCK_CODE): Promise<void> {
  // The app's header (the static shell painted before the JavaScript has none of its buttons).
  const app = page.getByRole('button', { name: 'Verrouiller' });
  const choose = page.getByRole('heading', { name: 'Choisir un code de verrouillage' });
  const unlock = page.getByRole('heading', { name: 'Déverrouiller' });
  await app.or(choose).or(unlock).first().waitFor();
  if (await choose.isVisible()) {
    await page.getByLabel('Code de verrouillage', { exact: true }).fill(code);
    await page.getByLabel('Retapez le code').fill(code);
    await page.getByRole('button', { name: 'Enregistrer le code' }).click();
  } else if (await unlock.isVisible()) {
    await page.getByLabel('Code de verrouillage', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
  }
  await app.waitFor();
}

/** Reloads the page: the app opens locked; unlocks it. */
export async function reloadAndUnlock(page: Page): Promise<void> {
  await page.reload();
  await passLock(page);
}

/**
 * Loads the app and waits until its service worker controls the page (it then works offline),
 * past the lock (the code is chosen at the tablet's first open).
 */
export async function loadUnderServiceWorker(page: Page, baseUrl: string): Promise<void> {
  await page.goto(baseUrl);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  }
  await passLock(page);
}

/** Reads the outbox straight from IndexedDB (payloads are sealed at rest: `data` is empty, `enc` holds it). */
export function readOutbox(
  page: Page,
): Promise<{ opId: string; entity: string; id: string; baseVersion: number; deleted: boolean; data: Record<string, unknown> }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('relais');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('outbox').objectStore('outbox').getAll();
          req.onsuccess = () => {
            resolve(req.result);
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A/AA and best-practice violations on the current page (needs bypassCSP). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    type Axe = { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
    return (window as unknown as { axe: Axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Every row of every store, read with the bare IndexedDB API; binary values decoded as text. */
export function rawDump(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('relais');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const idb = open.result;
          const names = [...idb.objectStoreNames];
          const tx = idb.transaction(names);
          const out: Record<string, unknown> = {};
          for (const n of names) tx.objectStore(n).getAll().onsuccess = (e) => (out[n] = (e.target as IDBRequest).result);
          const text = (v: unknown): unknown => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? new TextDecoder('latin1').decode(v as ArrayBuffer) : v);
          tx.oncomplete = () => {
            idb.close();
            resolve(JSON.stringify(out, (_k, v: unknown) => text(v)));
          };
        };
      }),
  );
}
