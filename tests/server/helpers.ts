// A server on a real store (a SQLite file in a temporary folder, or a fresh PostgreSQL schema in
// the `server-pg` project: engine.ts), driven with Fastify's inject() or, in the `server-http`
// test project (RELAIS_TEST_TRANSPORT=http), over real HTTP through the same calls.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, type AppOptions } from '../../src/server/app';
import type { Repository } from '../../src/server/store/repository';
import { openTestStore, type Row } from './engine';
import type { PushOp } from '../../src/domain/outbox';
import { accompaniment } from '../unit/fixtures';

export const ADMIN = 'test-admin-token-0123456789';
export const admin = { authorization: `Bearer ${ADMIN}` };

export interface LightResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body: string;
  rawPayload: Buffer;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

type InjectOptions = string | { method?: string; url: string; headers?: Record<string, string>; payload?: unknown };

/** The part of Fastify's instance the tests use: `inject`, by either transport. */
export interface Client {
  inject(options: InjectOptions): Promise<LightResponse>;
}

export const TRANSPORT = process.env.RELAIS_TEST_TRANSPORT === 'http' ? 'http' : 'inject';

function httpClient(base: string): Client {
  return {
    async inject(options) {
      const o = typeof options === 'string' ? { url: options } : options;
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      let body: string | undefined;
      if (o.payload !== undefined) {
        body = typeof o.payload === 'string' ? o.payload : JSON.stringify(o.payload);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${base}${o.url}`, { method: o.method ?? 'GET', headers, body });
      const rawPayload = Buffer.from(await res.arrayBuffer());
      const text = rawPayload.toString('utf8');
      return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: text, rawPayload, json: () => JSON.parse(text) };
    },
  };
}

export interface TestServer {
  app: Client;
  repo: Repository;
  /** Reads the store directly (`?` placeholders), on either engine. */
  sql: (query: string, ...args: unknown[]) => Promise<Row[]>;
  one: (query: string, ...args: unknown[]) => Promise<Row | undefined>;
  dir: string;
  /** The SQLite file (SQLite only). */
  file: string;
  close: () => Promise<void>;
  /** Stops the server and closes the database, keeping its files. */
  stop: () => Promise<void>;
}

export async function testServer(options: Partial<AppOptions> = {}, dir = mkdtempSync(path.join(tmpdir(), 'relais-server-'))): Promise<TestServer> {
  const file = path.join(dir, 'relais.sqlite');
  const store = await openTestStore(dir);
  const repo = store.repo;
  const fastify = await buildApp({ repo, version: 'test', adminToken: ADMIN, ...options });
  let app: Client = fastify as unknown as Client;
  if (TRANSPORT === 'http') {
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    app = httpClient(`http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`);
  }
  return {
    app,
    repo,
    sql: store.sql,
    one: store.one,
    dir,
    file,
    close: async () => {
      await fastify.close();
      await store.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
    stop: async () => {
      await fastify.close();
      await repo.close();
    },
  };
}

/** Enrols a tablet for `name` and returns its auth header. */
export async function enrol(app: Client, name: string, role: 'mediator' | 'coordinator' = 'mediator', label = `Tablette de ${name}`) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role, name } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const device = await app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code: created.json().code, label } });
  if (device.statusCode !== 201) throw new Error(device.body);
  const body = device.json() as { deviceId: string; token: string; role: string; name: string };
  return { ...body, headers: { authorization: `Bearer ${body.token}` } };
}

export function op(over: Partial<PushOp> = {}): PushOp {
  return {
    opId: randomUUID(),
    entity: 'accompaniment',
    id: randomUUID(),
    baseVersion: 0,
    deleted: false,
    data: accompaniment() as unknown as Record<string, unknown>,
    ...over,
  };
}

export async function push(app: Client, headers: Record<string, string>, ops: unknown[]) {
  return app.inject({ method: 'POST', url: '/api/v1/sync/push', headers, payload: { ops } });
}

export async function pullAll(app: Client, headers: Record<string, string>, limit = 500) {
  const changes: { entity: string; id: string; version: number; deleted: boolean; data: Record<string, unknown> }[] = [];
  let cursor = '';
  for (;;) {
    const res = await app.inject({ method: 'GET', url: `/api/v1/sync/pull?since=${cursor}&limit=${limit}`, headers });
    if (res.statusCode !== 200) throw new Error(res.body);
    const body = res.json();
    changes.push(...body.changes);
    cursor = body.cursor;
    if (!body.hasMore) return { changes, cursor };
  }
}
