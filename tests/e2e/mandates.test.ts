// Mandates and follow-ups in Chromium against the real server: a « Fait à sa place » visit with a
// valid mandate syncs and is applied; an expired mandate cannot be chosen (with its reason), and a
// mandate revoked on the server while the tablet was offline comes back as a change to correct;
// a follow-up from « Doit revenir » shows when the next permanence in that commune opens.
// The person is created on the mediator's other tablet (pushed from her account) and pulled
// (`createPerson`); the visit's form finds her as a mediator does: 3 letters, one tap on the hit.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadUnderServiceWorker, openTablet, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
const admin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
const shots = process.env.RELAIS_SCREENSHOTS;
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet();
});
afterEach(async () => {
  await tablet.close();
});

type Change = { entity: string; id: string; version: number; data: Record<string, unknown> };
async function serverChanges(): Promise<Change[]> {
  const res = await fetch(`${baseUrl}/api/v1/sync/pull?limit=1000`, { headers: admin });
  return (await res.json()).changes;
}

/** Reads one row of the page's IndexedDB. */
function readRow(page: Page, store: string, key: string): Promise<Record<string, unknown> | undefined> {
  return page.evaluate(
    ([s, k]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('relais');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction(s).objectStore(s).get(k);
          req.onsuccess = () => (resolve(req.result), open.result.close());
          req.onerror = () => reject(req.error);
        };
      }),
    [store, key] as const,
  );
}

async function enrol(page: Page): Promise<string> {
  const name = `Anne ${randomUUID().slice(0, 6)}`;
  const { code } = await (
    await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role: 'mediator', name }) })
  ).json();
  await loadUnderServiceWorker(page, baseUrl);
  await page.goto(`${baseUrl}/#/inscription/${code}`);
  await page.getByLabel('Nom de cette tablette').fill('Tablette Mèze');
  // The tablet keeps its token sealed: the test takes it from the enrolment's answer.
  const enrolled = page.waitForResponse((r) => r.url().endsWith('/api/v1/devices') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
  deviceToken = ((await (await enrolled).json()) as { token: string }).token;
  await page.getByText(`Tablette inscrite au nom de ${name}.`).waitFor();
  return name;
}

/** The device token of the tablet enrolled last by `enrol`. */
let deviceToken = '';

