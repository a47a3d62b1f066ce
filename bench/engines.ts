// Figures of the two storage engines side by side (`npm run bench`, or `npm run bench:engines`
// alone): ingest of 100,000 ops over HTTP and pull throughput, SQLite vs PostgreSQL; 500 simulated
// tablets syncing against two app server processes on PostgreSQL; a year's tally over 1,000,000
// accompaniments on PostgreSQL, loaded through the repository's own push (facts maintained as in
// production). Without DATABASE_URL, the PostgreSQL figures are skipped with a message.
// Each PostgreSQL figure runs in a fresh schema of DATABASE_URL's database, dropped after.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { PushOp } from '../src/domain/outbox';
import { buildApp } from '../src/server/app';
import { PostgresRepository } from '../src/server/store/postgres/postgresRepository';
import type { Repository } from '../src/server/store/repository';
import { SqliteRepository } from '../src/server/store/sqlite/sqliteRepository';
import { track, trackChild } from './lifecycle';
import { sampleAccompaniment } from './sample';

const ADMIN = 'bench-admin-token';
const DATABASE_URL = process.env.DATABASE_URL;
export const PG_SKIPPED = 'PostgreSQL figures skipped: DATABASE_URL is not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench)';

type Engine = 'sqlite' | 'postgres';

async function freshSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const url = `${DATABASE_URL}${DATABASE_URL?.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return { url, drop: track(() => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)) };
}

async function openRepo(engine: Engine): Promise<{ repo: Repository; url?: string; done: () => Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-bench-engines-'));
    const repo = SqliteRepository.open(path.join(dir, 'relais.sqlite'));
    return { repo, done: track(async () => (await repo.close(), rmSync(dir, { recursive: true, force: true }))) };
  }
  const schema = await freshSchema();
  const repo = await PostgresRepository.open(schema.url);
  return { repo, url: schema.url, done: track(async () => (await repo.close(), await schema.drop())) };
}

const ops = (n: number, date?: (i: number) => string): PushOp[] =>
  Array.from({ length: n }, (_, i) => ({
    opId: randomUUID(),
    entity: 'accompaniment',
    id: randomUUID(),
    baseVersion: 0,
    deleted: false,
    data: sampleAccompaniment(i, date?.(i)) as unknown as Record<string, unknown>,
  }));

async function call(base: string, method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}`);
  return res.json();
}

async function enrol(base: string, name: string, role = 'mediator') {
  const { code } = await call(base, 'POST', '/api/v1/enrolments', { authorization: `Bearer ${ADMIN}` }, { role, name });
  const d = await call(base, 'POST', '/api/v1/devices', {}, { code, label: `Tablette ${name}` });
  return { authorization: `Bearer ${d.token}` };
}

