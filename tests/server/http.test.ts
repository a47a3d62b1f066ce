// The same server over real HTTP, with its SQLite file on disk: headers, static app, restart.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { ADMIN, op } from './helpers';
import type { FastifyInstance } from 'fastify';

const dir = mkdtempSync(path.join(tmpdir(), 'relais-http-'));
const dist = path.join(dir, 'dist');
let app: FastifyInstance;
let repo: SqliteRepository;
let base: string;

async function start() {
  repo = SqliteRepository.open(path.join(dir, 'data', 'relais.sqlite'));
  app = await buildApp({ repo, version: 'test', adminToken: ADMIN, distDir: dist });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}
async function stop() {
  await app.close();
  await repo.close();
}

beforeAll(async () => {
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Relais</title>');
  writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("install", () => {});');
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await start();
});
afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

const json = (token: string, body?: unknown) => ({
  method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

describe('over HTTP', () => {
  it('serves the app with the right cache and security headers, and falls back to the shell', async () => {
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const deep = await fetch(`${base}/historique`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<title>Relais</title>');
    for (const res of [sw, asset, deep]) {
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const api404 = await fetch(`${base}/api/v1/nothing`);
    expect(api404.status).toBe(404);
    expect((await api404.json()).error.code).toBe('not_found');
  });

  it('enrols, pushes and pulls, and the data survive a server restart', async () => {
    const { code } = await (await fetch(`${base}/api/v1/enrolments`, json(ADMIN, { role: 'mediator', name: 'Anne' }))).json();
    const { token } = await (
      await fetch(`${base}/api/v1/devices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, label: 'T1' }) })
    ).json();
    const ops = [op(), op()];
    const pushed = await (await fetch(`${base}/api/v1/sync/push`, json(token, { ops }))).json();
    expect(pushed.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);

    await stop();
    await start();
    const pulled = await (await fetch(`${base}/api/v1/sync/pull`, json(token))).json();
    expect(pulled.changes.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(ops.map((o) => o.id)));
    const again = await (await fetch(`${base}/api/v1/sync/push`, json(token, { ops }))).json();
    expect(again.results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
  });

  it('answers JSON errors, never a stack trace, for garbage', async () => {
    const res = await fetch(`${base}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: '{"ops":',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('invalid');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});
