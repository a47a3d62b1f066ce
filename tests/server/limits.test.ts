// Rate limits (api.md "Errors"): failures only, per client address, a valid token never refused;
// behind a trusted proxy each tablet has its own budget, and a forged X-Forwarded-For is ignored.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '../../src/server/app';
import { addressKey } from '../../src/server/rateLimit';
import { admin, enrol, testServer, type TestServer } from './helpers';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const start = async (options: Partial<AppOptions> = {}) => (s = await testServer(options));
const me = (server: TestServer, headers: Record<string, string>) => server.app.inject({ url: '/api/v1/me', headers });
const bad = (from?: string) => ({ authorization: 'Bearer guessed-token', ...(from ? { 'x-forwarded-for': from } : {}) });
const newCode = async (server: TestServer, name: string) =>
  (await server.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name } })).json().code as string;
const useCode = (server: TestServer, code: string, from?: string) =>
  server.app.inject({ method: 'POST', url: '/api/v1/devices', headers: from ? { 'x-forwarded-for': from } : {}, payload: { code, label: 'T' } });

describe('failed authentications', () => {
  it('never refuse a valid token, even after 35 bad ones from the same address', async () => {
    const server = await start();
    const anne = await enrol(server.app, 'Anne');
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await me(server, bad())).statusCode);
    expect(statuses.slice(0, 30).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429, 429]);
    const refused = await me(server, bad());
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);

    expect((await me(server, anne.headers)).statusCode).toBe(200);
    expect((await me(server, admin)).statusCode).toBe(200);
    const pushed = await server.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: anne.headers, payload: { ops: [] } });
    expect(pushed.statusCode).toBe(200);
  });

  it('count only presented tokens: a request without one is a plain 401', async () => {
    const server = await start({ limits: { authFailuresPerMinute: 2 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await server.app.inject('/api/v1/me')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await me(server, bad())).statusCode).toBe(401);
  });

  it('end with the window', async () => {
    let now = new Date('2026-11-24T08:00:00Z');
    const server = await start({ limits: { authFailuresPerMinute: 2 }, now: () => now });
    for (let i = 0; i < 2; i++) await me(server, bad());
    expect((await me(server, bad())).statusCode).toBe(429);
    now = new Date('2026-11-24T08:01:01Z');
    expect((await me(server, bad())).statusCode).toBe(401);
  });
});

describe('client addresses behind a reverse proxy', () => {
  const budgets = async (trustProxy: AppOptions['trustProxy']) => {
    const server = await start({ limits: { authFailuresPerMinute: 2 }, trustProxy });
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await me(server, bad('203.0.113.10'))).statusCode);
    const other = (await me(server, bad('203.0.113.20'))).statusCode;
    return { first, other };
  };

  it('give each tablet its own budget when the proxy is trusted', async () => {
    expect(await budgets('127.0.0.1')).toEqual({ first: [401, 401, 429], other: 401 });
  });

  it('ignore X-Forwarded-For when no proxy is trusted, or from a peer that is not the proxy', async () => {
    expect(await budgets(false)).toEqual({ first: [401, 401, 429], other: 429 });
    await s?.close();
    s = undefined;
    expect(await budgets('10.0.0.1')).toEqual({ first: [401, 401, 429], other: 429 });
  });

  it('count an IPv6 client by its /64, so rotating addresses gains nothing', async () => {
    expect(addressKey('2001:db8:aa:1::1')).toBe('2001:db8:aa:1::/64');
    expect(addressKey('2001:0db8:00aa:0001:ffff:1:2:3')).toBe('2001:db8:aa:1::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    const server = await start({ limits: { authFailuresPerMinute: 2 }, trustProxy: '127.0.0.1' });
    await me(server, bad('2001:db8:aa:1::1'));
    await me(server, bad('2001:db8:aa:1::2'));
    expect((await me(server, bad('2001:db8:aa:1:abcd::9'))).statusCode).toBe(429);
    expect((await me(server, bad('2001:db8:aa:2::1'))).statusCode).toBe(401);
  });
});

describe('failed enrolment codes', () => {
  it('never slow tablets enrolling one after another (successes are not counted)', async () => {
    const server = await start({ limits: { enrolmentFailuresPerMinute: 2 } });
    for (let i = 0; i < 5; i++) expect((await useCode(server, await newCode(server, `Personne ${i}`))).statusCode).toBe(201);
  });

  it('refuse even a right code from an address over its budget, without using it up, until the window ends', async () => {
    let now = new Date('2026-11-24T08:00:00Z');
    const server = await start({ limits: { enrolmentFailuresPerMinute: 3 }, now: () => now, trustProxy: '127.0.0.1' });
    const code = await newCode(server, 'Anne');
    const tries = [];
    for (let i = 0; i < 3; i++) tries.push((await useCode(server, `XXXX-XXX${i + 2}`, '203.0.113.10')).statusCode);
    expect(tries).toEqual([400, 400, 400]);
    const refused = await useCode(server, code, '203.0.113.10');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Another tablet behind the same proxy is not affected.
    expect((await useCode(server, await newCode(server, 'Béa'), '203.0.113.20')).statusCode).toBe(201);
    // The refused code was not used up: it works once the window has passed.
    now = new Date('2026-11-24T08:01:01Z');
    const enrolled = await useCode(server, code, '203.0.113.10');
    expect(enrolled.statusCode).toBe(201);
    expect(enrolled.json().name).toBe('Anne');
  });
});