/** A followed person created from her account (as her other tablet would), pulled by this one. */
async function createPerson(page: Page, firstName: string): Promise<string> {
  const id = randomUUID();
  const data = {
    firstName,
    lastName: 'B.',
    birthYear: 1958,
    residenceInsee: '34157',
    phone: null,
    noPhone: true,
    gender: 'female',
    socialStatus: 'retired',
    public: 'other',
    qpv: false,
    consentedOn: '2026-01-05',
    note: null,
  };
  const res = await fetch(`${baseUrl}/api/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ops: [{ opId: randomUUID(), entity: 'beneficiary', id, baseVersion: 0, deleted: false, data }] }),
  });
  expect((await res.json()).results[0].status).toBe('applied');
  await page.getByRole('banner').getByRole('button', { name: 'Synchroniser' }).click();
  await expect.poll(() => readRow(page, 'beneficiaries', id), { timeout: 20_000 }).toBeTruthy();
  return id;
}

/** « Enregistrer un mandat » through the UI. */
async function recordMandate(page: Page, personId: string, o: { signedOn?: string; domain: string; duration?: string }) {
  await page.goto(`${baseUrl}/#/personnes/${personId}`);
  await page.getByRole('button', { name: 'Enregistrer un mandat' }).click();
  const form = page.getByRole('form', { name: 'Enregistrer un mandat' });
  if (o.signedOn) await form.getByLabel('Signé le').fill(o.signedOn);
  if (o.duration) await form.getByRole('radio', { name: o.duration, exact: true }).check();
  await form.getByRole('checkbox', { name: o.domain }).check();
  await form.getByLabel('Démarches écrites sur le mandat papier').fill('Carte grise sur le site de France Titres');
  await form.getByLabel('Où le mandat papier est rangé').fill('Classeur bleu, Mèze');
  if (shots) await page.screenshot({ path: `${shots}/mandate-form.png`, fullPage: true });
  await form.getByRole('button', { name: 'Enregistrer le mandat' }).click();
  await page.getByText('Mandat enregistré.', { exact: true }).waitFor();
}

/** A visit for her: a procedure, then « Chercher une personne », 3 letters, her hit, « Fait à sa place ». */
async function startVisit(page: Page, firstName: string) {
  await page.goto(`${baseUrl}/#/accompagnement/nouveau`);
  await page.getByRole('checkbox', { name: 'Carte grise' }).check();
  await page.getByRole('button', { name: 'Chercher une personne' }).click();
  await page.getByLabel('Chercher une personne').pressSequentially(firstName.slice(0, 3).toLowerCase());
  await page
    .getByRole('list', { name: 'Personnes trouvées' })
    .getByRole('button', { name: new RegExp(`^${firstName} B\\.`) })
    .click();
  await page.getByLabel('Statistiques prises de sa fiche').waitFor();
  await page.getByRole('radio', { name: 'Fait à sa place' }).check();
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => iso(new Date(Date.now() - n * 86_400_000));

describe('mandates in Chromium', () => {
  it('logs a « Fait à sa place » visit with a valid mandate; it syncs and the server applies it', async () => {
    const { page } = tablet;
    await enrol(page);
    const personId = await createPerson(page, 'Odette');
    await recordMandate(page, personId, { domain: 'Transports – Mobilité' });
    await startVisit(page, 'Odette');
    const mandate = page.getByRole('radio', { name: /^Mandat Transports – Mobilité/ });
    await mandate.check();
    if (shots) await page.locator('#field-mandate').screenshot({ path: `${shots}/form-mandate-choice.png` });
    await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
    await page.getByRole('radio', { name: '15 min', exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();

    const visitOnServer = async () => (await serverChanges()).find((c) => c.entity === 'accompaniment' && c.data.beneficiaryId === personId);
    await expect.poll(visitOnServer, { timeout: 20_000 }).toMatchObject({ version: 1, data: { posture: 'fait_a_la_place' } });
    const mandateOnServer = (await serverChanges()).find((c) => c.entity === 'mandate' && c.data.beneficiaryId === personId)!;
    expect((await visitOnServer())!.data.mandateId).toBe(mandateOnServer.id);
    // The use is listed on the mandate.
    await page.goto(`${baseUrl}/#/personnes/${personId}`);
    await page.getByText('Utilisé 1 fois').waitFor();
  });

  it('refuses an expired mandate with its reason; one revoked on the server while offline comes back to correct', async () => {
    const { page, context } = tablet;
    await enrol(page);
    const personId = await createPerson(page, 'Gisèle');
    await recordMandate(page, personId, { domain: 'Transports – Mobilité', signedOn: daysAgo(400) });
    await recordMandate(page, personId, { domain: 'Transports – Mobilité', duration: '31 jours' });
    await startVisit(page, 'Gisèle');
    const group = page.getByRole('group', { name: 'Mandat utilisé' });
    await group.getByText(/Ne convient pas : expiré le/).waitFor();
    expect(await group.getByRole('radio', { disabled: true }).count()).toBe(1);

    // The valid one is synced; the tablet goes offline and logs a visit with it...
    const valid = async () => (await serverChanges()).find((c) => c.entity === 'mandate' && c.data.beneficiaryId === personId && c.data.durationDays === 31);
    await expect.poll(valid, { timeout: 20_000 }).toMatchObject({ version: 1 });
    await context.setOffline(true);
    await group.getByRole('radio', { disabled: false }).check();
    await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
    await page.getByRole('radio', { name: '15 min', exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();
    // ...while the coordinator revokes the mandate on the server.
    const m = (await valid())!;
    const today = await page.evaluate(() => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date())); // the visit's day
    const revoke = { opId: randomUUID(), entity: 'mandate', id: m.id, baseVersion: m.version, deleted: false, data: { ...m.data, revokedOn: today } };
    const res = await fetch(`${baseUrl}/api/v1/sync/push`, { method: 'POST', headers: admin, body: JSON.stringify({ ops: [revoke] }) });
    expect((await res.json()).results[0].status).toBe('applied');

    await context.setOffline(false);
    await page.getByRole('banner').getByRole('button', { name: 'Synchroniser' }).click();
    await page.getByRole('link', { name: '1 à corriger' }).click({ timeout: 20_000 });
    await page.getByText(/Ce mandat ne peut pas servir : révoqué le/).waitFor();
    if (shots) await page.screenshot({ path: `${shots}/mandate-revoked-refused.png`, fullPage: true });
  });

  it('a follow-up from « Doit revenir » shows when the next permanence in that commune opens', async () => {
    const { page } = tablet;
    await enrol(page);
    await page.getByRole('link', { name: 'Aujourd’hui' }).click();
    const openMeze = async () => {
      await page.getByRole('link', { name: 'Ouvrir une permanence' }).click();
      await page.getByRole('radio', { name: /Médiathèque de Mèze/ }).check();
      await page.getByRole('button', { name: 'Ouvrir', exact: true }).click();
    };
    await openMeze();
    await page.getByRole('link', { name: 'Nouvel accompagnement' }).click();
    await page.getByRole('checkbox', { name: 'Carte grise' }).check();
    await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
    await page.getByRole('radio', { name: 'Doit revenir', exact: true }).check();
    await page.getByLabel(/Pour qui/).fill('Monsieur au vélo');
    await page.getByRole('radio', { name: '30 min', exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();

    const card = page.getByRole('region', { name: 'Permanence en cours' });
    await card.getByRole('button', { name: 'Clôturer la permanence' }).click();
    await card.getByRole('button', { name: 'Clôturer la permanence' }).click();
    await page.getByRole('link', { name: 'Ouvrir une permanence' }).waitFor();
    expect(await page.getByText('Monsieur au vélo').count()).toBe(0);

    await openMeze();
    const list = page.getByRole('list', { name: 'À suivre à Mèze' });
    await list.getByText('Monsieur au vélo — Revenir pour : Carte grise').waitFor();
    if (shots) await page.screenshot({ path: `${shots}/home-a-suivre.png`, fullPage: true });
    await expect
      .poll(async () => (await serverChanges()).some((c) => c.entity === 'followup' && String(c.data.label).startsWith('Monsieur au vélo')), {
        timeout: 20_000,
      })
      .toBe(true);
  });
});
