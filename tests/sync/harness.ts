// Devices (the real client engine and write path on their own fake-indexeddb database) and a
// real server over HTTP, for fault-injection and property tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { buildApp } from '../../src/server/app';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { createApi, enrolDevice, type Fetch } from '../../src/sync/api';
import { saveCredentials } from '../../src/sync/credentials';
import { syncOnce, type SyncDeps, type SyncReport } from '../../src/sync/engine';
import { accompaniment } from '../unit/fixtures';
import { ADMIN } from '../server/helpers';

export interface Server {
  base: string;
  app: FastifyInstance;
  repo: SqliteRepository;
  dir: string;
  /** Stops the server, runs `whileStopped` (e.g. a restore), and starts it again on the same port. */
  restart: (whileStopped?: (file: string) => void | Promise<void>) => Promise<void>;
  file: string;
  close: () => Promise<void>;
}

export async function startServer(dir = mkdtempSync(path.join(tmpdir(), 'relais-sync-'))): Promise<Server> {
  const file = path.join(dir, 'relais.sqlite');
  let port = 0;
  const server = {} as Server;
  const boot = async () => {
    server.repo = SqliteRepository.open(file);
    server.app = await buildApp({ repo: server.repo, version: 'test', adminToken: ADMIN });
    await server.app.listen({ port, host: '127.0.0.1' });
    port = (server.app.server.address() as { port: number }).port;
    server.base = `http://127.0.0.1:${port}`;
  };
  await boot();
  server.dir = dir;
  server.file = file;
  server.restart = async (whileStopped) => {
    await server.app.close();
    await server.repo.close();
    await whileStopped?.(file);
    await boot();
  };
  server.close = async () => {
    await server.app.close();
    await server.repo.close();
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
  const stored = server.repo.db.prepare("SELECT COUNT(*) AS n FROM records WHERE entity = 'accompaniment'").get() as { n: number };
  expect(stored.n).toBeGreaterThanOrEqual(expected.size);
}
