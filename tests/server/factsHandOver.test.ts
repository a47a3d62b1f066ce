// SQLite: a push hands its tally facts over at its commit and they are written just after its
// answer (tallyFacts.ts). Whatever lands in between (a tally, the next push, another server on the
// same file editing the same records, a merge, an erasure, a retention run, a crash, a write lock
// held elsewhere), the fact tables end up holding exactly the live accompaniments and permanences,
// each accompaniment at its record's date, and a tally neither fails nor holds the event loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushOp } from '../../src/domain/outbox';
import { openSqliteDatabase } from '../../src/server/store/sqlite/database';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { accompaniment, permanence } from '../unit/fixtures';
import { op } from './helpers';
import { person } from './people';

let dir: string;
let file: string;
const open: SqliteRepository[] = [];
const anne = { userId: 'u-anne', role: 'mediator' as const, deviceId: null };
const now = () => new Date().toISOString();
const flush = () => new Promise((resolve) => setImmediate(resolve));

function repo(): SqliteRepository {
  const r = SqliteRepository.open(file);
  open.push(r);
  return r;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relais-facts-'));
  file = path.join(dir, 'relais.sqlite');
});
afterEach(async () => {
  for (const r of open.splice(0)) if (r.db.open) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The fact tables, and what they must hold: every live accompaniment at its date, every live permanence. */
function facts(r: SqliteRepository) {
  const all = (sql: string) => r.db.prepare(sql).all();
  return {
    accompaniments: all(`SELECT id, date FROM accompaniment_facts ORDER BY id`),
    permanences: all(`SELECT id FROM permanence_facts ORDER BY id`),
    caughtUp:
      (
        r.db.prepare(`SELECT (SELECT value FROM counters WHERE name = 'facts_seq') = (SELECT value FROM counters WHERE name = 'seq') AS yes`).get() as {
          yes: number;
        }
      ).yes === 1,
  };
}
function expected(r: SqliteRepository) {
  const all = (sql: string) => r.db.prepare(sql).all();
  return {
    accompaniments: all(`SELECT id, json_extract(data, '$.date') AS date FROM records WHERE entity = 'accompaniment' AND deleted = 0 ORDER BY id`),
    permanences: all(`SELECT id FROM records WHERE entity = 'permanence' AND deleted = 0 ORDER BY id`),
    caughtUp: true,
  };
}

const visit = (date: string, over: Partial<PushOp> = {}) => op({ data: accompaniment({ date }) as never, ...over });
const edit = (o: PushOp, version: number, date: string) => op({ id: o.id, baseVersion: version, data: accompaniment({ date }) as never });
const statuses = (results: { status: string }[]) => results.map((x) => x.status);
const yearTally = async (r: SqliteRepository) =>
  (await r.tallyFacts({ period: { from: '2026-01-01', to: '2026-12-31' } })).accompaniments.reduce((n, a) => n + (a.count ?? 1), 0);

describe('tally facts handed over by a push', () => {
  it('are written just after the answer, and a tally before that still counts the push', async () => {
    const r = repo();
    const results = await r.push(anne, [visit('2026-11-24'), visit('2026-11-25'), op({ entity: 'permanence', data: permanence() as never })], now());
    expect(statuses(results)).toEqual(['applied', 'applied', 'applied']);
    expect(await yearTally(r)).toBe(2);
    expect(facts(r)).toEqual(expected(r));

    await r.push(anne, [visit('2026-11-26')], now());
    await flush();
    expect(facts(r)).toEqual(expected(r));
    expect(await yearTally(r)).toBe(3);
  });

  it('stay exact when the next push edits, deletes and re-edits the same records before the flush', async () => {
    const r = repo();
    const a = visit('2026-11-20');
    const b = visit('2026-11-20');
    const p = op({ entity: 'permanence', data: permanence() as never });
    await r.push(anne, [a, b, p], now());
    // No macrotask in between: the second push's transaction meets the first one's hand-over.
    const results = await r.push(
      anne,
      [
        edit(a, 1, '2026-11-21'),
        op({ id: b.id, baseVersion: 1, deleted: true, data: {} }),
        op({ entity: 'permanence', id: p.id, baseVersion: 1, deleted: true, data: {} }),
        edit(a, 2, '2026-11-22'),
      ],
      now(),
    );
    expect(statuses(results)).toEqual(['applied', 'applied', 'applied', 'applied']);
    await flush();
    expect(facts(r)).toEqual(expected(r));
    expect(facts(r).accompaniments).toEqual([{ id: a.id, date: '2026-11-22' }]);
    expect(await yearTally(r)).toBe(1);
  });

  it('stay exact when another server on the same file edits the pushed records before the flush', async () => {
    const first = repo();
    const second = repo();
    const a = visit('2026-10-01');
    const kept = visit('2026-10-02');
    await first.push(anne, [a, kept], now());
    // Before `first` writes its hand-over, `second` changes one of those records (its own push
    // catches the facts up from records), then `first`'s flush runs: nothing stale comes back.
    expect(statuses(await second.push(anne, [edit(a, 1, '2026-10-15')], now()))).toEqual(['applied']);
    await flush();
    for (const r of [first, second]) {
      expect(facts(r)).toEqual(expected(r));
      expect(await yearTally(r)).toBe(2);
    }
    expect(facts(first).accompaniments).toContainEqual({ id: a.id, date: '2026-10-15' });
  });

  it('are caught up at the next open when the server stops (a crash) before writing them, and written by a clean close', async () => {
    const r = repo();
    await r.push(anne, [visit('2026-09-01'), visit('2026-09-02'), visit('2026-09-03')], now());
    r.db.close(); // a crash: the flush never runs
    await flush();
    const again = repo();
    expect(facts(again)).toEqual(expected(again));
    expect(facts(again).accompaniments).toHaveLength(3);

    await again.push(anne, [visit('2026-09-04')], now());
    await again.close(); // a stop: what waits is written first
    const raw = openSqliteDatabase(file);
    try {
      expect((raw.prepare(`SELECT COUNT(*) AS n FROM accompaniment_facts`).get() as { n: number }).n).toBe(4);
    } finally {
      raw.close();
    }
  });

  it('wait neither for another server holding the write lock (the flush tries again later) nor make a tally fail', async () => {
    const r = repo();
    const other = repo();
    await r.push(anne, [visit('2026-08-01'), visit('2026-08-02')], now());
    other.db.exec('BEGIN IMMEDIATE'); // another server's push, merge or retention run
    const started = Date.now();
    await flush();
    // The event loop was not held for the busy timeout (5 s): the flush gave way at once.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(facts(r).accompaniments).toHaveLength(0);
    expect(r.db.pragma('synchronous', { simple: true })).toBe(2); // FULL again for the next push
    expect(r.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.db.exec('ROLLBACK');
    // It tries again a little later, without any request.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(facts(r)).toEqual(expected(r));

    // Facts current, the lock held elsewhere: a tally only reads.
    other.db.exec('BEGIN IMMEDIATE');
    try {
      expect(await yearTally(r)).toBe(2);
    } finally {
      other.db.exec('ROLLBACK');
    }
  });

  it('make a tally that must catch up wait for a write of another server, not fail on a stale snapshot', async () => {
    const r = repo();
    r.db.exec('CREATE TABLE scratch (x)');
    await r.push(anne, [visit('2026-08-01'), visit('2026-08-02')], now());
    // Before the flush, another connection takes the write lock and commits 200 ms later.
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
       const Database = require(${JSON.stringify(path.resolve('node_modules/better-sqlite3'))});
       const db = new Database(workerData.file);
       const flag = new Int32Array(workerData.flag.buffer);
       db.exec('BEGIN IMMEDIATE'); db.prepare('INSERT INTO scratch VALUES (1)').run();
       Atomics.store(flag, 0, 1); Atomics.notify(flag, 0);
       Atomics.wait(flag, 0, 1, 200);
       db.exec('COMMIT'); db.close();`,
      { eval: true, workerData: { file, flag } },
    );
    Atomics.wait(flag, 0, 0, 5000);
    try {
      expect(await yearTally(r)).toBe(2);
    } finally {
      await new Promise((resolve) => worker.on('exit', resolve));
    }
    expect(facts(r)).toEqual(expected(r));
  });

  it('stay exact when a merge, an erasure and a retention run on another server land before the flush', async () => {
    const a = repo();
    const b = repo();
    const coordinator = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
    const [zoe, duplicate, erased] = [0, 1, 2].map(() => op({ entity: 'beneficiary', data: person() as never }));
    await a.push(anne, [zoe, duplicate, erased], now());
    await flush();
    const seen = (date: string, who: PushOp) => visit(date, { data: accompaniment({ date, beneficiaryId: who.id, anonymous: null } as never) as never });
    const [v1, v2, v3] = [seen('2026-03-01', duplicate), seen('2026-03-02', erased), seen('2026-03-03', zoe)];
    expect(statuses(await a.push(anne, [v1, v2, v3], now()))).toEqual(['applied', 'applied', 'applied']);
    expect((await b.merge(coordinator, duplicate.id, zoe.id, now())).status).toBe('merged');
    expect((await b.erase(coordinator, erased.id, now())).status).toBe('erased');
    await a.push(
      anne,
      [op({ id: v3.id, baseVersion: 1, data: accompaniment({ date: '2026-04-04', beneficiaryId: zoe.id, anonymous: null } as never) as never })],
      now(),
    );
    await b.anonymiseInactive('2030-01-01', now());
    await flush();
    for (const r of [a, b]) {
      expect(facts(r)).toEqual(expected(r));
      expect(await yearTally(r)).toBe(3);
    }
  });

  it('leave a push durable: each push commits with synchronous=FULL, even one landing while a flush waits to try again', async () => {
    const r = repo();
    const other = repo();
    const seen: number[] = [];
    const batches = (r as unknown as { pushOne: (...a: unknown[]) => unknown }).pushOne.bind(r);
    (r as unknown as { pushOne: (...a: unknown[]) => unknown }).pushOne = (...a: unknown[]) => {
      seen.push(r.db.pragma('synchronous', { simple: true }) as number);
      return batches(...a);
    };
    await r.push(anne, [visit('2026-07-01')], now());
    other.db.exec('BEGIN IMMEDIATE');
    await flush(); // gives way; tries again 20 ms later
    other.db.exec('ROLLBACK');
    await r.push(anne, [visit('2026-07-02')], now()); // before that retry
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toEqual([2, 2]);
    expect(facts(r)).toEqual(expected(r));
  });

  it('stay current through a push that changes no accompaniment or permanence, with nothing left to write', async () => {
    const r = repo();
    await r.push(anne, [visit('2026-07-03')], now());
    await flush();
    await r.push(anne, [op({ entity: 'beneficiary', data: person() as never })], now());
    // Right after the answer, before any macrotask: the push moved facts_seq itself.
    expect(facts(r)).toEqual(expected(r));
  });

  it('stay exact over many pushes by two servers interleaved at random, each flush at a random moment', async () => {
    const servers = [repo(), repo()];
    const ids: { op: PushOp; version: number }[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 40; step++) {
      const r = servers[Math.floor(random() * 2)];
      const batch: PushOp[] = [];
      for (let i = 0; i < 5; i++) {
        const known = ids.length > 0 && random() < 0.5 ? ids[Math.floor(random() * ids.length)] : undefined;
        if (!known) {
          const o = visit(`2026-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`);
          batch.push(o);
          ids.push({ op: o, version: 1 });
        } else if (known.version > 0 && !batch.some((b) => b.id === known.op.id)) {
          const deleting = random() < 0.2;
          batch.push(
            deleting
              ? op({ id: known.op.id, baseVersion: known.version, deleted: true, data: {} })
              : edit(known.op, known.version, `2026-1${Math.floor(random() * 3)}-0${1 + Math.floor(random() * 9)}`),
          );
          known.version = deleting ? 0 : known.version + 1;
        }
      }
      expect(new Set(statuses(await r.push(anne, batch, now())))).toEqual(new Set(['applied']));
      if (random() < 0.5) await flush();
    }
    await flush();
    const live = ids.filter((i) => i.version > 0).length;
    for (const r of servers) {
      expect(await yearTally(r)).toBe(live);
      expect(facts(r)).toEqual(expected(r));
    }
  });
});
