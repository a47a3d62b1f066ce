// Merging two followed people (README "API extensions"): the coordinator merges a duplicate into
// the person who stays; every tablet pulls the moved records and the tombstone (`mergedInto`),
// and the tallies count her once, even for a visit still naming the duplicate pushed later.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import type { AccompanimentData } from '../../src/domain/records';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';
import { followup, mandate, person } from './people';

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

const visit = (beneficiaryId: string, over: Partial<AccompanimentData> = {}) =>
  op({ data: accompaniment({ beneficiaryId, anonymous: null, date: '2026-11-24', ...over }) as never });
const merge = (id: string, into: string, headers = coline.headers) =>
  s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${id}/merge`, headers, payload: { into } });
const tally = async (headers: Record<string, string> = admin) => (await s.app.inject({ url: '/api/v1/tallies?week=2026-W48', headers })).json();

async function twoRecordsOfLeila() {
  const dup = op({ entity: 'beneficiary', data: person({ lastName: 'Martin', phone: '06 12 34 56 78', noPhone: false }) as never });
  const keep = op({ entity: 'beneficiary', data: person({ lastName: 'MARTIN', phone: '0612345678', noPhone: false }) as never });
  const m = op({ entity: 'mandate', data: mandate(dup.id, { signedOn: '2026-11-02' }) as never });
  const f = op({ entity: 'followup', data: followup(dup.id) as never });
  const v1 = visit(dup.id, { posture: 'fait_a_la_place', mandateId: m.id });
  const v2 = visit(keep.id, { date: '2026-11-26' });
  const results = (await push(s.app, anne.headers, [dup, keep, m, f, v1, v2])).json().results;
  expect(results.map((r: { status: string }) => r.status)).toEqual(Array(6).fill('applied'));
  return { dup, keep, m, f, v1, v2 };
}

describe('POST /api/v1/beneficiaries/{id}/merge', () => {
  it('moves visits, mandates and follow-ups to the survivor; the owner and the coordinator pull them, and the tombstone names the survivor', async () => {
    const { dup, keep, m, f, v1 } = await twoRecordsOfLeila();
    const before = await pullAll(s.app, anne.headers);
    const res = await merge(dup.id, keep.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: dup.id, into: keep.id, version: 2, moved: { accompaniments: 1, mandates: 1, followups: 1 } });
    expect(res.body).not.toContain('Martin');

    // The owner mediator's tablet pulls exactly what changed.
    const page = (await s.app.inject({ url: `/api/v1/sync/pull?since=${before.cursor}`, headers: anne.headers })).json();
    const byId = new Map(page.changes.map((c: { id: string }) => [c.id, c]));
    expect(byId.size).toBe(4);
    expect(byId.get(v1.id)).toMatchObject({ version: 2, data: { beneficiaryId: keep.id, mandateId: m.id, posture: 'fait_a_la_place' }, createdBy: 'Anne' });
    expect(byId.get(m.id)).toMatchObject({ version: 2, data: { beneficiaryId: keep.id, domains: ['social', 'logement'] } });
    expect(byId.get(f.id)).toMatchObject({ version: 2, data: { beneficiaryId: keep.id } });
    expect(byId.get(dup.id)).toMatchObject({ entity: 'beneficiary', version: 2, deleted: true, data: {}, mergedInto: keep.id });
    // The coordinator's tablet too; live records carry no mergedInto.
    const all = (await pullAll(s.app, coline.headers)).changes;
    expect(all.find((c) => c.id === dup.id)).toMatchObject({ deleted: true, mergedInto: keep.id });
    expect(all.find((c) => c.id === keep.id)).not.toHaveProperty('mergedInto');
    // Recorded in the op log as the coordinator's.
    const coordinatorId = (await s.one(`SELECT id FROM users WHERE name = 'Coline'`))?.id as string;
    const logged = await s.sql(`SELECT record_id, user_id, version, status FROM ops WHERE user_id = ? ORDER BY record_id`, coordinatorId);
    expect(logged).toHaveLength(4);
    expect(logged).toEqual(expect.arrayContaining([{ record_id: dup.id, user_id: coordinatorId, version: 2, status: 'applied' }]));
    // The mediator's pending edit made on version 1 of the moved visit is a conflict, not an overwrite.
    const stale = op({ id: v1.id, baseVersion: 1, data: { ...(v1.data as object), durationMinutes: 45 } });
    expect((await push(s.app, anne.headers, [stale])).json().results[0]).toMatchObject({ status: 'conflict', current: { version: 2 } });
  });

  it('counts the person once in the tallies, before a visit naming the duplicate arrives and after', async () => {
    const { dup, keep, m } = await twoRecordsOfLeila();
    expect((await tally()).totals).toMatchObject({ accompaniments: 2, people: 2, newPeople: 2 });
    expect((await merge(dup.id, keep.id)).statusCode).toBe(200);
    expect((await tally()).totals).toMatchObject({ accompaniments: 2, people: 1, newPeople: 1 });
    expect((await tally(anne.headers)).totals).toMatchObject({ accompaniments: 2, people: 1, newPeople: 1 });
    // An offline tablet still naming the duplicate: applied as sent (its mandate, now the survivor's, still fits).
    const late = visit(dup.id, { date: '2026-11-27', posture: 'fait_a_la_place', mandateId: m.id });
    expect((await push(s.app, anne.headers, [late])).json().results[0]).toMatchObject({ status: 'applied', version: 1 });
    const after = await tally();
    expect(after.totals).toMatchObject({ accompaniments: 3, people: 1, newPeople: 1 });
    expect(after.byGender).toEqual({ female: 1 });
    // Her first visit ever is the earliest of both ids: a visit of the duplicate in an earlier week makes her returning.
    await push(s.app, anne.headers, [visit(dup.id, { date: '2026-11-10' })]);
    expect((await tally()).totals).toMatchObject({ people: 1, newPeople: 0 });
  });

  it('is for the coordinator only, and refuses unknown, identical or deleted people', async () => {
    const { dup, keep, m } = await twoRecordsOfLeila();
    expect((await merge(dup.id, keep.id, anne.headers)).statusCode).toBe(403);
    expect((await merge('5b8e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4', keep.id)).statusCode).toBe(404);
    expect((await merge(m.id, keep.id)).statusCode).toBe(404); // a mandate is not a person
    expect((await merge(keep.id, keep.id)).statusCode).toBe(409);
    expect((await merge(dup.id, 'not-a-uuid')).statusCode).toBe(400);
    expect((await merge(dup.id, keep.id)).statusCode).toBe(200);
    const again = await merge(dup.id, keep.id);
    expect(again.statusCode).toBe(409);
    expect((await merge(keep.id, dup.id)).statusCode).toBe(409);
    // Nothing changed by the refused attempts.
    expect(await s.one(`SELECT COUNT(*) AS n FROM merges`)).toEqual({ n: 1 });
  });

  it('refuses to merge two people followed by different users, so no tablet is left with visits naming a person it never pulls', async () => {
    const bea = await enrol(s.app, 'Béatrice');
    const hers = op({ entity: 'beneficiary', data: person({ lastName: 'Martin', phone: '06 12 34 56 78', noPhone: false }) as never });
    const anne_ = op({ entity: 'beneficiary', data: person({ lastName: 'MARTIN', phone: '0612345678', noPhone: false }) as never });
    const herVisit = visit(hers.id);
    expect((await push(s.app, bea.headers, [hers, herVisit])).json().results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
    expect((await push(s.app, anne.headers, [anne_])).json().results[0].status).toBe('applied');
    const before = await pullAll(s.app, bea.headers);

    for (const [dup, into] of [
      [hers.id, anne_.id],
      [anne_.id, hers.id],
    ]) {
      const res = await merge(dup, into);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'different_owners', fields: [{ path: 'into' }] });
      expect(res.body).not.toContain('Martin');
    }
    // Nothing moved: Béatrice's visit still names her person, who is still live, and nothing new to pull.
    expect(await s.one(`SELECT COUNT(*) AS n FROM merges`)).toEqual({ n: 0 });
    const page = (await s.app.inject({ url: `/api/v1/sync/pull?since=${before.cursor}`, headers: bea.headers })).json();
    expect(page.changes).toEqual([]);
    expect(before.changes.find((c) => c.id === herVisit.id)).toMatchObject({ data: { beneficiaryId: hers.id } });
    // Not audited as a merge.
    expect(
      (await s.app.inject({ url: '/api/v1/audit', headers: coline.headers })).json().entries.filter((e: { action: string }) => e.action === 'merge'),
    ).toEqual([]);
  });

  it('follows successive merges: a person merged into one later merged again counts as the last survivor', async () => {
    const { dup, keep } = await twoRecordsOfLeila();
    const third = op({ entity: 'beneficiary', data: person({ firstName: 'Leila' }) as never });
    await push(s.app, anne.headers, [third, visit(third.id, { date: '2026-11-25' })]);
    expect((await merge(dup.id, keep.id)).statusCode).toBe(200);
    expect((await merge(keep.id, third.id)).statusCode).toBe(200);
    await push(s.app, anne.headers, [visit(dup.id, { date: '2026-11-28' })]);
    expect((await tally()).totals).toMatchObject({ accompaniments: 4, people: 1 });
  });
});
