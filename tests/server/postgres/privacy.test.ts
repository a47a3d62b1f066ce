// Erasure and retention with several app servers on one PostgreSQL: an erasure is one transaction
// that waits for a push being committed on another server (so a mandate of hers pushed at that
// moment is erased with her, never left behind), its new versions take commit-ordered seqs (a
// tablet pulling meanwhile receives every one of them, exactly once, with `erased`), and the
// tally facts kept at push time (accompaniment_facts, accompaniment_groups) are the same before
// and after an erasure or an anonymisation.
import { afterEach, describe, expect, it } from 'vitest';
import type { PullAnswer } from '../../../src/domain/sync';
import { PostgresRepository } from '../../../src/server/store/postgres/postgresRepository';
import { accompaniment } from '../../unit/fixtures';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { op } from '../helpers';
import { followup, mandate, person } from '../people';

const coordinator = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function twoServers() {
  const schema = await freshSchema();
  const a = await PostgresRepository.open(schemaUrl(schema));
  const b = await PostgresRepository.open(schemaUrl(schema));
  cleanup.push(async () => {
    await a.close();
    await b.close();
    await dropSchema(schema);
  });
  return { a, b };
}

const now = () => new Date().toISOString();
const pull = async (repo: PostgresRepository, cursor: string) =>
  (await repo.pull(coordinator, { dbId: cursor.split('.')[0], seq: Number(cursor.split('.')[1]) }, 1000)) as PullAnswer;
const start = async (repo: PostgresRepository) => ((await repo.pull(coordinator, null, 1000)) as PullAnswer).cursor;

/** The tally facts as stored (groups with a count only: a group at 0 counts nothing). */
const facts = async (repo: PostgresRepository) => [
  (await repo.pool.query(`SELECT id, date, owner_id, created_by, permanence_id, beneficiary_id, dims FROM accompaniment_facts ORDER BY id`)).rows,
  (
    await repo.pool.query(
      `SELECT date, owner_id, created_by, permanence_id, beneficiary_id, dims, n FROM accompaniment_groups WHERE n <> 0
       ORDER BY date, owner_id, created_by, permanence_id, beneficiary_id, dims`,
    )
  ).rows,
];

async function zoe(repo: PostgresRepository) {
  const p = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard', qpv: true, birthYear: 1958 }) as never });
  const m = op({ entity: 'mandate', data: mandate(p.id, { signedOn: '2026-11-02' }) as never });
  const visits = ['2026-11-24', '2026-11-25'].map((date) =>
    op({ data: accompaniment({ beneficiaryId: p.id, anonymous: null, date, posture: 'fait_a_la_place', mandateId: m.id, note: 'Dossier APL' }) as never }),
  );
  const res = await repo.push(coordinator, [p, m, ...visits], now());
  expect(res.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
  return { p, m, visits };
}

describe('erasing a person on PostgreSQL with two servers', () => {
  it('waits for a push being committed elsewhere, erases what it brought, and a tablet pulling meanwhile misses nothing', async () => {
    const { a, b } = await twoServers();
    const { p, m, visits } = await zoe(a);
    const cursor = await start(a);
    const factsBefore = await facts(a);
    const tallyBefore = await a.tallyFacts({ period: { from: '2026-11-01', to: '2026-11-30' } });

    // Server A: a tablet's batch with a new follow-up of hers takes its seqs and stays open.
    const late = op({ entity: 'followup', data: followup(p.id, { label: 'Rappeler la CAF' }) as never });
    let release!: () => void;
    let reached!: () => void;
    const taken = new Promise<void>((r) => (reached = r));
    a.batches.onSeqTaken = () => {
      reached();
      return new Promise<void>((r) => (release = r));
    };
    const pushing = a.push(coordinator, [late], now());
    await taken;
    a.batches.onSeqTaken = null;

    // Server B: the erasure waits for that batch (it must not decide without the follow-up).
    let erased = false;
    const erasing = b.erase(coordinator, p.id, now()).then((r) => ((erased = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(erased).toBe(false);
    // A pull meanwhile does not wait, and passes nothing still being committed.
    const between = await pull(b, cursor);
    expect(between.changes).toEqual([]);

    release();
    expect((await pushing)[0].status).toBe('applied');
    const result = await erasing;
    expect(result).toMatchObject({ status: 'erased', counts: { people: 1, mandates: 1, followups: 1, accompaniments: 2 } });

    // From the cursor taken before: each record once, at its latest (erased) version.
    const after = await pull(a, between.cursor);
    const ids = after.changes.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([p.id, m.id, late.id, ...visits.map((v) => v.id)].sort());
    const last = new Map(after.changes.map((c) => [c.id, c]));
    for (const id of [p.id, m.id, late.id]) expect(last.get(id)).toMatchObject({ deleted: true, erased: true, data: {} });
    for (const v of visits) expect(last.get(v.id)?.data).toMatchObject({ beneficiaryId: p.id, note: null });
    expect((await pull(b, after.cursor)).changes).toEqual([]);

    // Tallies: the facts kept at push time, and what a tally reads, are the same.
    expect(await facts(b)).toEqual(factsBefore);
    expect(await b.tallyFacts({ period: { from: '2026-11-01', to: '2026-11-30' } })).toEqual(tallyBefore);

    // A push waiting behind the erasure finds her erased: refused, no copy kept.
    const again = op({ entity: 'followup', id: late.id, baseVersion: 1, data: followup(p.id, { label: 'Rappeler la CAF' }) as never });
    expect((await a.push(coordinator, [again], now()))[0]).toMatchObject({ status: 'rejected' });
    expect((await a.pool.query(`SELECT data FROM ops WHERE op_id = $1`, [again.opId])).rows).toEqual([{ data: null }]);
  });

  it('two erasures of her at once on two servers write her tombstones once', async () => {
    const { a, b } = await twoServers();
    const { p } = await zoe(a);
    const cursor = await start(a);
    const [x, y] = await Promise.all([a.erase(coordinator, p.id, now()), b.erase(coordinator, p.id, now())]);
    const total = (r: typeof x) => (r.status === 'erased' ? r.counts.people + r.counts.mandates + r.counts.accompaniments : -1);
    expect(total(x) + total(y)).toBe(4);
    const changes = (await pull(a, cursor)).changes;
    expect(changes.length).toBe(4);
    expect(new Set(changes.map((c) => c.id)).size).toBe(4);
  });
});

describe('retention on PostgreSQL', () => {
  it('anonymises with commit-ordered seqs and leaves the tally facts as they were', async () => {
    const { a, b } = await twoServers();
    const { p, m, visits } = await zoe(a);
    const cursor = await start(a);
    const factsBefore = await facts(a);
    const counts = await b.anonymiseInactive('2029-12-01', now());
    expect(counts).toMatchObject({ people: 1, mandates: 1, accompaniments: 2 });
    const changes = (await pull(a, cursor)).changes;
    expect(changes.map((c) => c.id).sort()).toEqual([p.id, m.id, ...visits.map((v) => v.id)].sort());
    expect(changes.find((c) => c.id === p.id)?.data).toMatchObject({ firstName: 'Anonyme', birthYear: 1958, qpv: true });
    expect(await facts(a)).toEqual(factsBefore);
    // A second run writes nothing.
    expect(await a.anonymiseInactive('2029-12-01', now())).toMatchObject({ people: 0, mandates: 0, accompaniments: 0 });
    expect((await pull(a, (await pull(a, cursor)).cursor)).changes).toEqual([]);
  });
});
