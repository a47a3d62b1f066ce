// Enrolment codes never yield more rights than they say (api.md "Devices"): one user per name
// (NFC, trimmed, case-insensitive), a role that differs from that user's is refused when the code
// is made and when it is used, and using a code and creating the device are one transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/server/auth';
import { admin, enrol, testServer, type TestServer } from './helpers';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  await s.close();
});

type Role = 'mediator' | 'coordinator';
const makeCode = (name: string, role: Role = 'mediator') =>
  s.app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role, name } });
const codeFor = async (name: string, role: Role = 'mediator') => {
  const res = await makeCode(name, role);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().code as string;
};
const useCode = (code: string, label = 'Tablette') => s.app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code, label } });
const count = async (table: string) => (await s.one(`SELECT COUNT(*) AS n FROM ${table}`))?.n as number;
const usersByRole = () => s.sql(`SELECT name, role FROM users ORDER BY name`);

describe('two codes for one new name with different roles', () => {
  for (const [first, second] of [
    ['coordinator', 'mediator'],
    ['mediator', 'coordinator'],
  ] as const) {
    it(`the ${first} code used first makes the user; the ${second} one is refused, yields no device and stays unused`, async () => {
      const codes = { mediator: await codeFor('Anne', 'mediator'), coordinator: await codeFor('anne', 'coordinator') };
      const made = await useCode(codes[first]);
      expect(made.statusCode).toBe(201);
      expect(made.json().role).toBe(first);

      const refused = await useCode(codes[second]);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('role_mismatch');
      expect(refused.body).not.toMatch(/anne/i); // the caller is not authenticated: no name
      expect(await usersByRole()).toEqual([{ name: first === 'mediator' ? 'Anne' : 'anne', role: first }]);
      expect(await count('devices')).toBe(1);
      const used = await s.one(`SELECT role, used_at FROM enrolments WHERE code_hash = ?`, sha256(codes[second].replace('-', '')));
      expect(used).toEqual({ role: second, used_at: null });
      // Refused again, every time: a refused code is not a failed guess (no 429 either).
      for (let i = 0; i < 12; i++) expect((await useCode(codes[second])).statusCode).toBe(409);
    });
  }

  it('used at the same moment, exactly one becomes a device, with the role its own code says', async () => {
    const mediator = await codeFor('Anne', 'mediator');
    const coordinator = await codeFor('ANNE', 'coordinator');
    const answers = await Promise.all([useCode(mediator), useCode(coordinator)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    const winner = answers.find((a) => a.statusCode === 201)!.json();
    expect(await usersByRole()).toEqual([{ name: winner.role === 'mediator' ? 'Anne' : 'ANNE', role: winner.role }]);
    const devices = (await s.app.inject({ url: '/api/v1/devices', headers: admin })).json().devices;
    expect(devices.map((d: { role: string }) => d.role)).toEqual([winner.role]);
  });

  it('refuses a code for an existing user with another role when it is made (409, naming the user to the coordinator)', async () => {
    await enrol(s.app, 'Anne');
    const res = await makeCode('  anne ', 'coordinator');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'role_mismatch', fields: [{ path: 'role' }] });
    expect(res.json().error.message).toContain('Anne');
  });
});

describe('one code, one device', () => {
  it('the same code used five times at once yields exactly one device', async () => {
    const code = await codeFor('Anne');
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => useCode(code, `Tablette ${i}`)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 400, 400, 400, 400]);
    expect(await count('devices')).toBe(1);
    expect(await count('users')).toBe(1);
  });

  it('leaves the code unused when creating the device fails (one transaction)', async () => {
    const anne = await enrol(s.app, 'Anne');
    const code = await codeFor('Béa');
    // The device insert fails (a token hash already taken): the code must not be used up.
    await expect(
      s.repo.enrolDevice({
        codeHash: sha256(code.replace('-', '')),
        now: new Date().toISOString(),
        deviceId: 'd-fails',
        label: 'T',
        tokenHash: sha256(anne.token),
        newUserId: 'u-fails',
      }),
    ).rejects.toThrow(/UNIQUE|unique/);
    expect(await count('users')).toBe(1);
    const retried = await useCode(code);
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toMatchObject({ name: 'Béa', role: 'mediator' });
  });
});

describe('names', () => {
  const decomposed = 'He\u0301le\u0300ne'; // "Hélène" typed with combining accents
  const precomposed = 'H\u00e9l\u00e8ne';

  it('are one user whatever the keyboard composed, the case and the spaces around', async () => {
    const first = await enrol(s.app, decomposed);
    expect(first.name).toBe(precomposed); // stored in NFC
    const second = await enrol(s.app, ` ${precomposed.toUpperCase()} `, 'mediator', 'Tablette 2');
    expect(second.name).toBe(precomposed);
    expect(await count('users')).toBe(1);
    expect((await makeCode(precomposed.toLowerCase(), 'coordinator')).statusCode).toBe(409);
    expect((await useCode(await codeFor(decomposed.toUpperCase()))).json().name).toBe(precomposed);
  });
});
