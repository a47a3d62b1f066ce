// The daily retention job with an injected clock (README "Retention"): a person with no contact
// for 24 months is anonymised (names, phone, note; her mandates, follow-ups and visits' free text),
// not a day before; mandates ended 24 months ago likewise; tallies are unchanged, tablets pull the
// new versions, a second run changes nothing; audit entries are kept one year.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANONYMISED_TEXT, ANONYMOUS_NAME, anonymisedData, isAnonymised, retentionCutoff, retentionMonths } from '../../src/domain/anonymise';
import { validateRecordData } from '../../src/domain/validation';
import { runDailyJob } from '../../src/server/retentionJob';
import { accompaniment } from '../unit/fixtures';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';
import { followup, mandate, person } from './people';

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
});
afterEach(async () => {
  await s.close();
});

const tally = async () => (await s.app.inject({ url: '/api/v1/tallies?week=2026-W48', headers: admin })).json();
const seq = async () => Number((await s.one(`SELECT value FROM counters WHERE name = 'seq'`))?.value);
const stored = async (id: string) => (await s.one(`SELECT version, data FROM records WHERE id = ?`, id)) as { version: number; data: string };
const at = (iso: string) => new Date(iso);

/** Léa: last contact 2027-01-05 (her mandate's expiry). Zoé: a visit on 2028-06-01, and a short mandate ended 2026-02-05. */
async function twoPeople() {
  const lea = op({
    entity: 'beneficiary',
    data: person({ firstName: 'Léa', lastName: 'Bernardin', phone: '06 98 76 54 32', noPhone: false, note: 'Voisine' }) as never,
  });
  const leaMandate = op({
    entity: 'mandate',
    data: mandate(lea.id, { signedOn: '2026-01-05', actions: 'Suivi retraite', paperLocation: 'Tiroir bleu' }) as never,
  });
  const leaFollowup = op({ entity: 'followup', data: followup(lea.id, { label: 'Appeler sa voisine', dueOn: '2026-12-01' }) as never });
  const leaVisit = op({ data: accompaniment({ beneficiaryId: lea.id, anonymous: null, date: '2026-11-24', note: 'Retraite Carsat' }) as never });
  const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard', birthYear: 1958, qpv: true }) as never });
  const zoeOld = op({
    entity: 'mandate',
    data: mandate(zoe.id, { signedOn: '2026-01-05', durationDays: 31, actions: 'CAF', paperLocation: 'Classeur' }) as never,
  });
  const zoeVisit = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2026-11-25', note: 'Garder' }) as never });
  const zoeLater = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2028-06-01' }) as never });
  const all = [lea, leaMandate, leaFollowup, leaVisit, zoe, zoeOld, zoeVisit, zoeLater];
  const results = (await push(s.app, anne.headers, all)).json().results;
  expect(results.map((r: { status: string }) => r.status)).toEqual(Array(all.length).fill('applied'));
  return { lea, leaMandate, leaFollowup, leaVisit, zoe, zoeOld, zoeVisit };
}

describe('retention rules', () => {
  it('blank exactly the personal fields with values the validators accept, and nothing twice', () => {
    const p = person({ phone: '06 11 22 33 44', noPhone: false, note: 'x' });
    const anon = anonymisedData('beneficiary', p);
    expect(anon).toEqual({ ...p, firstName: ANONYMOUS_NAME, lastName: ANONYMOUS_NAME, phone: null, note: null });
    expect(validateRecordData('beneficiary', anon)).toEqual([]);
    const m = anonymisedData('mandate', mandate('00000000-0000-4000-8000-000000000001'));
    expect(m).toMatchObject({ actions: ANONYMISED_TEXT, paperLocation: ANONYMISED_TEXT, domains: ['social', 'logement'] });
    expect(validateRecordData('mandate', m)).toEqual([]);
    expect(validateRecordData('followup', anonymisedData('followup', followup(null)))).toEqual([]);
    const visit = accompaniment({ outcome: 'orientee', referral: { target: 'autre', note: 'y' }, note: 'z' });
    expect(anonymisedData('accompaniment', visit)).toEqual({ ...visit, note: null, referral: { target: 'autre', note: null } });
    expect(isAnonymised('beneficiary', anon)).toBe(true);
    expect(isAnonymised('beneficiary', p)).toBe(false);
    expect(retentionCutoff('2029-01-06')).toBe('2027-01-06');
    expect(retentionCutoff('2028-02-29', 12)).toBe('2027-02-28');
    expect(retentionMonths(undefined)).toBe(24);
    expect(retentionMonths('36')).toBe(36);
    expect(() => retentionMonths('deux ans')).toThrow(/RELAIS_RETENTION_MONTHS/);
  });
});

