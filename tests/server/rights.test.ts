// Her rights (README "Her rights"): the coordinator reads everything held about one person, and
// erases her: tombstones without data, op-log copies purged, accompaniments kept without their
// free text, tallies unchanged, later pushes of her records refused; a mediator gets 403.
import type { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import { accompaniment } from '../unit/fixtures';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';
import { followup, mandate, person } from './people';

/** These tests read the SQLite store directly (the privacy methods exist on SQLite only so far). */
const sqlite = () => s.repo as SqliteRepository;

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
let coline: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
  coline = await enrol(s.app, 'Coline', 'coordinator');
});
afterEach(async () => {
  await s.close();
});

/** Everything personal about Zoé the tests look for afterwards. */
const SECRETS = ['Zoé', 'Quintard', '06 11 22 33 44', 'Sa fille l’aide', 'Dossier APL en cours', 'Armoire du relais', 'Rappeler la CAF', 'Voir l’assistante'];

async function anneFollowsZoe() {
  const zoe = op({
    entity: 'beneficiary',
    data: person({
      firstName: 'Zoé',
      lastName: 'Quintard',
      phone: '06 11 22 33 44',
      noPhone: false,
      note: 'Sa fille l’aide',
      birthYear: 1958,
      qpv: true,
    }) as never,
  });
  const m = op({
    entity: 'mandate',
    data: mandate(zoe.id, { signedOn: '2026-11-02', actions: 'Dossier APL en cours', paperLocation: 'Armoire du relais' }) as never,
  });
  const f = op({ entity: 'followup', data: followup(zoe.id, { label: 'Rappeler la CAF' }) as never });
  const v1 = op({
    data: accompaniment({
      beneficiaryId: zoe.id,
      anonymous: null,
      date: '2026-11-24',
      posture: 'fait_a_la_place',
      mandateId: m.id,
      note: 'Dossier APL en cours',
    }) as never,
  });
  const v2 = op({
    data: accompaniment({
      beneficiaryId: zoe.id,
      anonymous: null,
      date: '2026-11-26',
      outcome: 'orientee',
      referral: { target: 'aide_sociale', note: 'Voir l’assistante' },
    }) as never,
  });
  const v3 = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2026-11-27' }) as never });
  const other = op({ data: accompaniment({ date: '2026-11-25' }) as never });
  const results = (await push(s.app, anne.headers, [zoe, m, f, v1, v2, v3, other])).json().results;
  expect(results.map((r: { status: string }) => r.status)).toEqual(Array(7).fill('applied'));
  // A refused edit (its copy, with her name, is kept for review) and a conflicting one.
  const bad = op({ entity: 'beneficiary', id: zoe.id, baseVersion: 1, data: { ...(zoe.data as object), birthYear: 1800 } as never });
  const stale = op({ entity: 'beneficiary', id: zoe.id, baseVersion: 0, data: { ...(zoe.data as object), note: 'Sa fille l’aide, et son fils' } as never });
  const refused = (await push(s.app, anne.headers, [bad, stale])).json().results;
  expect(refused.map((r: { status: string }) => r.status)).toEqual(['rejected', 'conflict']);
  return { zoe, m, f, v1, v2, v3, other, bad };
}

