// Followed people through the real UI in Chromium against the real server: a returning person is
// found offline in at most 4 taps from Aujourd'hui and her visit logged; the coordinator merges two
// records of one person on her tablet, both tablets (two Chromium profiles) sync, and the tallies count
// one person.
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

/** Enrols the tablet through Réglages; returns its device token (the tablet keeps it sealed). */
async function enrolTablet(page: Page, role: 'mediator' | 'coordinator', name: string): Promise<string> {
  const code = await enrolmentCode(role, name);
  await loadUnderServiceWorker(page, baseUrl);
  await page.goto(`${baseUrl}/#/inscription/${code}`);
  await page.getByLabel('Nom de cette tablette').fill('Tablette');
  const enrolled = page.waitForResponse((r) => r.url().endsWith('/api/v1/devices') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
  const { token } = (await (await enrolled).json()) as { token: string };
  await page.getByText(`Tablette inscrite au nom de ${name}.`).waitFor();
  return token;
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

  it('merges two records of one person on the coordinator’s tablet; both tablets sync and the tallies count one person', async () => {
    const { page } = tablet;
    // The mediator's tablet, a second Chromium: she recorded Awa twice (Diallo, Dialo), each with a visit today.
    const second = await openTablet();
    try {
      const hers = second.page;
      const token = await enrolTablet(hers, 'mediator', `Médiatrice ${Date.now()}`);
      const recordAwa = async (lastName: string) => {
        await hers.goto(`${baseUrl}/#/personnes/nouvelle`);
        await hers.getByLabel('Prénom').fill('Awa');
        await hers.getByLabel('Nom ou son initiale').fill(lastName);
        await hers.getByLabel('Année de naissance (facultatif)').fill('1980');
        await hers.getByRole('checkbox', { name: 'Pas de téléphone' }).check();
        await hers.getByRole('button', { name: 'Enregistrer la personne' }).click();
        await hers.getByRole('heading', { name: `Awa ${lastName}` }).waitFor();
        return hers.url().split('/').pop()!;
      };
      const logVisit = async (lastName: string) => {
        await hers.goto(`${baseUrl}/#/accompagnement/nouveau`);
        await hers.getByRole('button', { name: 'Chercher une personne' }).click();
        await hers.getByLabel('Chercher une personne').pressSequentially('awa');
        await hers
          .getByRole('list', { name: 'Personnes trouvées' })
          .getByRole('button', { name: new RegExp(`^Awa ${lastName}`) })
          .click();
        await hers.getByLabel('Statistiques prises de sa fiche').waitFor();
        await hers.getByRole('checkbox', { name: 'Compte Ameli (Assurance Maladie)' }).check();
        await hers.getByRole('radio', { name: 'Fait avec la personne' }).check();
        await hers.getByRole('radio', { name: 'Terminé', exact: true }).check();
        await hers.getByRole('radio', { name: '30 min', exact: true }).check();
        await hers.getByRole('button', { name: 'Enregistrer', exact: true }).click();
        await hers.getByText('Accompagnement enregistré.').waitFor();
      };
      const a = await recordAwa('Diallo');
      const b = await recordAwa('Dialo');
      await logVisit('Diallo');
      await logVisit('Dialo');
      const sync = async (p: Page) => {
        await p.getByRole('banner').getByRole('button', { name: 'Synchroniser' }).click();
        await expect.poll(async () => (await readOutbox(p)).length, { timeout: 20_000 }).toBe(0);
      };
      await sync(hers);
      const tally = async () =>
        (
          (await (await fetch(`${baseUrl}/api/v1/tallies?from=${today()}&to=${today()}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
            totals: { people: number };
          }
        ).totals.people;
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
      const survivor = page.url().split('/').pop()!;
      const duplicate = survivor === a ? b : a;
      expect(await tally()).toBe(1);

      // The mediator's tablet syncs: the duplicate's address opens the survivor, with both visits;
      // Personnes counts one person.
      await hers.goto(`${baseUrl}/#/`);
      await hers.getByRole('banner').getByRole('button', { name: 'Synchroniser' }).click();
      await hers.goto(`${baseUrl}/#/personnes/${duplicate}`);
      await hers.getByRole('heading', { name: 'Visites (2)' }).waitFor({ timeout: 20_000 });
      await hers.goto(`${baseUrl}/#/personnes`);
      await hers.getByText('1 personne suivie sur cette tablette.').waitFor({ timeout: 20_000 });
    } finally {
      await second.close();
    }
  });
});