describe('the daily retention job', () => {
  it('anonymises a person 24 months after her last contact, not a day before, with her records; tallies stay; tablets pull the new versions; a second run writes nothing', async () => {
    const ids = await twoPeople();
    // A refused edit of Léa: its copy holds her name until the 90-day sweep of the same job.
    const bad = op({
      entity: 'beneficiary',
      id: ids.lea.id,
      baseVersion: 1,
      data: person({ firstName: 'Léa', lastName: 'Bernardin', birthYear: 1800 }) as never,
    });
    expect((await push(s.app, anne.headers, [bad])).json().results[0].status).toBe('rejected');
    const tallyBefore = await tally();
    const { cursor } = await pullAll(s.app, anne.headers);

    // The day her last contact is exactly 24 months old: kept.
    const first = await runDailyJob(s.repo, at('2029-01-05T10:00:00Z'), 24);
    expect(first).toMatchObject({ cutoff: '2027-01-05', people: 0, accompaniments: 0, followups: 0, copiesSwept: 1 });
    expect(first.mandates).toBe(1); // Zoé's mandate ended on 2026-02-05
    expect(JSON.parse((await stored(ids.lea.id)).data).lastName).toBe('Bernardin');
    expect(JSON.parse((await stored(ids.zoeOld.id)).data)).toMatchObject({ actions: ANONYMISED_TEXT, paperLocation: ANONYMISED_TEXT, signedOn: '2026-01-05' });

    // The next day: Léa and her records are anonymised; Zoé (seen in 2028) keeps her name.
    const next = await runDailyJob(s.repo, at('2029-01-06T10:00:00Z'), 24);
    expect(next).toMatchObject({ cutoff: '2027-01-06', people: 1, mandates: 1, followups: 1, accompaniments: 1 });
    const lea = JSON.parse((await stored(ids.lea.id)).data);
    expect(lea).toEqual({ ...(ids.lea.data as object), firstName: ANONYMOUS_NAME, lastName: ANONYMOUS_NAME, phone: null, note: null });
    expect(JSON.parse((await stored(ids.leaVisit.id)).data).note).toBeNull();
    expect(JSON.parse((await stored(ids.zoe.id)).data).lastName).toBe('Quintard');
    expect(JSON.parse((await stored(ids.zoeVisit.id)).data).note).toBe('Garder');
    const text = JSON.stringify([await s.sql(`SELECT * FROM records`), await s.sql(`SELECT * FROM ops`)]);
    for (const secret of ['Bernardin', '06 98 76 54 32', 'Voisine', 'Suivi retraite', 'Tiroir bleu', 'Appeler sa voisine', 'Retraite Carsat']) {
      expect(text).not.toContain(secret);
    }

    // Past tallies count the same.
    expect(await tally()).toEqual(tallyBefore);

    // Anne's tablet pulls each anonymised record once, at its new version.
    const page = (await s.app.inject({ url: `/api/v1/sync/pull?since=${cursor}`, headers: anne.headers })).json();
    const pulled = new Map(page.changes.map((c: { id: string; version: number; data: object }) => [c.id, c]));
    expect([...pulled.keys()].sort()).toEqual([ids.lea.id, ids.leaMandate.id, ids.leaFollowup.id, ids.leaVisit.id, ids.zoeOld.id].sort());
    expect(pulled.get(ids.lea.id)).toMatchObject({ version: 2, deleted: false, data: { firstName: ANONYMOUS_NAME, birthYear: 1987, residenceInsee: '34301' } });

    // Idempotent: a later run writes nothing and no new version.
    const before = await seq();
    const again = await runDailyJob(s.repo, at('2029-02-01T10:00:00Z'), 24);
    expect(again).toMatchObject({ people: 0, mandates: 0, followups: 0, accompaniments: 0, opCopies: 0 });
    expect(await seq()).toBe(before);

    // Each run is in the audit log, with counts only.
    const audit = ((await s.sql(`SELECT action, actor_name, counts FROM audit WHERE action = 'retention' ORDER BY id`)) as { counts: string }[]).map((r) => ({
      ...r,
      counts: JSON.parse(r.counts),
    }));
    expect(audit).toHaveLength(3);
    expect(audit[1]).toEqual({
      action: 'retention',
      actor_name: 'Conservation automatique',
      counts: { people: 1, mandates: 1, followups: 1, accompaniments: 1, opCopies: 0 },
    });
  });

  it('purges the review copies of the records it anonymises, whatever their age', async () => {
    const ids = await twoPeople();
    const stale = op({ entity: 'mandate', id: ids.leaMandate.id, baseVersion: 0, data: mandate(ids.lea.id, { actions: 'Suivi retraite et santé' }) as never });
    expect((await push(s.app, anne.headers, [stale])).json().results[0].status).toBe('conflict');
    const counts = await s.repo.anonymiseInactive('2027-01-06', '2029-01-06T10:00:00.000Z');
    expect(counts).toMatchObject({ people: 1, opCopies: 1 });
    expect(JSON.stringify(await s.sql(`SELECT * FROM ops`))).not.toContain('Suivi retraite');
  });

  it('honours a shorter configured period', async () => {
    const ids = await twoPeople();
    const report = await runDailyJob(s.repo, at('2028-01-10T10:00:00Z'), 12);
    expect(report.cutoff).toBe('2027-01-10');
    expect(JSON.parse((await stored(ids.lea.id)).data).firstName).toBe(ANONYMOUS_NAME);
  });

  it('purges audit entries older than a year', async () => {
    const entry = (iso: string) => ({
      at: iso,
      actorId: 'admin',
      actorName: 'admin',
      action: 'export' as const,
      entity: 'tallies.csv',
      recordId: null,
      counts: { accompaniments: 1 },
    });
    await s.repo.addAudit(entry('2026-01-10T09:00:00.000Z'));
    await s.repo.addAudit(entry('2026-06-10T09:00:00.000Z'));
    const report = await runDailyJob(s.repo, at('2027-03-01T10:00:00Z'), 24);
    expect(report.auditPurged).toBe(1);
    const left = (await s.sql(`SELECT at FROM audit WHERE action IN ('export', 'retention') ORDER BY at`)).map((r) => Object.values(r)[0]);
    expect(left).toEqual(['2026-06-10T09:00:00.000Z', '2027-03-01T10:00:00.000Z']);
  });
});
