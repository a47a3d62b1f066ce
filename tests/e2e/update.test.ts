// An app update arrives while the mediator is filling a form: it is offered, never applied under
// her fingers, and applying it later loses neither the saved entries nor the draft.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTablet, loadUnderServiceWorker, passLock, readOutbox } from './browser';
import { ROOT, startServer, type RunningServer } from './globalSetup';

let server: RunningServer;
let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'relais-dist-'));
  cpSync(path.join(ROOT, 'dist'), dist, { recursive: true });
  server = await startServer({ RELAIS_DIST_DIR: dist });
});
afterAll(async () => {
  await server.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('app update', () => {
  it('waits for "Mettre à jour", outside the form, and keeps records and draft', async () => {
    const tablet = await openTablet();
    const { page } = tablet;
    try {
      await loadUnderServiceWorker(page, server.baseUrl);
      // One saved entry, then a form left half-filled.
      await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
      await page.getByRole('checkbox', { name: 'Carte grise' }).check();
      await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
      await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
      await page.getByRole('radio', { name: '30 min', exact: true }).check();
      await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
      await page.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }).check();
      await page.getByRole('radio', { name: 'Doit revenir' }).check();

      // A new version is deployed; the browser notices it.
      appendFileSync(path.join(dist, 'sw.js'), '\n// new version\n');
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
      await page.getByText('Mise à jour prête').waitFor();
      // Not applied in the middle of the form: no reload, no update button here.
      expect(await page.getByRole('button', { name: 'Mettre à jour' }).count()).toBe(0);
      expect(await page.getByRole('radio', { name: 'Doit revenir' }).isChecked()).toBe(true);

      await page.getByRole('link', { name: 'Aujourd’hui' }).click();
      const reloaded = page.waitForEvent('load');
      await page.getByRole('button', { name: 'Mettre à jour' }).click();
      await reloaded;
      await passLock(page); // a reload locks the app
      await expect.poll(() => page.getByRole('list', { name: 'Accompagnements du jour' }).getByRole('listitem').count()).toBe(1);
      expect(await page.getByText('Mise à jour prête').count()).toBe(0);
      expect((await readOutbox(page)).length).toBe(1);

      await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
      await page.getByText('Saisie reprise là où vous l’aviez laissée.').waitFor();
      expect(await page.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }).isChecked()).toBe(true);
      expect(await page.getByRole('radio', { name: 'Doit revenir' }).isChecked()).toBe(true);
    } finally {
      await tablet.close();
    }
  });

  it('asks to reload when a newer version opens the database in another tab', async () => {
    const tablet = await openTablet();
    const { page } = tablet;
    try {
      await loadUnderServiceWorker(page, server.baseUrl);
      await page.getByTestId('pending-badge').waitFor();
      // Another tab runs a newer app whose database schema is one version ahead.
      const other = await tablet.context.newPage();
      await other.goto(`${server.baseUrl}/robots.txt`);
      await other.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const req = indexedDB.open('relais', 1000);
            req.onsuccess = () => {
              req.result.close();
              resolve();
            };
            req.onerror = () => reject(req.error);
          }),
      );
      await page.getByRole('alert').filter({ hasText: 'Une nouvelle version de Relais est ouverte dans un autre onglet' }).waitFor();
      expect(await page.getByRole('button', { name: 'Recharger' }).count()).toBe(1);
    } finally {
      await tablet.close();
    }
  });
});
