// The lock in Chromium: « Verrouiller » with a form half-typed, the raw IndexedDB holds no clear
// device token while locked, a reload opens on « Déverrouiller » (nothing else shown), a wrong
// code is refused, the right one returns to the same form with what was typed.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { E2E_LOCK_CODE, loadUnderServiceWorker, openTablet, rawDump, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
const admin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet();
});
afterEach(async () => {
  await tablet.close();
});

describe('the lock, in Chromium', () => {
  it('locks with a form open, keeps no clear token, opens on Déverrouiller after a reload, and gives the form and its draft back', async () => {
    const { page } = tablet;
    const name = `Lina ${Date.now()}`;
    const { code } = await (
      await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role: 'mediator', name }) })
    ).json();
    await loadUnderServiceWorker(page, baseUrl); // chooses the lock code at first open
    await page.goto(`${baseUrl}/#/inscription/${code}`);
    await page.getByLabel('Nom de cette tablette').fill('Tablette Sète');
    const enrolled = page.waitForResponse((r) => r.url().endsWith('/api/v1/devices') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
    const { token } = (await (await enrolled).json()) as { token: string };
    await page.getByText(`Tablette inscrite au nom de ${name}.`).waitFor();

    await page.getByRole('link', { name: 'Aujourd’hui' }).click();
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await page.getByRole('checkbox', { name: 'Carte grise' }).check();
    await page.getByText('Matériel et note').click();
    await page.getByRole('textbox', { name: 'Note' }).fill('Rappeler jeudi');
    // Locked at once, without waiting for the autosave delay.
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('heading', { name: 'Déverrouiller' }).waitFor();

    // Every IndexedDB store, read raw: the device token is nowhere in clear.
    const raw = await rawDump(page);
    expect(raw).toContain('Tablette Sète'); // the dump did read the stores
    expect(raw).not.toContain(token);

    await page.reload();
    await page.getByRole('heading', { name: 'Déverrouiller' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Navigation principale' }).count()).toBe(0);
    expect(await page.getByLabel('Code de verrouillage', { exact: true }).getAttribute('inputmode')).toBe('numeric');
    await page.getByLabel('Code de verrouillage', { exact: true }).fill('000000');
    await page.keyboard.press('Enter'); // a physical keyboard works too
    await page.getByText(/^Code incorrect\./).waitFor();

    await page.getByLabel('Code de verrouillage', { exact: true }).fill(E2E_LOCK_CODE);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.getByText('Saisie reprise là où vous l’aviez laissée.').waitFor();
    expect(page.url()).toContain('#/accompagnement/nouveau');
    expect(await page.getByRole('checkbox', { name: 'Carte grise' }).isChecked()).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Note' }).inputValue()).toBe('Rappeler jeudi');
  });
});
