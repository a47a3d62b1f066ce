// Followed people through the real UI in Chromium against the real server: a returning person is
// found offline in at most 4 taps from Aujourd'hui and her visit logged; the coordinator merges two
// records of one person on her tablet, both sides sync, and the tallies count one person.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadUnderServiceWorker, openTablet, readOutbox, type Tablet } from './browser';

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

async function enrolmentCode(role: 'mediator' | 'coordinator', name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role, name }) });
  return ((await res.json()) as { code: string }).code;
}

async function enrolTablet(page: Page, role: 'mediator' | 'coordinator', name: string) {
  const code = await enrolmentCode(role, name);
  await loadUnderServiceWorker(page, baseUrl);
  await page.goto(`${baseUrl}/#/inscription/${code}`);
  await page.getByLabel('Nom de cette tablette').fill('Tablette');
  await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
  await page.getByText(`Tablette inscrite au nom de ${name}.`).waitFor();
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

describe('followed people, in Chromium', () => {
  it('finds a returning person offline in at most 4 taps from Aujourd’hui and logs her visit', async () => {
    const { page, context } = tablet;
    const name = `Médiatrice ${Date.now()}`;
    await enrolTablet(page, 'mediator', name);
    // She was recorded on an earlier visit (with her agreement).
    await page.goto(`${baseUrl}/#/personnes/nouvelle`);
    await page.getByLabel('Prénom').fill('Hélène');
    await page.getByLabel('Nom ou son initiale').fill('Le Gall');
    await page.getByLabel('Année de naissance (facultatif)').fill('1958');
    await page.getByRole('checkbox', { name: 'Pas de téléphone' }).check();
    await page.getByRole('button', { name: 'Enregistrer la personne' }).click();
    await page.getByRole('heading', { name: 'Hélène Le Gall' }).waitFor();
    const personId = page.url().split('/').pop()!;

    await context.setOffline(true);
    await page.getByRole('link', { name: 'Aujourd’hui' }).click();
    await page.getByRole('heading', { name: /^Aujourd’hui/ }).waitFor();
    let taps = 0;
    const tap = async (locator: ReturnType<Page['getByRole']>) => {
      taps++;
      await locator.click();
    };
    await tap(page.getByRole('link', { name: 'Nouvel accompagnement' }));
    await tap(page.getByRole('button', { name: 'Chercher une personne' }));
    await page.getByLabel('Chercher une personne').pressSequentially('hel');
    await tap(page.getByRole('list', { name: 'Personnes trouvées' }).getByRole('button', { name: /Hélène Le Gall/ }));
    expect(taps).toBeLessThanOrEqual(4);
    await page.getByLabel('Statistiques prises de sa fiche').waitFor();
    if (shots) await page.screenshot({ path: `${shots}/form-person-chosen.png` });

    await page.getByRole('checkbox', { name: 'Carte grise' }).check();
    await page.getByRole('radio', { name: 'Fait avec la personne' }).check();
    await page.getByRole('radio', { name: 'Terminé', exact: true }).check();
    await page.getByRole('radio', { name: '30 min', exact: true }).check();
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('Accompagnement enregistré.').waitFor();
    // The op waits in the outbox (its payload sealed at rest); her page lists the visit.
    expect((await readOutbox(page)).filter((o) => o.entity === 'accompaniment')).toHaveLength(1);
    await page.goto(`${baseUrl}/#/personnes/${personId}`);
    await page.getByRole('heading', { name: 'Visites (1)' }).waitFor();
  });

  it('merges two records of one person on the coordinator’s tablet; both sides sync and the tallies count one person', async () => {
    const { page } = tablet;
    // The mediator's tablet (through the API): two records of Awa, each with a visit today.
    const mediator = `Médiatrice ${Date.now()}`;
    const enrolled = await fetch(`${baseUrl}/api/v1/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: await enrolmentCode('mediator', mediator), label: 'Tablette Mèze' }),
    });
    const { token } = (await enrolled.json()) as { token: string };
    const hers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const person = (lastName: string) => ({
      firstName: 'Awa',
      lastName,
      birthYear: 1980,
      residenceInsee: '34157',
      phone: null,
      noPhone: true,
      gender: 'female',
      socialStatus: 'job_seeker',
      public: 'job_seeker',
      qpv: false,
      consentedOn: today(),
      note: null,
    });
    const visit = (beneficiaryId: string) => ({
      permanenceId: null,
      date: today(),
      communeInsee: '34157',
      placeType: 'agency',
      durationMinutes: 30,
      beneficiaryId,
      anonymous: null,
      procedures: [{ code: 'ameli_compte', domain: 'social', partner: 'cpam' }],
      posture: 'fait_avec',
      mandateId: null,
      outcome: 'finalisee',
      referral: null,
      equipment: [],
      note: null,
    });
    const [a, b] = [randomUUID(), randomUUID()];
    const op = (entity: string, id: string, data: object) => ({ opId: randomUUID(), entity, id, baseVersion: 0, deleted: false, data });
    const ops = [
      op('beneficiary', a, person('Diallo')),
      op('beneficiary', b, person('Dialo')),
      op('accompaniment', randomUUID(), visit(a)),
      op('accompaniment', randomUUID(), visit(b)),
    ];
    const pushed = await fetch(`${baseUrl}/api/v1/sync/push`, { method: 'POST', headers: hers, body: JSON.stringify({ ops }) });
    expect(((await pushed.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(Array(4).fill('applied'));
    const tally = async () =>
      ((await (await fetch(`${baseUrl}/api/v1/tallies?from=${today()}&to=${today()}`, { headers: hers })).json()) as { totals: { people: number } }).totals
        .people;
    expect(await tally()).toBe(2);

    // The coordinator's tablet pulls them, sees the possible duplicate, and merges.
    await enrolTablet(page, 'coordinator', `Coordinatrice ${Date.now()}`);
    await page.goto(`${baseUrl}/#/personnes/${a}`);
    const flag = page.getByRole('note');
    await flag.getByText(/Awa Dialo/).waitFor({ timeout: 20_000 });
    await flag.getByRole('button', { name: 'Fusionner' }).click();
    if (shots) await page.screenshot({ path: `${shots}/merge-question.png` });
    await page.getByRole('button', { name: 'Oui, fusionner' }).click();
    await page.getByText('Personnes fusionnées.').waitFor();
    // Her tablet synced the merge: one person with both visits, no duplicate left.
    await page.getByRole('heading', { name: 'Visites (2)' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('note').count()).toBe(0);

    // The mediator's tablet syncs: the tombstone names the survivor, her visit moved.
    const pulled = (await (await fetch(`${baseUrl}/api/v1/sync/pull?limit=1000`, { headers: hers })).json()) as {
      changes: { id: string; deleted: boolean; mergedInto?: string; data: { beneficiaryId?: string } }[];
    };
    const survivor = page.url().split('/').pop()!;
    const duplicate = survivor === a ? b : a;
    expect(pulled.changes.find((c) => c.id === duplicate)).toMatchObject({ deleted: true, mergedInto: survivor });
    expect(pulled.changes.filter((c) => c.data.beneficiaryId === survivor)).toHaveLength(2);
    expect(await tally()).toBe(1);
  });
});
