// The pull cursor with several writers on one PostgreSQL (api.md Pull: "a cursor never passes a
// change committed after a change it already passed").
//
// The choice: a commit-ordered sequence. A push batch does its work (locks its records, decides,
// claims its opIds) concurrently with other batches, and only at the end takes its seqs from one
// counter row (`UPDATE counters … RETURNING`, whose row lock is held until commit), writes its
// records with them, and commits. The next batch to take seqs waits for that commit, and
// PostgreSQL makes a transaction visible before releasing its locks, so seqs become visible in
// increasing order: every pull (one statement, one snapshot, `seq > cursor ORDER BY seq`) sees a
// prefix of the sequence and its cursor stops before the oldest change still being committed.
// (A plain sequence taken at write time would not do: a batch taking seq 11 could commit before
// one holding seq 10, and a cursor at 11 would skip 10 forever.) What it costs: the last step of
// the pushes (write the records, commit) is serialized across servers; reads never wait.
//
// The alternative, bounding pulls by `pg_snapshot_xmin(pg_current_snapshot())`, was not taken:
// the oldest transaction in flight is cluster-wide, so any long transaction (a migration, another
// database's batch job) would hold back every tablet's pull.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresRepository } from '../../../src/server/store/postgres/postgresRepository';
import type { PullAnswer } from '../../../src/domain/sync';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { op } from '../helpers';

const coordinator = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** Two "app servers" (two pools) on one fresh schema. */
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
const pull = async (repo: PostgresRepository, cursor: string | null) => {
  const since = cursor ? { dbId: cursor.split('.')[0], seq: Number(cursor.split('.')[1]) } : null;
  return (await repo.pull(coordinator, since, 1000)) as PullAnswer;
};

describe('the pull cursor with two servers writing at once', () => {
  it('never passes a change still being committed; the next pull after its commit gets it, once', async () => {
    const { a, b } = await twoServers();
    const start = (await pull(a, null)).cursor; // after the reference data
    const first = op();
    const second = op();

    // T1 (server A) takes its seq and stays open.
    let release!: () => void;
    let reached!: (seqs: number[]) => void;
    const taken = new Promise<number[]>((r) => (reached = r));
    a.batches.onSeqTaken = (seqs) => {
      reached(seqs);
      return new Promise<void>((r) => (release = r));
    };
    const t1 = a.push(coordinator, [first], now());
    const [t1Seq] = await taken;
    a.batches.onSeqTaken = null;

    // T2 (server B) pushes a later change meanwhile: its work is done, it waits for the seq after T1's.
    let t2Done = false;
    const t2 = b.push(coordinator, [second], now()).then((r) => ((t2Done = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(t2Done).toBe(false);

    // A pull in between (on either server) does not wait, and does not pass T1's change.
    for (const repo of [a, b]) {
      const between = await pull(repo, start);
      expect(between.changes.map((c) => c.id)).toEqual([]);
      expect(between.cursor).toBe(start);
      expect(Number(between.cursor.split('.')[1])).toBeLessThan(t1Seq);
    }

    release();
    expect((await t1)[0].status).toBe('applied');
    expect((await t2)[0].status).toBe('applied');
    const after = await pull(b, start);
    expect(after.changes.map((c) => c.id)).toEqual([first.id, second.id]);
    const again = await pull(a, after.cursor);
    expect(again.changes).toEqual([]);
  });

  it('a tablet pulling while two servers commit many batches receives every change exactly once', async () => {
    const { a, b } = await twoServers();
    let cursor = (await pull(a, null)).cursor; // the reference data, before any write
    const ids: string[] = [];
    const writers = [a, b].map(async (repo) => {
      for (let i = 0; i < 25; i++) {
        const batch = Array.from({ length: 8 }, () => op());
        ids.push(...batch.map((o) => o.id));
        await repo.push(coordinator, batch, now());
      }
    });
    const seen: string[] = [];
    let writing = true;
    const all = Promise.all(writers).then(() => (writing = false));
    for (let turn = 0; writing || turn % 2 === 1; turn++) {
      const page = await pull(turn % 2 ? a : b, cursor);
      seen.push(...page.changes.map((c) => c.id));
      cursor = page.cursor;
    }
    await all;
    for (;;) {
      const page = await pull(a, cursor);
      seen.push(...page.changes.map((c) => c.id));
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual([...ids].sort());
  });
});

describe('migrations of PostgreSQL', () => {
  it('run once when several servers start at once on an empty schema (advisory lock)', async () => {
    const schema = await freshSchema();
    const repos = await Promise.all(Array.from({ length: 5 }, () => PostgresRepository.open(schemaUrl(schema), { poolSize: 2 })));
    cleanup.push(async () => {
      for (const r of repos) await r.close();
      await dropSchema(schema);
    });
    const q = (sql: string) => repos[0].pool.query(sql).then((r) => r.rows);
    expect(await q(`SELECT version FROM schema_migrations ORDER BY version`)).toEqual([{ version: 1 }, { version: 2 }]);
    expect(await q(`SELECT COUNT(*) AS n FROM records WHERE entity = 'relay'`)).toEqual([{ n: 8 }]);
    const ids = new Set(await Promise.all(repos.map((r) => r.databaseId())));
    expect(ids.size).toBe(1);
    // Every server works on the result.
    const pushed = await repos[3].push(coordinator, [op({ id: randomUUID() })], now());
    expect(pushed[0].status).toBe('applied');
  });

  it('give the database a new identity when it was restored (another cluster or timeline): old cursors get cursor_reset', async () => {
    const schema = await freshSchema();
    const first = await PostgresRepository.open(schemaUrl(schema));
    await first.push(coordinator, [op()], now());
    const before = await pull(first, null);
    // As after a point-in-time recovery: the timeline stamped in the database is not the cluster's.
    await first.pool.query(`UPDATE identity SET timeline = timeline + 1`);
    await first.close();
    const restored = await PostgresRepository.open(schemaUrl(schema));
    cleanup.push(async () => {
      await restored.close();
      await dropSchema(schema);
    });
    expect(await restored.databaseId()).not.toBe(before.cursor.split('.')[0]);
    expect(await restored.pull(coordinator, { dbId: before.cursor.split('.')[0], seq: 1 }, 100)).toBe('cursor_reset');
    // Every change it holds came from the backup: a tablet may resend a newer version of its own.
    const again = await pull(restored, null);
    expect(again.changes.every((c) => (c as { fromBackup?: boolean }).fromBackup)).toBe(true);
  });
});