const dossier = (id: string, headers = coline.headers) => s.app.inject({ url: `/api/v1/beneficiaries/${id}/dossier`, headers });
const erase = (id: string, headers = coline.headers) => s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${id}/erase`, headers });
const tally = async (headers: Record<string, string> = admin) => (await s.app.inject({ url: '/api/v1/tallies?week=2026-W48', headers })).json();
const csvRows = async () => parseCsv((await s.app.inject({ url: '/api/v1/exports/accompaniments.csv?week=2026-W48', headers: admin })).body);
/** Every stored row of the server's tables that may hold data, as one text. */
const storedText = () =>
  JSON.stringify(
    ['records', 'ops', 'audit', 'erased', 'erased_people', 'merges', 'accompaniment_facts'].map((t) => sqlite().db.prepare(`SELECT * FROM ${t}`).all()),
  );
const seq = () => (sqlite().db.prepare(`SELECT value FROM counters WHERE name = 'seq'`).get() as { value: number }).value;

describe('GET /api/v1/beneficiaries/{id}/dossier', () => {
  it('gives the coordinator everything held about her, as a JSON download, and a mediator 403', async () => {
    const { zoe, m, f, v1, v2, v3, bad } = await anneFollowsZoe();
    const res = await dossier(zoe.id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="relais_dossier_\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const d = res.json();
    expect(d.person).toMatchObject({
      id: zoe.id,
      entity: 'beneficiary',
      deleted: false,
      createdBy: 'Anne',
      data: { lastName: 'Quintard', phone: '06 11 22 33 44' },
    });
    expect(d.accompaniments.map((a: { id: string }) => a.id).sort()).toEqual([v1.id, v2.id, v3.id].sort());
    expect(d.mandates).toHaveLength(1);
    expect(d.mandates[0]).toMatchObject({ id: m.id, data: { actions: 'Dossier APL en cours' }, uses: [{ accompanimentId: v1.id, date: '2026-11-24' }] });
    expect(d.followups.map((x: { id: string }) => x.id)).toEqual([f.id]);
    expect(d.mergedIds).toEqual([]);
    // The op log: the applied creations, the refused edit with its copy, the conflict with both.
    const refused = d.opLog.find((o: { opId: string }) => o.opId === bad.opId);
    expect(refused).toMatchObject({ status: 'rejected', by: 'Anne', sent: { birthYear: 1800, lastName: 'Quintard' } });
    expect(d.opLog.find((o: { status: string }) => o.status === 'conflict')).toMatchObject({
      sent: { note: 'Sa fille l’aide, et son fils' },
      current: { id: zoe.id },
    });
    expect(d.opLog.filter((o: { status: string }) => o.status === 'applied')).toHaveLength(6);

    expect((await dossier(zoe.id, anne.headers)).statusCode).toBe(403);
    expect((await dossier('00000000-0000-4000-8000-00000000dead')).json().error.code).toBe('not_found');
    expect((await dossier(v1.id)).statusCode).toBe(404); // an accompaniment is not a person
    const malformed = await dossier('abc');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.fields[0].path).toBe('id');
  });

  it('answers a merged-away person with the survivor’s id, and an erased one with 410', async () => {
    const { zoe } = await anneFollowsZoe();
    const dup = op({ entity: 'beneficiary', data: person({ firstName: 'Zoe', lastName: 'Quintard' }) as never });
    await push(s.app, anne.headers, [dup]);
    expect(
      (await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${dup.id}/merge`, headers: coline.headers, payload: { into: zoe.id } })).statusCode,
    ).toBe(200);
    const merged = await dossier(dup.id);
    expect(merged.statusCode).toBe(409);
    expect(merged.json().error).toMatchObject({ code: 'merged', fields: [{ path: 'id', message: `Fiche fusionnée dans ${zoe.id}.` }] });
    expect((await dossier(zoe.id)).json().mergedIds).toEqual([dup.id]);
    await erase(zoe.id);
    const gone = await dossier(zoe.id);
    expect(gone.statusCode).toBe(410);
    expect(gone.body).not.toContain('Quintard');
  });
});

