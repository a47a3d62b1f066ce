// Nothing she typed is lost or silently overwritten, through the real UI in Chromium: "Annuler"
// after "Enregistrer et nouveau" brings the entry back (kept across a reload), and an edit saved
// over a version changed in another tab asks first, then ends as a conflict on the real server.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadUnderServiceWorker, openTablet, passLock, reloadAndUnlock, readOutbox, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
const admin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
const shots = process.env.RELAIS_SCREENSHOTS; // a folder: screenshots of the questions, to look at
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet();
});
afterEach(async () => {
  await tablet.close();
});

async function fill(page: Page, procedure: string, duration: string) {
  await page.getByRole('checkbox', { name: procedure }).check();
  await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
  await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
  await page.getByRole('radio', { name: duration, exact: true }).check();
}

async function serverRecord(id: string): Promise<{ version: number; data: { durationMinutes: number } } | undefined> {
  const res = await fetch(`${baseUrl}/api/v1/sync/pull?limit=1000`, { headers: admin });
  return ((await res.json()).changes as { id: string; version: number; data: { durationMinutes: number } }[]).find((c) => c.id === id);
}
const serverVersion = async (id: string) => (await serverRecord(id))?.version;

/** The accompaniment as stored in the page's IndexedDB. */
function readRecord(page: Page, id: string): Promise<{ version: number; createdBy?: string } | undefined> {
  return page.evaluate(
    (key) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('relais');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('accompaniments').objectStore('accompaniments').get(key);
          req.onsuccess = () => {
            resolve(req.result);
            open.result.close();
          };
          req.onerror = () => reject(req.error);
        };
      }),
    id,
  );
}

describe('nothing typed is lost, in Chromium', () => {
  it('"Annuler" after "Enregistrer et nouveau" brings the entry back into the form, still there after a reload', async () => {
    const { page } = tablet;
    await loadUnderServiceWorker(page, baseUrl);
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await fill(page, 'Carte grise', '45 min');
    await page.getByRole('button', { name: 'Enregistrer et nouveau' }).click();
    await page.getByText('Accompagnement enregistré.').waitFor();
    await page.getByRole('button', { name: 'Annuler', exact: true }).click();

    await page.getByText(/l’accompagnement est revenu dans le formulaire. Corrigez-le/).waitFor();
    if (shots) await page.screenshot({ path: `${shots}/undo-back-in-form.png` });
    // (A chosen chip's name starts with its check mark.)
    expect(await page.getByRole('radio', { name: '45 min' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Fait avec la personne' }).isChecked()).toBe(true);
    expect(await readOutbox(page)).toHaveLength(0);

    await reloadAndUnlock(page);
    await page.getByText('Saisie reprise là où vous l’aviez laissée.').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Carte grise' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: '45 min' }).isChecked()).toBe(true);
  });

  it('asks before saving over a change made in another tab, and "Enregistrer ma version" ends as a conflict on the server', async () => {
    const { page, context } = tablet;
    const name = `Nadia ${Date.now()}`;
    const { code } = await (
      await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role: 'mediator', name }) })
    ).json();
    await loadUnderServiceWorker(page, baseUrl);
    await page.goto(`${baseUrl}/#/inscription/${code}`);
    await page.getByLabel('Nom de cette tablette').fill('Tablette Balaruc');
    await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
    await page.getByText(`Tablette inscrite au nom de ${name}.`).waitFor();

    // An entry, synced (version 1 on the server).
    await page.getByRole('link', { name: 'Aujourd’hui' }).click();
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await fill(page, 'Carte grise', '30 min');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();
    const id = (await readOutbox(page))[0].id;
    await expect.poll(() => serverVersion(id), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await readRecord(page, id))?.version, { timeout: 20_000 }).toBe(1); // acknowledged

    // Tab A opens it for editing and changes the duration...
    await page
      .getByRole('list', { name: 'Accompagnements du jour' })
      .getByRole('link', { name: /Carte grise/ })
      .click();
    await page.getByRole('heading', { name: 'Modifier l’accompagnement' }).waitFor();
    await page.getByRole('radio', { name: '1 h', exact: true }).check();

    // ...while tab B changes it too and syncs it (version 2 on the server).
    const tabB = await context.newPage();
    await tabB.goto(`${baseUrl}/#/accompagnement/${id}`);
    await passLock(tabB); // a new tab opens locked
    await tabB.getByRole('radio', { name: '1 h 30', exact: true }).check();
    await tabB.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect.poll(() => serverVersion(id), { timeout: 20_000 }).toBe(2);
    await tabB.close();

    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    const question = page.getByRole('alertdialog', { name: 'Cet accompagnement a été modifié ailleurs depuis que vous l’avez ouvert.' });
    await question.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cet accompagnement a été modifié ailleurs depuis que vous l’avez ouvert.');
    if (shots) await page.screenshot({ path: `${shots}/stale-edit-question.png` });
    expect(await readOutbox(page)).toHaveLength(0);

    await question.getByRole('button', { name: 'Enregistrer ma version' }).click();
    await page.getByText('Accompagnement modifié.').waitFor();
    // Sent as an edit of version 1: the server keeps version 2 and answers conflict.
    await page.getByRole('link', { name: '1 à corriger' }).click({ timeout: 20_000 });
    await page.getByText(/Modifié ailleurs entre-temps \(version 2 sur le serveur\)/).waitFor();
    if (shots) await page.screenshot({ path: `${shots}/conflict-in-sync.png` });
    expect(await serverRecord(id)).toMatchObject({ version: 2, data: { durationMinutes: 90 } });
  });
});
