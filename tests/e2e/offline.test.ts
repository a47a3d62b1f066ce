// The mediator's day in a village without network, in a real browser with the real service worker.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadUnderServiceWorker, openTablet, passLock, reloadAndUnlock, readOutbox, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet();
});
afterEach(async () => {
  await tablet.close();
});

async function logAccompaniment(t: Tablet, procedure: string, posture: string, outcome: string, duration: string) {
  const { page } = t;
  await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
  await page.getByRole('checkbox', { name: procedure }).check();
  await page.getByRole('radio', { name: posture }).check();
  await page.getByRole('radio', { name: outcome, exact: true }).check();
  await page.getByRole('radio', { name: duration, exact: true }).check();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();
}

describe('offline, in Chromium', () => {
  it('opens, records and keeps everything without network, across reloads', async () => {
    const { page, context } = tablet;
    await loadUnderServiceWorker(page, baseUrl);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');

    await context.setOffline(true);
    await reloadAndUnlock(page);
    await page.getByRole('link', { name: 'Ouvrir une permanence' }).click();
    await page.getByRole('radio', { name: /Médiathèque de Mèze/ }).check();
    await page.getByRole('button', { name: 'Ouvrir', exact: true }).click();
    await page.getByRole('region', { name: 'Permanence en cours' }).waitFor();

    await logAccompaniment(tablet, 'Compte Ameli (Assurance Maladie)', 'Fait avec la personne', 'Terminé', '30 min');
    await logAccompaniment(tablet, 'Carte grise', 'La personne a fait seule', 'Doit revenir', '15 min');
    await logAccompaniment(tablet, 'Titre de séjour (ANEF)', 'Fait avec la personne', 'À finaliser en autonomie', '1 h');

    await reloadAndUnlock(page);
    const list = page.getByRole('list', { name: 'Accompagnements du jour' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(3);
    for (const name of ['Compte Ameli', 'Carte grise', 'Titre de séjour']) {
      expect(await list.getByRole('link', { name: new RegExp(name) }).count()).toBe(1);
    }
    // « Doit revenir » also saved its follow-up (« À suivre »).
    await expect.poll(() => page.getByTestId('pending-badge').textContent()).toBe('5 en attente');

    const outbox = await readOutbox(page);
    expect(outbox.filter((op) => op.entity === 'accompaniment')).toHaveLength(3);
    expect(outbox.filter((op) => op.entity === 'permanence')).toHaveLength(1);
    expect(outbox.filter((op) => op.entity === 'followup')).toHaveLength(1);
    for (const op of outbox) {
      expect(op).toMatchObject({ baseVersion: 0, deleted: false });
      expect(op.opId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(new Set(outbox.map((o) => o.opId)).size).toBe(5);
  });

  it('is installable: manifest, icons, service worker in control of the start URL', async () => {
    const { page } = tablet;
    await loadUnderServiceWorker(page, baseUrl);
    const href = await page.getAttribute('link[rel="manifest"]', 'href');
    const manifest = await (await fetch(new URL(href!, baseUrl))).json();
    expect(manifest).toMatchObject({ name: expect.stringContaining('Relais'), short_name: 'Relais', lang: 'fr-FR', display: 'standalone', start_url: '/' });
    const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      const res = await fetch(new URL(icon.src, baseUrl));
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
    }
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${baseUrl}/sw.js`);
    const scope = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.scope));
    expect(scope).toBe(`${baseUrl}/`);
  });

  it('keeps a half-filled form through an offline reload', async () => {
    const { page, context } = tablet;
    await loadUnderServiceWorker(page, baseUrl);
    await context.setOffline(true);
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await page.getByRole('checkbox', { name: 'Carte grise' }).check();
    await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
    await page.getByText('Matériel et note').click();
    await page.getByRole('textbox', { name: 'Note' }).fill('Rappeler jeudi');
    await page.waitForTimeout(500); // the draft is written 300 ms after the last change

    await reloadAndUnlock(page);
    await page.getByText('Saisie reprise là où vous l’aviez laissée.').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Carte grise' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Fait avec la personne' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Rappeler jeudi');
  });

  it('keeps typing that was never paused when the tab is closed or hidden', async () => {
    const { page, context } = tablet;
    await loadUnderServiceWorker(page, baseUrl);
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await page.getByRole('checkbox', { name: 'Carte grise' }).check();
    await page.getByRole('radio', { name: 'Doit revenir' }).check();
    // Leave at once (no debounce delay): the page-hide handler writes the draft.
    const next = await context.newPage();
    await page.close({ runBeforeUnload: true });
    await next.goto(`${baseUrl}/#/accompagnement/nouveau`);
    await passLock(next); // a new page opens locked
    await next.getByText('Saisie reprise là où vous l’aviez laissée.').waitFor();
    expect(await next.getByRole('radio', { name: 'Doit revenir' }).isChecked()).toBe(true);
  });
});
