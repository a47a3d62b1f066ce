// A merge and a push counting in the same tally group, on two servers: they take their locks in
// one order (records, ops, tally facts, the seq counter last), so they queue; in opposite orders
// they would deadlock, and PostgreSQL would abort one only after its deadlock_timeout (1 s), each
// time. A third session holds the counter so that both are in flight at once.
import pg from 'pg';
import { expect, it } from 'vitest';
import { PostgresRepository } from '../../../src/server/store/postgres/postgresRepository';
import { accompaniment } from '../../unit/fixtures';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { op } from '../helpers';
import { person } from '../people';

const coord = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
const now = '2026-11-24T10:00:00.000Z';

it('a merge and a push counting in the same tally group queue, without a deadlock', async () => {
  const schema = await freshSchema();
  const a = await PostgresRepository.open(schemaUrl(schema));
  const b = await PostgresRepository.open(schemaUrl(schema));
  const blocker = new pg.Client({ connectionString: schemaUrl(schema) });
  await blocker.connect();
  try {
    const dup = op({ entity: 'beneficiary', data: person({ lastName: 'Martin' }) as never });
    const keep = op({ entity: 'beneficiary', data: person({ lastName: 'MARTIN' }) as never });
    const v = op({ data: accompaniment({ beneficiaryId: dup.id, anonymous: null }) as never });
    const r = await a.push(coord, [dup, keep, v], now);
    expect(r.map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM counters WHERE name = 'seq' FOR UPDATE`);
    // The merge locks its records and goes as far as it can before the counter...
    const merging = b.merge(coord, dup.id, keep.id, now);
    await new Promise((r) => setTimeout(r, 300));
    // ...then a push of a visit of the survivor, same day and dimensions (the same tally group).
    const pushing = a.push(coord, [op({ data: accompaniment({ beneficiaryId: keep.id, anonymous: null }) as never })], now);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await blocker.query('COMMIT');
    const [m, p] = await Promise.all([merging, pushing]);
    const elapsed = Date.now() - t0;
    expect(m.status).toBe('merged');
    expect(p[0].status).toBe('applied');
    // A deadlock costs deadlock_timeout (1 s by default) before one side is aborted and retried.
    expect(elapsed).toBeLessThan(800);
    // Both counted: the group holds the two visits, now both of the survivor.
    const facts = await blocker.query(`SELECT beneficiary_id FROM accompaniment_facts ORDER BY id`);
    expect(facts.rows.map((x) => x.beneficiary_id)).toEqual([keep.id, keep.id]);
  } finally {
    await blocker.end();
    await a.close();
    await b.close();
    await dropSchema(schema);
  }
});
