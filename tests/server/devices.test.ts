import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINE } from './engine';
import { admin, enrol, testServer, type TestServer } from './helpers';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  await s.close();
});

describe('health and identity', () => {
  it('answers health without auth and says who a token is', async () => {
    expect((await s.app.inject('/api/v1/health')).json()).toEqual({ status: 'ok', version: 'test', storage: ENGINE, engine: ENGINE });
    const anne = await enrol(s.app, 'Anne');
    const me = await s.app.inject({ url: '/api/v1/me', headers: anne.headers });
    expect(me.json()).toEqual({ deviceId: anne.deviceId, role: 'mediator', name: 'Anne' });
    expect((await s.app.inject({ url: '/api/v1/me', headers: admin })).json()).toMatchObject({ role: 'coordinator' });
  });

  it('refuses a missing or unknown token with 401 and a JSON error', async () => {
    const none = await s.app.inject('/api/v1/me');
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentification requise.' } });
    expect((await s.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
  });
});

describe('enrolment', () => {
  it('gives a short single-use code valid 24 h, and the token only once', async () => {
    const at = new Date('2026-11-24T08:00:00Z');
    await s.close();
    s = await testServer({ now: () => at });
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name: 'Anne' } });
    expect(res.statusCode).toBe(201);
    const { code, expiresAt } = res.json();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(expiresAt).toBe('2026-11-25T08:00:00.000Z');

    const device = await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code: code.toLowerCase().replace('-', ' '), label: 'Tablette 1' } });
    expect(device.statusCode).toBe(201);
    expect(device.json()).toMatchObject({ role: 'mediator', name: 'Anne' });
    expect(device.json().token).toHaveLength(43);

    const again = await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code, label: 'Tablette 2' } });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.fields).toEqual([{ path: 'code', message: 'Code inconnu, déjà utilisé ou expiré.' }]);
  });

  it('stores only hashes of tokens and codes', async () => {
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name: 'Anne' } });
    const { code } = created.json();
    const device = (await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code, label: 'T' } })).json();
    const dump = JSON.stringify([await s.sql('SELECT * FROM devices'), await s.sql('SELECT * FROM enrolments')]);
    expect(dump).not.toContain(device.token);
    expect(dump).not.toContain(code.replace('-', ''));
  });

  it('refuses an expired code', async () => {
    let now = new Date('2026-11-24T08:00:00Z');
    await s.close();
    s = await testServer({ now: () => now });
    const { code } = (await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name: 'Anne' } })).json();
    now = new Date('2026-11-25T08:00:01Z');
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code, label: 'T' } })).statusCode).toBe(400);
  });

  it('adds a second tablet to the same user, names compared case-insensitively', async () => {
    const first = await enrol(s.app, 'Anne Martin');
    const second = await enrol(s.app, 'anne martin', 'mediator', 'Tablette de remplacement');
    expect(second.name).toBe('Anne Martin');
    expect(second.deviceId).not.toBe(first.deviceId);
    const conflict = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'coordinator', name: 'ANNE MARTIN' } });
    expect(conflict.statusCode).toBe(409);
  });

  it('lets only a coordinator create codes, with field errors for bad bodies', async () => {
    const anne = await enrol(s.app, 'Anne');
    const forbidden = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: anne.headers, payload: { role: 'mediator', name: 'Eve' } });
    expect(forbidden.statusCode).toBe(403);
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'boss' } });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['name', 'role']);
  });

  it('rate limits code guessing', async () => {
    await s.close();
    s = await testServer({ limits: { enrolmentFailuresPerMinute: 3 } });
    const tries = [];
    for (let i = 0; i < 4; i++)
      tries.push((await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code: `XXXX-XXX${i}`, label: 'T' } })).statusCode);
    expect(tries).toEqual([400, 400, 400, 429]);
  });

  it('rate limits authentication failures', async () => {
    await s.close();
    s = await testServer({ limits: { authFailuresPerMinute: 2 } });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await s.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer guess' } })).statusCode);
    expect(codes).toEqual([401, 401, 429]);
    // A valid token is never refused (api.md "Errors"): tablets behind one address keep working.
    expect((await s.app.inject({ url: '/api/v1/me', headers: admin })).statusCode).toBe(200);
  });
});

describe('devices', () => {
  it('lists devices with their last sync, and a revoked token gets 401 from then on', async () => {
    const anne = await enrol(s.app, 'Anne');
    await s.app.inject({ url: '/api/v1/sync/pull', headers: anne.headers });
    const list = (await s.app.inject({ url: '/api/v1/devices', headers: admin })).json().devices;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ deviceId: anne.deviceId, name: 'Anne', role: 'mediator', revokedAt: null });
    expect(list[0].lastSyncAt).toMatch(/^\d{4}-/);
    expect(JSON.stringify(list)).not.toContain(anne.token);

    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/devices/${anne.deviceId}`, headers: anne.headers })).statusCode).toBe(403);
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/devices/${anne.deviceId}`, headers: admin })).statusCode).toBe(204);
    expect((await s.app.inject({ url: '/api/v1/me', headers: anne.headers })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'DELETE', url: '/api/v1/devices/unknown', headers: admin })).statusCode).toBe(404);
  });
});
