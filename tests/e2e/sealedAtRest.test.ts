// Personal values at rest, in Chromium: a person with a name and a note, a visit with a note, then
// « Verrouiller »: every IndexedDB store read raw holds neither the name, nor the notes, nor the
// device token. Unlocking brings the person's page and the visit back.
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

describe('personal values at rest, in Chromium', () => {
  it('a locked tablet holds no clear name, note or token in any store; unlocking brings the screens back', async () => {
    const { page } = tablet;
    const mediator = `Médiatrice ${Date.now()}`;
    const { code } = (await (
      await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role: 'mediator', name: mediator }) })
    ).json()) as { code: string };
    await loadUnderServiceWorker(page, baseUrl);
    await page.goto(`${baseUrl}/#/inscription/${code}`);
    await page.getByLabel('Nom de cette tablette').fill('Tablette Balaruc');
    const enrolled = page.waitForResponse((r) => r.url().endsWith('/api/v1/devices') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
    const { token } = (await (await enrolled).json()) as { token: string };
    await page.getByText(`Tablette inscrite au nom de ${mediator}.`).waitFor();
    await tablet.context.setOffline(true); // everything stays on the tablet

    await page.goto(`${baseUrl}/#/personnes/nouvelle`);
    await page.getByLabel('Prénom').fill('Zéphyrine');
    await page.getByLabel('Nom ou son initiale').fill('Quillebœuf');
    await page.getByRole('checkbox', { name: 'Pas de téléphone' }).check();
    await page.getByRole('textbox', { name: 'Note' }).fill('Attend sa notification MDPH');
    await page.getByRole('button', { name: 'Enregistrer la personne' }).click();
    await page.getByRole('heading', { name: 'Zéphyrine Quillebœuf' }).waitFor();
    const personId = page.url().split('/').pop()!;

    await page.getByRole('link', { name: 'Aujourd’hui' }).click();
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await page.getByRole('button', { name: 'Chercher une personne' }).click();
    await page.getByLabel('Chercher une personne').pressSequentially('zep');
    await page
      .getByRole('list', { name: 'Personnes trouvées' })
      .getByRole('button', { name: /Zéphyrine Quillebœuf/ })
      .click();
    await page.getByRole('checkbox', { name: 'Carte grise' }).check();
    await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
    await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
    await page.getByRole('radio', { name: '30 min', exact: true }).check();
    await page.getByText('Matériel et note').click();
    await page.getByRole('textbox', { name: 'Note' }).fill('Rappeler la préfecture mardi');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('Accompagnement enregistré.').waitFor();

    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('heading', { name: 'Déverrouiller' }).waitFor();
    const raw = await rawDump(page);
    expect(raw).toContain(personId); // the dump did read the stores: ids stay readable
    expect(raw).toContain('"outbox":[{'); // the visit and the person wait to be sent
    for (const secret of ['Zéphyrine', 'Quillebœuf', 'Quilleb', 'Attend sa notification', 'Rappeler la préfecture', token]) {
      expect(raw, secret.slice(0, 12)).not.toContain(secret);
    }

    await page.getByLabel('Code de verrouillage', { exact: true }).fill(E2E_LOCK_CODE);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.goto(`${baseUrl}/#/personnes/${personId}`);
    await page.getByRole('heading', { name: 'Zéphyrine Quillebœuf' }).waitFor();
    await page.getByRole('heading', { name: 'Visites (1)' }).waitFor();
    await page.getByText('Attend sa notification MDPH').waitFor();
  });
});
