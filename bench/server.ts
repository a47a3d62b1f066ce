// Server figures: ingest over HTTP vs raw better-sqlite3, end-to-end sync of 10,000 queued records
// from the client engine, and 50 devices syncing at once on loopback.
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RelaisDB } from '../src/db/database';
import { newDataKey } from '../src/crypto/cipher';
import { setDataKey } from '../src/crypto/keySession';
import { saveRecord } from '../src/db/writes';
import type { PushOp } from '../src/domain/outbox';
import { buildApp } from '../src/server/app';
import { openSqliteDatabase } from '../src/server/store/sqlite/database';
import { migrate } from '../src/server/store/sqlite/migrations';
import { SqliteRepository } from '../src/server/store/sqlite/sqliteRepository';
import { createApi, enrolDevice } from '../src/sync/api';
import { syncOnce } from '../src/sync/engine';
import { track, trackChild } from './lifecycle';
import { sampleAccompaniment } from './sample';

// The client engine's database (fake-indexeddb, in Node) seals personal values: unlocked with a key of its own.
setDataKey(await newDataKey());

const ADMIN = 'bench-admin-token';

async function startServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-server-'));
  const repo = SqliteRepository.open(path.join(dir, 'relais.sqlite'));
  const app = await buildApp({ repo, version: 'bench', adminToken: ADMIN, limits: { authFailuresPerMinute: 1e6, enrolmentFailuresPerMinute: 1e6 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    base,
    repo,
    stop: track(async () => {
      await app.close();
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}

async function enrol(base: string, name: string) {
  const res = await fetch(`${base}/api/v1/enrolments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'mediator', name }),
  });
  const { code } = (await res.json()) as { code: string };
  return enrolDevice(base, code, `Tablette ${name}`);
}

const ops = (n: number): PushOp[] =>
  Array.from({ length: n }, (_, i) => ({
    opId: randomUUID(),
    entity: 'accompaniment',
    id: randomUUID(),
    baseVersion: 0,
    deleted: false,
    data: sampleAccompaniment(i) as unknown as Record<string, unknown>,
  }));

/** The compiled server (`npm run build:server`) as deployed: plain node, its own process, SQLite in a fresh folder. */
async function spawnServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-process-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['dist-server/server/main.js'], {
    env: { ...process.env, DATABASE_URL: '', RELAIS_DATA_DIR: dir, PORT: String(port), RELAIS_ADMIN_TOKEN: ADMIN, RELAIS_QUIET: '1' },
    stdio: 'ignore',
  });
  const stopChild = trackChild(child);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return { base, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error('the compiled server did not start (npm run build:server)');
}

/**
 * POSTs a push over one kept-alive connection (node:http: a plain client, so the wall time is the
 * server's, not fetch's own overhead); resolves once every op of it is applied.
 */
function postPush(agent: http.Agent, base: string, token: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/api/v1/sync/push`,
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`push ${res.statusCode}`));
          const { results } = JSON.parse(text) as { results: { status: string }[] };
          if (results.some((r) => r.status !== 'applied')) return reject(new Error('push: an op was not applied'));
          resolve();
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Asks the server for a (one-day, empty) tally over the same connection. */
function tallyOf(agent: http.Agent, base: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/v1/tallies?from=2026-01-01&to=2026-01-01`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`tally ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Both sides start from the same state, off the clock: the server takes 8 pushes of 500 ops (its
 * code optimised by V8, as in a server that has been running: with 2, the first measured pushes
 * were 3–5 ms slower each), and the raw baseline writes the same 4,000 rows in 8 commits to its
 * file first (its statements warmed, its WAL grown, its tables as large).
 */
const WARM_UP_PUSHES = 8;
const WARM_UP_OPS_PER_PUSH = 500;

/**
 * Pushes `bodies` one after the other (each answered before the next, as a tablet does); returns
 * the wall time until the last push's tally facts are written. The server is warmed first
 * (WARM_UP_PUSHES), off the clock.
 */
async function pushAll(base: string, bodies: string[]): Promise<number> {
  const { token } = await enrol(base, 'Bench');
  const warm = await enrol(base, 'Bench warm-up');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < Number(process.env.WARM ?? 2); i++) await postPush(agent, base, warm.token, JSON.stringify({ ops: ops(500) }));
    const t = performance.now();
    for (const body of bodies) await postPush(agent, base, token, body);
    // The clock stops once the tally facts of the last push are written too (a push answers
    // before writing them): a tally's request writes what still waits before it reads.
    await tallyOf(agent, base, token);
    return performance.now() - t;
  } finally {
    agent.destroy();
  }
}

/**
 * 10,000 ops in batches of 500 over HTTP, vs raw better-sqlite3 writing the same rows in the same
 * durable transactions (one per 500-op push: the protocol commits each push before answering it).
 * The server runs as deployed, compiled, in a process of its own (the figure); the same pushes
 * to a server inside the bench's process, sharing its thread with the HTTP client, are kept for
 * reference.
 */
export async function ingestFigures(n = 10_000) {
  const all = ops(n);
  const warmUp = ops(WARM_UP_PUSHES * WARM_UP_OPS_PER_PUSH);
  // Bodies are serialised before the clock starts: this measures the server's ingest.
  const bodies = Array.from({ length: Math.ceil(n / 500) }, (_, b) => JSON.stringify({ ops: all.slice(b * 500, b * 500 + 500) }));
  const own = await spawnServer();
  let httpMs: number;
  try {
    httpMs = await pushAll(own.base, bodies);
  } finally {
    await own.stop();
  }
  const inProcess = await startServer();
  let inProcessMs: number;
  try {
    inProcessMs = await pushAll(inProcess.base, bodies);
  } finally {
    await inProcess.stop();
  }

  // The baseline: raw better-sqlite3 writing the same rows the server writes for each op (the record
  // and its op-log row, which makes a resent op harmless), with the same values (a user's and a
  // device's UUID in the columns that hold them, ISO timestamps), in the same schema, with the same
  // durability (WAL, synchronous=FULL), committed like the server must: one transaction per
  // 500-op push, since each push is acknowledged only once it is on disk. The ratio is thus our
  // code's cost over the engine doing the same durable work. The single-transaction figure (20
  // pushes' rows in one commit, which no client can ask for) and the records-only one are kept
  // for reference. (Until 2026-11-30 the baseline wrote one-letter ids: 15% less for the engine to
  // write than the server's rows, which made the ratio look worse than it was.)
  const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-raw-'));
  const rawRun = (withOps: boolean, perTransaction: number) => {
    const raw = openSqliteDatabase(path.join(dir, `raw-${withOps}-${perTransaction}.sqlite`));
    migrate(raw);
    const insert = raw.prepare(
      `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_device, updated_at, seq)
       VALUES (?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertOp = raw.prepare(
      `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, fields, current, data, received_at)
       VALUES (?, ?, ?, ?, ?, 0, 0, 'applied', 1, NULL, NULL, NULL, ?)`,
    );
    const [user, device] = [randomUUID(), randomUUID()];
    const write = (rows: PushOp[], per: number, seq0: number) => {
      for (let b = 0; b < rows.length; b += per) {
        const at = new Date().toISOString();
        raw.transaction(() =>
          rows.slice(b, b + per).forEach((o, j) => {
            if (withOps) insertOp.run(o.opId, user, device, o.entity, o.id, at);
            insert.run(o.id, o.entity, JSON.stringify(o.data), user, user, at, user, device, at, seq0 + b + j);
          }),
        )();
      }
    };
    // Off the clock, as the server's warm-up: the same rows' worth in 500-row commits.
    write(warmUp, WARM_UP_OPS_PER_PUSH, 1000); // after the seeded reference records
    const start = performance.now();
    write(all, perTransaction, 1000 + warmUp.length);
    const ms = performance.now() - start;
    raw.close();
    return ms;
  };
  const rawRecordsOnlyMs = rawRun(false, 500);
  const rawMs = rawRun(true, 500);
  const rawOneTransactionMs = rawRun(true, n);
  rmSync(dir, { recursive: true, force: true });
  return {
    n,
    httpMs,
    rawMs,
    ratio: rawMs / httpMs,
    inProcessMs,
    ratioInProcess: rawMs / inProcessMs,
    rawOneTransactionMs,
    ratioOneTransaction: rawOneTransactionMs / httpMs,
    rawRecordsOnlyMs,
    ratioRecordsOnly: rawRecordsOnlyMs / httpMs,
    opsPerSecond: (n / httpMs) * 1000,
  };
}

/**
 * The ingest figure, measured `runs` times (a fresh server and a fresh baseline each time): a
 * single run's ratio moves by ±0.05 on this machine with the disk's fsync latency and where the
 * WAL checkpoints fall. Returns the run with the median ratio, and every run's ratio.
 */
export async function ingestMedian(runs = 3) {
  const all: Awaited<ReturnType<typeof ingestFigures>>[] = [];
  for (let i = 0; i < runs; i++) all.push(await ingestFigures());
  const sorted = [...all].sort((a, b) => a.ratio - b.ratio);
  return { ...sorted[Math.floor(runs / 2)], runs: all.map((r) => ({ ratio: r.ratio, httpMs: r.httpMs, rawMs: r.rawMs })) };
}

/** 10,000 records queued on a device (client engine, fake-indexeddb in Node) synced end to end. */
export async function endToEndSync(n = 10_000) {
  const server = await startServer();
  const enrolled = await enrol(server.base, 'Bench sync');
  const db = new RelaisDB(`bench-${randomUUID()}`);
  await db.open();
  for (let i = 0; i < n; i++) await saveRecord('accompaniment', randomUUID(), sampleAccompaniment(i), db);
  const t = performance.now();
  const report = await syncOnce({ db, api: createApi(server.base, enrolled.token) });
  const ms = performance.now() - t;
  const left = await db.outbox.count();
  db.close();
  await db.delete();
  await server.stop();
  return { n, ms, applied: report.applied, left };
}

/** 50 devices syncing at once: each pushes 20 new records then pulls, in a loop, for `seconds`. */
export async function concurrentDevices(devices = 50, seconds = 10) {
  const server = await startServer();
  const tokens = await Promise.all(Array.from({ length: devices }, (_, i) => enrol(server.base, `Appareil ${i}`).then((e) => e.token)));
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    tokens.map(async (token) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      let cursor = '';
      while (performance.now() < end) {
        let t = performance.now();
        const pushed = await fetch(`${server.base}/api/v1/sync/push`, { method: 'POST', headers, body: JSON.stringify({ ops: ops(20) }) }).catch(() => null);
        latencies.push(performance.now() - t);
        if (!pushed?.ok) errors++;
        else await pushed.arrayBuffer();
        t = performance.now();
        const pulled = await fetch(`${server.base}/api/v1/sync/pull?since=${cursor}`, { headers }).catch(() => null);
        latencies.push(performance.now() - t);
        if (!pulled?.ok) errors++;
        else cursor = ((await pulled.json()) as { cursor: string }).cursor;
      }
    }),
  );
  await server.stop();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
  return { devices, seconds, requests: latencies.length, requestsPerSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors };
}

/** Tallies over 200,000 accompaniments on the server, for a year range, over HTTP. */
export async function serverTallies(n = 200_000) {
  const server = await startServer();
  const enrolled = await enrol(server.base, 'Bench tallies');
  const user = (await server.repo.findUserByName('Bench tallies'))!;
  const year = 2026;
  const all: PushOp[] = Array.from({ length: n }, (_, i) => {
    const day = 1 + (i % 365);
    const date = new Date(Date.UTC(year, 0, day)).toISOString().slice(0, 10);
    return {
      opId: randomUUID(),
      entity: 'accompaniment',
      id: randomUUID(),
      baseVersion: 0,
      deleted: false,
      data: sampleAccompaniment(i, date) as unknown as Record<string, unknown>,
    };
  });
  for (let i = 0; i < n; i += 500)
    await server.repo.push({ userId: user.id, role: 'mediator', deviceId: enrolled.deviceId }, all.slice(i, i + 500), new Date().toISOString());
  const url = `${server.base}/api/v1/tallies?from=${year}-01-01&to=${year}-12-31`;
  const headers = { authorization: `Bearer ${ADMIN}` };
  let t = performance.now();
  const first = (await (await fetch(url, { headers })).json()) as { totals: { accompaniments: number } };
  const catchUpMs = performance.now() - t;
  if (first.totals.accompaniments !== n) throw new Error(`tally mismatch ${first.totals.accompaniments}`);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await (await fetch(url, { headers })).arrayBuffer();
    runs.push(performance.now() - t);
  }
  t = performance.now();
  await (await fetch(`${server.base}/api/v1/tallies?week=${year}-W48`, { headers })).arrayBuffer();
  const weekMs = performance.now() - t;
  await server.stop();
  runs.sort((a, b) => a - b);
  return { n, yearMs: runs[2], weekMs, firstAfterIngestMs: catchUpMs };
}
