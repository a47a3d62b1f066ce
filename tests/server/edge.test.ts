// What the server promises at its edge: API answers never cached, HSTS only behind a trusted TLS
// proxy, and no request or connection held open forever by a slow or silent client.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { parseTrustProxy } from '../../src/server/proxy';
import { HSTS } from '../../src/server/securityHeaders';
import { TIMEOUTS } from '../../src/server/timeouts';
import { admin, testServer, type TestServer } from './helpers';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('Cache-Control on API answers', () => {
  it('marks every /api/ answer no-store, errors included', async () => {
    s = await testServer();
    const answers = [
      await s.app.inject('/api/v1/health'),
      await s.app.inject({ url: '/api/v1/me', headers: admin }),
      await s.app.inject('/api/v1/me'), // 401
      await s.app.inject({ url: '/api/v1/tallies?week=2026-W99', headers: admin }), // 400
      await s.app.inject('/api/v1/nothing'), // 404
      await s.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"ops":' }),
      await s.app.inject({ url: '/api/v1/exports/accompaniments.csv?week=2026-W48', headers: admin }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 401, 400, 404, 400, 200]);
    for (const a of answers) expect(a.headers['cache-control']).toBe('no-store');
  });
});

describe('Strict-Transport-Security', () => {
  const hsts = async (proxy: string | undefined, headers: Record<string, string>) => {
    s = await testServer({ trustProxy: parseTrustProxy(proxy) });
    const res = await s.app.inject({ url: '/api/v1/health', headers });
    await s.close();
    s = undefined;
    return res.headers['strict-transport-security'];
  };

  it('is sent when the trusted proxy says the client came over HTTPS', async () => {
    expect(await hsts('127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' })).toBe(HSTS);
    expect(await hsts('true', { 'x-forwarded-proto': 'https' })).toBe(HSTS);
  });

  it('is never sent on plain HTTP, nor on a forwarded header from an untrusted peer', async () => {
    expect(await hsts(undefined, {})).toBeUndefined();
    expect(await hsts(undefined, { 'x-forwarded-proto': 'https' })).toBeUndefined();
    expect(await hsts('10.9.8.7', { 'x-forwarded-proto': 'https' })).toBeUndefined();
    expect(await hsts('127.0.0.1', { 'x-forwarded-proto': 'http' })).toBeUndefined();
    expect(await hsts('127.0.0.1', {})).toBeUndefined();
  });
});

describe('RELAIS_TRUST_PROXY', () => {
  it('accepts what Fastify trusts: true/false and lists of addresses, ranges and names', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('TRUE')).toBe(true);
    expect(parseTrustProxy('127.0.0.1')).toBe('127.0.0.1');
    expect(parseTrustProxy(' 10.0.0.0/8, ::1 ,loopback,192.168.0.0/255.255.0.0')).toBe('10.0.0.0/8,::1,loopback,192.168.0.0/255.255.0.0');
  });

  it('refuses a hop count and typos with a message saying what to write', () => {
    expect(() => parseTrustProxy('1')).toThrow(/hop counts.*proxy's address/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/"10.0.0.0\/33" is not an IP address/);
    expect(() => parseTrustProxy('127.0.0.1,proxy.local')).toThrow(/"proxy.local"/);
  });
});

describe('timeouts', () => {
  it('are set for tablets on slow links by default', async () => {
    const app = await buildApp({ repo: {} as never, version: 'test' });
    expect(app.server.requestTimeout).toBe(TIMEOUTS.requestMs);
    expect(app.server.timeout).toBe(TIMEOUTS.idleMs);
    expect(app.server.keepAliveTimeout).toBe(TIMEOUTS.keepAliveMs);
    expect(TIMEOUTS.requestMs).toBeGreaterThanOrEqual(60_000);
    await app.close();
  });

  /** A server on a real port with short limits, and a raw socket that records what it gets. */
  async function rawClient(timeouts: Parameters<typeof buildApp>[0]['timeouts']) {
    s ??= await testServer(); // for its database and its cleanup
    const app = await buildApp({ repo: s.repo, version: 'test', timeouts: { checkIntervalMs: 50, ...timeouts } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const socket: Socket = connect((app.server.address() as { port: number }).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    await new Promise((resolve) => socket.once('connect', resolve));
    return { socket, closed, received: () => received, close: () => app.close() };
  }

  it('answers 408 and closes a request whose headers never finish arriving', async () => {
    const c = await rawClient({ requestMs: 300 });
    c.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(await c.closed).toBeLessThan(5_000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
    await c.close();
  });

  it('answers 408 and closes a push whose body trickles in slower than the limit', async () => {
    const c = await rawClient({ requestMs: 400 });
    c.socket.write('POST /api/v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const trickle = setInterval(() => c.socket.writable && c.socket.write(' '), 50); // never idle, never done
    try {
      expect(await c.closed).toBeLessThan(5_000);
    } finally {
      clearInterval(trickle);
    }
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(c.received()).toContain('Cache-Control: no-store');
    await c.close();
  });

  it('closes a connection that sends nothing, and an idle keep-alive connection', async () => {
    const silent = await rawClient({ idleMs: 300 });
    expect(await silent.closed).toBeLessThan(5_000);
    expect(silent.received()).toBe('');
    await silent.close();

    const kept = await rawClient({ keepAliveMs: 300 });
    kept.socket.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    expect(await kept.closed).toBeLessThan(5_000);
    expect(kept.received()).toMatch(/^HTTP\/1\.1 200/);
    await kept.close();
  });
});