/** 100,000 ops in batches of 500 over HTTP, then the coordinator pulls them all (pages of 1,000). */
export async function ingestAndPull(engine: Engine, n = 100_000) {
  const { repo, done } = await openRepo(engine);
  const app = await buildApp({ repo, version: 'bench', adminToken: ADMIN });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const stopApp = track(() => app.close());
  try {
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const headers = await enrol(base, 'Bench');
    const all = ops(n);
    const bodies = Array.from({ length: Math.ceil(n / 500) }, (_, b) => JSON.stringify({ ops: all.slice(b * 500, b * 500 + 500) }));
    let t = performance.now();
    for (const body of bodies) await call(base, 'POST', '/api/v1/sync/push', headers, body);
    const ingestMs = performance.now() - t;
    const admin = { authorization: `Bearer ${ADMIN}` };
    let cursor = '';
    let pulled = 0;
    t = performance.now();
    for (;;) {
      const page = await call(base, 'GET', `/api/v1/sync/pull?since=${cursor}&limit=1000`, admin);
      pulled += page.changes.length;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const pullMs = performance.now() - t;
    return { engine, n, ingestMs, opsPerSecond: (n / ingestMs) * 1000, pulled, pullMs, changesPerSecond: (pulled / pullMs) * 1000 };
  } finally {
    await stopApp();
    await done();
  }
}

async function spawnCompiled(url: string) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['dist-server/server/main.js'], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), RELAIS_ADMIN_TOKEN: ADMIN, RELAIS_QUIET: '1' },
    stdio: 'ignore',
  });
  const stop = trackChild(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return { base, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('app server did not start');
}

/**
 * 500 tablets against two app server processes (the compiled server, plain node) on PostgreSQL,
 * alternating servers as a load balancer would. Each tablet syncs every `everyMs` (a push of 5 new
 * records, then a pull from its cursor) for `seconds`. Two rhythms are measured: a stress one
 * (every 2–4 s: far more than the app ever does) and the app's own (src/sync/scheduler.ts syncs 3 s
 * after a save; a mediator saves a visit every few minutes at most: every 20–40 s is already a
 * busy day at every one of the 500 tablets at once).
 */
export async function manyTablets(tablets = 500, seconds = 20, everyMs: [number, number] = [2000, 4000]) {
  const schema = await freshSchema();
  const servers = await Promise.all([spawnCompiled(schema.url), spawnCompiled(schema.url)]);
  try {
    const headers: Record<string, string>[] = [];
    for (let i = 0; i < tablets; i += 25)
      headers.push(...(await Promise.all(Array.from({ length: Math.min(25, tablets - i) }, (_, k) => enrol(servers[(i + k) % 2].base, `Tablette ${i + k}`)))));
    const latencies: number[] = [];
    let errors = 0;
    let syncs = 0;
    const end = performance.now() + seconds * 1000;
    const timed = async (f: () => Promise<unknown>) => {
      const t = performance.now();
      try {
        await f();
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    };
    await Promise.all(
      headers.map(async (h, i) => {
        let cursor = '';
        let turn = i;
        await new Promise((r) => setTimeout(r, Math.random() * everyMs[1]));
        while (performance.now() < end) {
          const base = servers[turn++ % 2].base;
          await timed(() => call(base, 'POST', '/api/v1/sync/push', h, { ops: ops(5) }));
          await timed(async () => (cursor = (await call(servers[turn++ % 2].base, 'GET', `/api/v1/sync/pull?since=${cursor}`, h)).cursor));
          syncs++;
          await new Promise((r) => setTimeout(r, everyMs[0] + Math.random() * (everyMs[1] - everyMs[0])));
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
    return { tablets, seconds, syncs, requests: latencies.length, requestsPerSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors };
  } finally {
    for (const s of servers) await s.stop();
    await schema.drop();
  }
}

/**
 * A year's tally over `n` accompaniments on PostgreSQL: loaded through the repository's push (its
 * own validation, op log and fact maintenance) in batches of 2,000, then the tally read over HTTP.
 */
export async function bigTally(n = 1_000_000) {
  const { repo, done } = await openRepo('postgres');
  const app = await buildApp({ repo, version: 'bench', adminToken: ADMIN });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const stopApp = track(() => app.close());
  try {
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await enrol(base, 'Bench tallies');
    const user = (await repo.findUserByName('Bench tallies'))!;
    const year = 2026;
    const date = (i: number) => new Date(Date.UTC(year, 0, 1 + (i % 365))).toISOString().slice(0, 10);
    let t = performance.now();
    for (let i = 0; i < n; i += 2000) {
      await repo.push(
        { userId: user.id, role: 'mediator', deviceId: null },
        ops(Math.min(2000, n - i), (k) => date(i + k)),
        new Date().toISOString(),
      );
    }
    const loadMs = performance.now() - t;
    const url = `/api/v1/tallies?from=${year}-01-01&to=${year}-12-31`;
    const admin = { authorization: `Bearer ${ADMIN}` };
    t = performance.now();
    const first = await call(base, 'GET', url, admin);
    const firstMs = performance.now() - t;
    if (first.totals.accompaniments !== n) throw new Error(`tally mismatch ${first.totals.accompaniments}`);
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await call(base, 'GET', url, admin);
      runs.push(performance.now() - t);
    }
    runs.sort((a, b) => a - b);
    return { n, loadMs, firstMs, yearMs: runs[2] };
  } finally {
    await stopApp();
    await done();
  }
}

/** Every engine figure, as rows for run.ts. */
export async function engineFigures(options: { ingest?: number; tally?: number } = {}) {
  const rows: [string, string, string][] = [];
  const results: Record<string, unknown> = {};
  const ingest = options.ingest ?? 100_000;
  const engines: Engine[] = DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const engine of engines) {
    const r = await ingestAndPull(engine, ingest);
    results[`ingest_${engine}`] = r;
    rows.push([
      `Ingest ${ingest.toLocaleString('en')} ops / 500 over HTTP, then pull all — ${engine}`,
      `${Math.round(r.opsPerSecond)} ops/s (${(r.ingestMs / 1000).toFixed(1)} s); pull ${Math.round(r.changesPerSecond)} changes/s`,
      '—',
    ]);
  }
  if (!DATABASE_URL) {
    console.log(PG_SKIPPED);
    results.postgres = 'skipped: DATABASE_URL not set';
    return { rows, results };
  }
  const daily = await manyTablets(500, 60, [20_000, 40_000]);
  results.manyTabletsAppRhythm = daily;
  rows.push([
    `${daily.tablets} tablets, 2 app servers on PostgreSQL (each syncs every 20–40 s, 60 s)`,
    `${Math.round(daily.requestsPerSecond)} req/s, p50 ${Math.round(daily.p50)} ms, p99 ${Math.round(daily.p99)} ms, ${daily.errors} errors`,
    'p99 < 250 ms, 0 errors',
  ]);
  const load = await manyTablets();
  results.manyTablets = load;
  rows.push([
    `${load.tablets} tablets, 2 app servers on PostgreSQL (stress: each syncs every 2–4 s, 20 s)`,
    `${Math.round(load.requestsPerSecond)} req/s, p50 ${Math.round(load.p50)} ms, p99 ${Math.round(load.p99)} ms, ${load.errors} errors`,
    '— (saturation)',
  ]);
  const tally = await bigTally(options.tally ?? 1_000_000);
  results.bigTally = tally;
  rows.push([
    `PostgreSQL tally, a year over ${tally.n.toLocaleString('en')} accompaniments`,
    `${Math.round(tally.yearMs)} ms (first after load: ${Math.round(tally.firstMs)} ms; load ${(tally.loadMs / 1000).toFixed(0)} s)`,
    '< 500 ms',
  ]);
  return { rows, results };
}
