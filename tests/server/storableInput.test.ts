// Inputs one engine can hold and the other cannot (PostgreSQL's 32-bit `integer` versions, its
// text that refuses NUL): both engines give the same answer, an op refused or a 400 naming the
// field, never a 500 that would make a tablet send its whole batch again forever.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import { admin, enrol, op, push, testServer, type TestServer } from './helpers';
import { person } from './people';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  await s.close();
});

describe('inputs the stores cannot hold', () => {
  it('a baseVersion above 2^31 − 1 is refused on its field, and the rest of the batch applies', async () => {
    const anne = await enrol(s.app, 'Anne');
    const a = op();
    expect((await push(s.app, anne.headers, [a])).json().results[0].status).toBe('applied');
    const stale = op({ id: a.id, baseVersion: 3_000_000_000 });
    const unknown = op({ baseVersion: 2 ** 40 });
    const fine = op();
    const res = await push(s.app, anne.headers, [stale, unknown, fine]);
    expect(res.statusCode).toBe(200);
    const [r1, r2, r3] = res.json().results;
    expect(r1).toMatchObject({ opId: stale.opId, status: 'rejected', fields: [{ path: 'baseVersion' }] });
    expect(r2).toMatchObject({ opId: unknown.opId, status: 'rejected', fields: [{ path: 'baseVersion' }] });
    expect(r3).toMatchObject({ opId: fine.opId, status: 'applied' });
    // The largest storable version is still an ordinary (stale) edit: a conflict.
    const max = await push(s.app, anne.headers, [op({ id: a.id, baseVersion: 2 ** 31 - 1 })]);
    expect(max.json().results[0].status).toBe('conflict');
  });

  it('a NUL or other control character in a name or a device label is a 400 naming the field', async () => {
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name: 'An\u0000ne' } });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.fields).toEqual([expect.objectContaining({ path: 'name' })]);
    const ok = await s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name: 'Bea' } });
    expect(ok.statusCode).toBe(201);
    for (const label of ['Tab\u0000lette', 'Tab\u0007lette']) {
      const device = await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code: ok.json().code, label } });
      expect(device.statusCode).toBe(400);
      expect(device.json().error.fields).toEqual([expect.objectContaining({ path: 'label' })]);
    }
    // The code was not used up by the refused attempts.
    const device = await s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code: ok.json().code, label: 'Tablette' } });
    expect(device.statusCode).toBe(201);
  });

  it('a NUL in the ids of a key recovery is a 400 naming the field, not a 500', async () => {
    const anne = await enrol(s.app, 'Anne');
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/devices/escrow-recovery',
      headers: anne.headers,
      payload: { previousDeviceId: 'a\u0000b', keyId: 'k', wrappedKey: 'AAAA' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([expect.objectContaining({ path: 'previousDeviceId' })]);
  });

  it('a visit whose note holds \\u0000 is kept, and merging her person still works', async () => {
    const anne = await enrol(s.app, 'Anne');
    const coline = await enrol(s.app, 'Coline', 'coordinator');
    const dup = op({ entity: 'beneficiary', data: person({ lastName: 'Martin' }) as never });
    const keep = op({ entity: 'beneficiary', data: person({ lastName: 'MARTIN' }) as never });
    const v = op({ data: accompaniment({ beneficiaryId: dup.id, anonymous: null, note: 'a\u0000b' }) as never });
    const r = (await push(s.app, anne.headers, [dup, keep, v])).json().results;
    expect(r.map((x: { status: string }) => x.status)).toEqual(['applied', 'applied', 'applied']);
    const m = await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${dup.id}/merge`, headers: coline.headers, payload: { into: keep.id } });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ moved: { accompaniments: 1 } });
    const visit = await s.one('SELECT data FROM records WHERE id = ?', v.id);
    expect(JSON.parse(visit?.data as string)).toMatchObject({ beneficiaryId: keep.id, note: 'a\u0000b' });
  });
});