describe('POST /api/v1/beneficiaries/{id}/erase', () => {
  it('makes her, her mandates and follow-ups tombstones pulled as erased, blanks her visits’ free text, purges the op log, and keeps the tallies', async () => {
    const { zoe, m, f, v1, v2, v3, other } = await anneFollowsZoe();
    const tallyBefore = await tally();
    const anneBefore = await tally(anne.headers);
    const csvBefore = await csvRows();
    expect(tallyBefore.totals).toMatchObject({ accompaniments: 4, people: 2, qpvPeople: 1 });
    const { cursor } = await pullAll(s.app, anne.headers);

    const res = await erase(zoe.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: zoe.id, erased: true, counts: { people: 1, mandates: 1, followups: 1, accompaniments: 2, opCopies: 2 } });

    // Tallies and exports count exactly as before (she keeps her traits, without her name).
    expect(await tally()).toEqual(tallyBefore);
    expect(await tally(anne.headers)).toEqual(anneBefore); // her mediator's own tally too
    expect(await csvRows()).toEqual(csvBefore);

    // Her tablet pulls the tombstones (marked erased) and her visits without their free text.
    const page = (await s.app.inject({ url: `/api/v1/sync/pull?since=${cursor}`, headers: anne.headers })).json();
    const byId = new Map(page.changes.map((c: { id: string }) => [c.id, c]));
    for (const id of [zoe.id, m.id, f.id]) expect(byId.get(id)).toMatchObject({ deleted: true, data: {}, erased: true });
    expect(byId.get(v1.id)).toMatchObject({ deleted: false, data: { note: null, beneficiaryId: zoe.id, mandateId: m.id } });
    expect(byId.get(v2.id)).toMatchObject({ data: { referral: { target: 'aide_sociale', note: null } } });
    expect(byId.has(v3.id)).toBe(false); // nothing personal in it: no new version
    expect(byId.has(other.id)).toBe(false);

    // Nothing of her is left on the server.
    const stored = storedText();
    for (const secret of SECRETS) expect(stored).not.toContain(secret);

    // Erasing again changes nothing, writes no version.
    const before = seq();
    const again = await erase(zoe.id);
    expect(again.json().counts).toEqual({ people: 0, mandates: 0, followups: 0, accompaniments: 0, opCopies: 0 });
    expect(seq()).toBe(before);
    expect(await tally()).toEqual(tallyBefore);
  });

  it('refuses a tablet’s later change of her records or new mandate or follow-up of her, keeping no copy, but accepts a new visit naming her', async () => {
    const { zoe, m } = await anneFollowsZoe();
    await erase(zoe.id);
    const edit = op({ entity: 'beneficiary', id: zoe.id, baseVersion: 1, data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
    const revive = op({ entity: 'mandate', id: m.id, baseVersion: 2, data: mandate(zoe.id, { actions: 'Dossier APL en cours' }) as never });
    // A mandate and a follow-up made offline for her, never sent before the erasure.
    const lateMandate = op({ entity: 'mandate', data: mandate(zoe.id, { actions: 'Dossier APL en cours' }) as never });
    const lateFollowup = op({ entity: 'followup', data: followup(zoe.id, { label: 'Rappeler la CAF' }) as never });
    const results = (await push(s.app, anne.headers, [edit, revive, lateMandate, lateFollowup])).json().results;
    expect(results).toHaveLength(4);
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', fields: [{ path: 'id' }] });
    expect(results[0].fields[0].message).toMatch(/effacée à sa demande/);
    for (const secret of SECRETS) expect(storedText()).not.toContain(secret);
    const visit = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2026-11-28' }) as never });
    expect((await push(s.app, anne.headers, [visit])).json().results[0].status).toBe('applied');
    expect((await tally()).totals).toMatchObject({ people: 2 });
  });

  it('erases the records merged into her too; a merged-away id, an unknown id and a mediator get clear errors', async () => {
    const { zoe } = await anneFollowsZoe();
    const dup = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard-Bis' }) as never });
    const dupVisit = op({ data: accompaniment({ beneficiaryId: dup.id, anonymous: null, date: '2026-11-23', note: 'Voir l’assistante' }) as never });
    await push(s.app, anne.headers, [dup, dupVisit]);
    await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${dup.id}/merge`, headers: coline.headers, payload: { into: zoe.id } });
    const tallyBefore = await tally();

    const merged = await erase(dup.id);
    expect(merged.statusCode).toBe(409);
    expect(merged.json().error.code).toBe('merged');
    expect((await erase('00000000-0000-4000-8000-00000000dead')).statusCode).toBe(404);
    const forbidden = await erase(zoe.id, anne.headers);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.body).not.toContain('Quintard');

    const res = (await erase(zoe.id)).json();
    expect(res.counts).toMatchObject({ people: 2, accompaniments: 3 });
    const all = (await pullAll(s.app, admin)).changes;
    expect(all.find((c) => c.id === dup.id)).toMatchObject({ deleted: true, erased: true });
    expect(await tally()).toEqual(tallyBefore);
    for (const secret of [...SECRETS, 'Quintard-Bis']) expect(storedText()).not.toContain(secret);
    // Once erased, the merged-away id still answers "merged" (never her data).
    expect((await erase(dup.id)).statusCode).toBe(409);
  });
});
