// Where the database runs, read as a running server does: the current timeline of a primary (not
// the last checkpoint's), and checked again while the server runs, so that a failover to a
// promoted standby (a new timeline) under a running server gives every cursor a reset instead of
// letting tablets skip the seqs the new primary hands out again.
import pg from 'pg';
import { expect, it } from 'vitest';
import { whereAmI } from '../../../src/server/store/postgres/migrations';
import { PostgresRepository } from '../../../src/server/store/postgres/postgresRepository';
import { accompaniment } from '../../unit/fixtures';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { op } from '../helpers';

const coord = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
const now = '2026-11-24T10:00:00.000Z';

it('reads the current timeline of the primary from the WAL being written', async () => {
  const c = new pg.Client({ connectionString: schemaUrl('public') });
  await c.connect();
  try {
    const here = await whereAmI(c);
    const wal = (await c.query(`SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) AS tl`)).rows[0].tl as string;
    expect(here.systemId).toMatch(/^\d+$/);
    expect(here.timeline).toBe(parseInt(wal, 16));
  } finally {
    await c.end();
  }
});

it('a running server that finds the database on another timeline stamps a new identity: old cursors get cursor_reset', async () => {
  const schema = await freshSchema();
  const repo = await PostgresRepository.open(schemaUrl(schema), { identityCheckEveryMs: 100 });
  const other = new pg.Client({ connectionString: schemaUrl(schema) });
  await other.connect();
  try {
    await repo.push(coord, [op({ data: accompaniment() as never })], now);
    const first = await repo.pull(coord, null, 100);
    if (first === 'cursor_reset') throw new Error('unexpected reset');
    const before = await repo.databaseId();
    // Nothing changes while the database stays where it is...
    await new Promise((r) => setTimeout(r, 400));
    expect(await repo.databaseId()).toBe(before);
    // ...then the identity was stamped on another timeline than the current one: what a promoted
    // standby looks like to a server that stamped it on the old primary.
    await other.query(`UPDATE identity SET timeline = timeline + 1`);
    const deadline = Date.now() + 5000;
    while ((await repo.databaseId()) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await repo.databaseId()).not.toBe(before);
    const seq = Number(first.cursor.split('.')[1]);
    expect(seq).toBeGreaterThan(0);
    expect(await repo.pull(coord, { dbId: before, seq }, 100)).toBe('cursor_reset');
    // And the identity now records the current timeline: no second reset.
    const after = await repo.databaseId();
    await new Promise((r) => setTimeout(r, 400));
    expect(await repo.databaseId()).toBe(after);
  } finally {
    await other.end();
    await repo.close();
    await dropSchema(schema);
  }
});
