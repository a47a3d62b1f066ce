// Devices (the real client engine and write path on their own fake-indexeddb database) and a
// real server over HTTP (on SQLite, or PostgreSQL in the `sync-pg` project: ../server/engine.ts),
// for fault-injection and property tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { buildApp } from '../../src/server/app';
import { backupDatabase, restoreDatabase } from '../../src/server/backup';
import { migratePg } from '../../src/server/store/postgres/migrations';
import { openPool } from '../../src/server/store/postgres/pool';
import type { Repository } from '../../src/server/store/repository';
import { createApi, enrolDevice, type Fetch } from '../../src/sync/api';
import { saveCredentials } from '../../src/sync/credentials';
import { syncOnce, type SyncDeps, type SyncReport } from '../../src/sync/engine';
import { accompaniment } from '../unit/fixtures';
import { ENGINE, openTestStore, type Row, type TestStore } from '../server/engine';
import { ADMIN } from '../server/helpers';

export interface Server {
  base: string;
  app: FastifyInstance;
  repo: Repository;
  /** Reads the store directly (`?` placeholders), on either engine. */
  sql: (query: string, ...args: unknown[]) => Promise<Row[]>;
  dir: string;
  /** Stops the server, runs `whileStopped` (e.g. a restore), and starts it again on the same port. */
  restart: (whileStopped?: () => void | Promise<void>) => Promise<void>;
  /** Takes a backup now; the function returned restores it (server stopped) and starts the server again. */
  backup: () => Promise<() => Promise<void>>;
  close: () => Promise<void>;
}

const PG_TABLES = [
  'users',
  'devices',
  'enrolments',
  'records',
  'ops',
  'counters',
  'identity',
  'merges',
  'accompaniment_facts',
  'permanence_facts',
  'escrow_key',
  'escrow_recoveries',
];

export async function startServer(dir = mkdtempSync(path.join(tmpdir(), 'relais-sync-'))): Promise<Server> {
  const file = path.join(dir, 'relais.sqlite');
  let port = 0;
  const server = {} as Server;
  let store: TestStore & { schema?: string };
  let schema: string | undefined;
  const backups: string[] = [];
  const boot = async () => {
    store = await openTestStore(dir, schema);
    schema = store.schema;
    server.repo = store.repo;
    server.sql = (q, ...a) => store.sql(q, ...a);
    server.app = await buildApp({ repo: server.repo, version: 'test', adminToken: ADMIN });
    await server.app.listen({ port, host: '127.0.0.1' });
    port = (server.app.server.address() as { port: number }).port;
    server.base = `http://127.0.0.1:${port}`;
  };
  await boot();
  server.dir = dir;
  server.restart = async (whileStopped) => {
    await server.app.close();
    await server.repo.close();
    await whileStopped?.();
    await boot();
  };
  server.backup = async () => {
    if (ENGINE === 'sqlite') {
      const copy = path.join(dir, `backup-${randomUUID()}.sqlite`);
      await backupDatabase(file, copy);
      return () => server.restart(() => void restoreDatabase(file, copy));
    }
    // PostgreSQL: a copy of every table in a schema of its own; restoring puts them back and stamps
    // a new identity, as `npm run migrate -- --new-identity` does after a restore (deployment.md).
    const bk = `${schema}_bk_${randomUUID().slice(0, 8)}`;
    backups.push(bk);
    await store.sql(`CREATE SCHEMA ${bk}`);
    for (const t of PG_TABLES) await store.sql(`CREATE TABLE ${bk}.${t} AS TABLE ${t}`);
    return () =>
      server.restart(async () => {
        const pool = openPool(store.url as string, 1);
        try {
          await pool.query(`TRUNCATE ${PG_TABLES.join(', ')}`);
          for (const t of PG_TABLES) await pool.query(`INSERT INTO ${t} SELECT * FROM ${bk}.${t}`);
          await pool.query(`DROP SCHEMA IF EXISTS ${bk} CASCADE`);
          await migratePg(pool, { newIdentity: true });
        } finally {
          await pool.end();
        }
      });
  };
  server.close = async () => {
    await server.app.close();
    // Backups a failed test never restored go too.
    for (const bk of backups) await store.sql(`DROP SCHEMA IF EXISTS ${bk} CASCADE`);
    await store.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  return server;
}

export async function adminCall(base: string, method: string, url: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}`);
  return res.status === 204 ? null : res.json();
}

export interface Device {
  db: RelaisDB;
  name: string;
  token: string;
  deviceId: string;
  /** Wraps fetch for fault injection; the default passes through. */
  fetch: Fetch;
  sync: (options?: Pick<SyncDeps, 'batchSize' | 'now' | 'pause'>) => Promise<SyncReport>;
  log: (over?: Parameters<typeof accompaniment>[0]) => Promise<string>;
  alive: () => Promise<Map<string, unknown>>;
  close: () => Promise<void>;
}

export async function enrolNewDevice(
  server: Server,
  name: string,
  db = new RelaisDB(`device-${randomUUID()}`),
  role: 'mediator' | 'coordinator' = 'mediator',
): Promise<Device> {
  const { code } = await adminCall(server.base, 'POST', '/api/v1/enrolments', { role, name });
  const enrolled = await enrolDevice(server.base, code, `Tablette ${name}`);
  await db.open();
  await saveCredentials(db, { ...enrolled, label: `Tablette ${name}`, enrolledAt: new Date().toISOString() });
  const device: Device = {
    db,
    name,
    token: enrolled.token,
    deviceId: enrolled.deviceId,
    fetch: (input, init) => fetch(input, init),
    sync: (options = {}) => syncOnce({ db, api: createApi(server.base, device.token, (i, init) => device.fetch(i, init)), ...options }),
    log: async (over = {}) => {
      const id = newId();
      await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', ...over }), db);
      return id;
    },
    alive: async () => new Map((await db.accompaniments.toArray()).filter((r) => !r.deleted).map((r) => [r.id, r.data])),
    close: async () => {
      db.close();
      await db.delete();
    },
  };
  return device;
}

/** Live accompaniments on the server, as the coordinator pulls them. */
export async function serverAccompaniments(server: Server): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  let cursor = '';
  for (;;) {
    const page = await adminCall(server.base, 'GET', `/api/v1/sync/pull?since=${encodeURIComponent(cursor)}&limit=1000`);
    for (const c of page.changes) {
      if (c.entity !== 'accompaniment') continue;
      if (c.deleted) out.delete(c.id);
      else out.set(c.id, c.data);
    }
    cursor = page.cursor;
    if (!page.hasMore) return out;
  }
}

/** Server and device hold exactly `expected` (ids → data), and the device has nothing left to send. */
export async function expectExactly(server: Server, device: Device, expected: Map<string, unknown>) {
  const onServer = await serverAccompaniments(server);
  expect([...onServer.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, data] of expected) expect(onServer.get(id)).toEqual(data);
  expect([...(await device.alive()).keys()].sort()).toEqual([...expected.keys()].sort());
  expect(await device.db.outbox.count()).toBe(0);
  const [stored] = await server.sql("SELECT COUNT(*) AS n FROM records WHERE entity = 'accompaniment'");
  expect(stored.n).toBeGreaterThanOrEqual(expected.size);
}
