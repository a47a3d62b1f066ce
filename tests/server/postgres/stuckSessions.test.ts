// A session that holds locks and stops (a stuck server, a forgotten psql transaction, an old
// sweep): pushes fail fast with a clear 503 `unavailable` (lock timeout, pool.ts) instead of
// hanging every server, and the hourly sweep of old review copies a push runs first never makes
// it wait on such a session.
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildApp } from '../../../src/server/app';
import { PostgresRepository } from '../../../src/server/store/postgres/postgresRepository';
import { accompaniment } from '../../unit/fixtures';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { ADMIN, enrol, op, push, type Client } from '../helpers';

let schema: string;
let repo: PostgresRepository;
let blocker: pg.Client;
beforeEach(async () => {
  schema = await freshSchema();
  repo = await PostgresRepository.open(schemaUrl(schema), { timeouts: { connectMs: 2000, lockMs: 500, statementMs: 3000, idleInTransactionMs: 5000 } });
  blocker = new pg.Client({ connectionString: schemaUrl(schema) });
  await blocker.connect();
});
afterEach(async () => {
  await blocker.end();
  await repo.close();
  await dropSchema(schema);
});

it('a push waiting on a lock a stuck session holds answers 503 unavailable within the lock timeout', async () => {
  const app = await buildApp({ repo, version: 'test', adminToken: ADMIN });
  try {
    const anne = await enrol(app as unknown as Client, 'Anne');
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM counters WHERE name = 'seq' FOR UPDATE`);
    const t0 = Date.now();
    const res = await push(app as unknown as Client, anne.headers, [op({ data: accompaniment() as never })]);
    const elapsed = Date.now() - t0;
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('30');
    expect(elapsed).toBeLessThan(2500);
    await blocker.query('ROLLBACK');
    // Once the session let go, the same push goes through.
    const again = await push(app as unknown as Client, anne.headers, [op({ data: accompaniment() as never })]);
    expect(again.json().results[0].status).toBe('applied');
  } finally {
    await app.close();
  }
});

it('the sweep of old copies a push runs first skips the rows a stuck session holds, without waiting', async () => {
  const coord = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
  const a = op({ data: accompaniment() as never });
  await repo.push(coord, [a], '2026-01-05T10:00:00.000Z');
  // Two refused edits (stale): their copies are kept for review, then swept after 90 days.
  const stale = [
    op({ id: a.id, baseVersion: 0, data: accompaniment({ note: 'x' }) as never }),
    op({ id: a.id, baseVersion: 0, data: accompaniment() as never }),
  ];
  await repo.push(coord, stale, '2026-01-05T10:00:00.000Z');
  const copies = async () => Number((await blocker.query(`SELECT COUNT(*) AS n FROM ops WHERE data IS NOT NULL OR current IS NOT NULL`)).rows[0].n);
  expect(await copies()).toBe(2);
  // A stuck session holds one of the old copies.
  await blocker.query('BEGIN');
  await blocker.query(`SELECT * FROM ops WHERE op_id = $1 FOR UPDATE`, [stale[0].opId]);
  // A push months later (the first of this server: it sweeps before its batch) does not wait
  // for that session: it sweeps the copy nobody holds and leaves the other for next time.
  const t0 = Date.now();
  const r = await repo.push(coord, [op({ data: accompaniment() as never })], '2026-06-01T10:00:00.000Z');
  expect(r[0].status).toBe('applied');
  expect(Date.now() - t0).toBeLessThan(400);
  expect(await copies()).toBe(1);
  await blocker.query('ROLLBACK');
  expect(await repo.purgeExpiredCopies('2026-06-01T11:00:00.000Z')).toBe(1);
  expect(await copies()).toBe(0);
});
