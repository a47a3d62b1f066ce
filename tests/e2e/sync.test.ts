// Offline logging, then back online: the tablet syncs by itself, the badge returns to 0 and the
// records are on the server.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadUnderServiceWorker, openTablet, readOutbox, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
const admin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet();
});
afterEach(async () => {
  await tablet.close();
});

async function serverRecords(entity: string): Promise<{ id: string; data: Record<string, unknown> }[]> {
  const res = await fetch(`${baseUrl}/api/v1/sync/pull?limit=1000`, { headers: admin });
  return ((await res.json()).changes as { entity: string; id: string; deleted: boolean; data: Record<string, unknown> }[]).filter(
    (c) => c.entity === entity && !c.deleted,
  );
}

describe('sync in Chromium', () => {
  it('logs offline, then syncs when back online: badge to 0, records on the server', async () => {
    const { page, context } = tablet;
    const name = `Sophie ${Date.now()}`;
    const { code } = await (
      await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role: 'mediator', name }) })
    ).json();

    await loadUnderServiceWorker(page, baseUrl);
    // Scanning the coordinator's QR code opens the app on #/inscription/CODE.
    await page.goto(`${baseUrl}/#/inscription/${code}`);
    expect(await page.getByLabel('Code d’inscription').inputValue()).toBe(code);
    await page.getByLabel('Nom de cette tablette').fill('Tablette Mèze');
    await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
    await page.getByText(`Tablette inscrite au nom de ${name}.`).waitFor();
    await page.getByText(/Synchronisé/).waitFor();

    await context.setOffline(true);
    await page.getByRole('link', { name: 'Aujourd’hui' }).click();
    await page.getByRole('link', { name: 'Ouvrir une permanence' }).click();
    await page.getByRole('radio', { name: /Médiathèque de Mèze/ }).check();
    await page.getByRole('button', { name: 'Ouvrir', exact: true }).click();
    for (const [procedure, duration] of [
      ['Carte grise', '15 min'],
      ['Compte Ameli (Assurance Maladie)', '45 min'],
    ]) {
      await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
      await page.getByRole('checkbox', { name: procedure }).check();
      await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
      await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
      await page.getByRole('radio', { name: duration, exact: true }).check();
      await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
      await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();
    }
    await expect.poll(() => page.getByTestId('pending-badge').textContent()).toBe('3 en attente');
    await page.getByRole('link', { name: 'Hors ligne' }).waitFor({ timeout: 15_000 });
    const queued = await readOutbox(page);
    expect(queued).toHaveLength(3);

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending-badge').textContent(), { timeout: 20_000 }).toBe('Tout est envoyé');
    expect(await readOutbox(page)).toHaveLength(0);
    const onServer = await serverRecords('accompaniment');
    const ids = new Set(onServer.map((r) => r.id));
    for (const op of queued.filter((o) => o.entity === 'accompaniment')) expect(ids.has(op.id)).toBe(true);
    expect((await serverRecords('permanence')).map((r) => r.id)).toContain(queued.find((o) => o.entity === 'permanence')!.id);
    await page.getByText(/Synchronisé/).waitFor();
  });
});
