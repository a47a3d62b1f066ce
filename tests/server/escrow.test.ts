// Escrow recovery (docs/privacy.md, Recovery): one escrow key pair per database, shared by every
// server on it; a blocked tablet's escrow copy is unwrapped only for a new device of the same user,
// once, and the private key never appears in an answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app';
import { escrowLabel, type EscrowPublicKey } from '../../src/domain/escrow';
import { openTestStore } from './engine';
import { ADMIN, admin, enrol, testServer, type Client, type TestServer } from './helpers';

const subtle = webcrypto.subtle;

/** What a tablet does: a random data key, wrapped with the server's public key for its device and user. */
async function escrowCopy(escrow: EscrowPublicKey, deviceId: string, userId: string) {
  const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  const publicKey = await subtle.importKey('jwk', escrow.publicKey as webcrypto.JsonWebKey, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey']);
  const wrapped = new Uint8Array(await subtle.wrapKey('raw', dataKey, publicKey, { name: 'RSA-OAEP', label: escrowLabel(deviceId, userId) }));
  const raw = Buffer.from(await subtle.exportKey('raw', dataKey)).toString('base64url');
  return { raw, wrapped };
}

const recover = (app: Client, headers: Record<string, string>, body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/v1/devices/escrow-recovery', headers, payload: body });

async function enrolWithEscrow(app: Client, name: string) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/enrolments', headers: admin, payload: { role: 'mediator', name } });
  const res = await app.inject({ method: 'POST', url: '/api/v1/devices', payload: { code: created.json().code, label: 'Tablette' } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json() as { deviceId: string; token: string; userId: string; escrow: EscrowPublicKey };
  return { ...body, headers: { authorization: `Bearer ${body.token}` } };
}

describe('the escrow key pair', () => {
  it('is made once and shared by two servers on the same database, even when both ask at once; no answer carries its private half', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-escrow-'));
    const first = await openTestStore(dir);
    const second = await openTestStore(dir, first.schema);
    const apps = await Promise.all([first, second].map((s) => buildApp({ repo: s.repo, version: 'test', adminToken: ADMIN })));
    try {
      const [a, b] = await Promise.all(apps.map((app) => enrolWithEscrow(app as unknown as Client, `Anne ${Math.random()}`)));
      expect(a.escrow.keyId).toBe(b.escrow.keyId);
      expect(a.escrow.publicKey).toEqual(b.escrow.publicKey);
      expect(Object.keys(a.escrow.publicKey).sort()).toEqual(['alg', 'e', 'kty', 'n']);
      expect(await first.sql(`SELECT key_id FROM escrow_key`)).toHaveLength(1);
      const stored = (await first.one(`SELECT private_jwk FROM escrow_key`))!.private_jwk as string;
      const privateD = (JSON.parse(stored) as { d: string }).d;
      const answer = await apps[1].inject({ method: 'GET', url: '/api/v1/devices/escrow-key', headers: b.headers });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ keyId: a.escrow.keyId, deviceId: b.deviceId, userId: b.userId });
      expect(answer.body).not.toContain(privateD);
      expect(answer.json().publicKey.d).toBeUndefined();

      // A copy made with the key one server gave is opened by the other.
      const copy = await escrowCopy(a.escrow, a.deviceId, a.userId);
      const codeForA = await apps[1].inject({
        method: 'POST',
        url: '/api/v1/enrolments',
        headers: admin,
        payload: { role: 'mediator', name: (await first.one(`SELECT name FROM users WHERE id = ?`, a.userId))!.name },
      });
      expect(codeForA.statusCode).toBe(201);
      const again = await apps[1].inject({ method: 'POST', url: '/api/v1/devices', payload: { code: codeForA.json().code, label: 'Tablette' } });
      const res = await recover(
        apps[1] as unknown as Client,
        { authorization: `Bearer ${again.json().token}` },
        {
          previousDeviceId: a.deviceId,
          keyId: a.escrow.keyId,
          wrappedKey: Buffer.from(copy.wrapped).toString('base64url'),
        },
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ key: copy.raw });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await second.close();
      await first.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('recovering a blocked tablet’s key', () => {
  let s: TestServer;
  beforeEach(async () => {
    s = await testServer();
  });
  afterEach(async () => {
    await s.close();
  });

  it('a new device of the same user gets the key; the old device is revoked; the same device may ask again, another one may not until the coordinator revokes the first', async () => {
    const old = await enrolWithEscrow(s.app, 'Anne');
    const copy = await escrowCopy(old.escrow, old.deviceId, old.userId);
    const body = { previousDeviceId: old.deviceId, keyId: old.escrow.keyId, wrappedKey: Buffer.from(copy.wrapped).toString('base64url') };
    const fresh = await enrolWithEscrow(s.app, 'anne');
    expect(fresh.userId).toBe(old.userId);

    const res = await recover(s.app, fresh.headers, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().key).toBe(copy.raw);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/me', headers: old.headers })).statusCode).toBe(401);
    expect((await s.one(`SELECT new_device_id FROM escrow_recoveries WHERE old_device_id = ?`, old.deviceId))?.new_device_id).toBe(fresh.deviceId);

    // Audited where the store has an audit log (SQLite so far): ids only, once.
    if (s.repo.addAudit) {
      const audit = await s.sql(`SELECT actor_id, action, entity, record_id FROM audit WHERE action = 'recover'`);
      expect(audit).toEqual([{ actor_id: old.userId, action: 'recover', entity: 'device', record_id: old.deviceId }]);
    }
    // The answer was lost: the same new device asks again.
    expect((await recover(s.app, fresh.headers, body)).json().key).toBe(copy.raw);
    // Replayed from another device of the same user: refused, nothing revealed.
    const third = await enrolWithEscrow(s.app, 'Anne');
    const replay = await recover(s.app, third.headers, body);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('already_recovered');
    expect(replay.body).not.toContain(copy.raw);
    // A recovery that never finished on the tablet (closed before its new code was saved): once the
    // coordinator revokes the device that got the key, a new device of the same user may recover it.
    expect((await s.app.inject({ method: 'DELETE', url: `/api/v1/devices/${fresh.deviceId}`, headers: admin })).statusCode).toBe(204);
    const retried = await recover(s.app, third.headers, body);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json().key).toBe(copy.raw);
    expect((await s.one(`SELECT new_device_id FROM escrow_recoveries WHERE old_device_id = ?`, old.deviceId))?.new_device_id).toBe(third.deviceId);
    // The revoked device cannot come back for it.
    expect((await recover(s.app, fresh.headers, body)).statusCode).toBe(401);
  });

  it('two new devices of the same user asking at once: one gets the key, the other 409', async () => {
    const old = await enrolWithEscrow(s.app, 'Anne');
    const copy = await escrowCopy(old.escrow, old.deviceId, old.userId);
    const body = { previousDeviceId: old.deviceId, keyId: old.escrow.keyId, wrappedKey: Buffer.from(copy.wrapped).toString('base64url') };
    const [a, b] = [await enrolWithEscrow(s.app, 'Anne'), await enrolWithEscrow(s.app, 'Anne')];
    const answers = await Promise.all([recover(s.app, a.headers, body), recover(s.app, b.headers, body)]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(await s.sql(`SELECT * FROM escrow_recoveries`)).toHaveLength(1);
  });

  it('another user’s device gets a clear refusal and never the key, whatever previous device it names', async () => {
    const anne = await enrolWithEscrow(s.app, 'Anne');
    const copy = await escrowCopy(anne.escrow, anne.deviceId, anne.userId);
    const wrappedKey = Buffer.from(copy.wrapped).toString('base64url');
    const bob = await enrolWithEscrow(s.app, 'Bob');
    const bobAgain = await enrolWithEscrow(s.app, 'Bob');

    const named = await recover(s.app, bobAgain.headers, { previousDeviceId: anne.deviceId, keyId: anne.escrow.keyId, wrappedKey });
    expect(named.statusCode).toBe(403);
    expect(named.json().error).toMatchObject({ code: 'escrow_other_user', fields: [{ path: 'previousDeviceId' }] });
    // Anne's copy presented as the copy of Bob's own previous tablet: its label names Anne's device.
    const disguised = await recover(s.app, bobAgain.headers, { previousDeviceId: bob.deviceId, keyId: anne.escrow.keyId, wrappedKey });
    expect(disguised.statusCode).toBe(400);
    expect(disguised.json().error.code).toBe('escrow_invalid');
    // A coordinator's token is no device: refused too.
    expect((await recover(s.app, admin, { previousDeviceId: anne.deviceId, keyId: anne.escrow.keyId, wrappedKey })).statusCode).toBe(403);
    for (const res of [named, disguised]) expect(res.body).not.toContain(copy.raw);
    // Nothing was consumed: Anne's own new tablet still recovers it.
    expect(await s.sql(`SELECT * FROM escrow_recoveries`)).toHaveLength(0);
    const anneAgain = await enrolWithEscrow(s.app, 'Anne');
    expect((await recover(s.app, anneAgain.headers, { previousDeviceId: anne.deviceId, keyId: anne.escrow.keyId, wrappedKey })).json().key).toBe(copy.raw);
  });

  it('an altered copy, another key id or a malformed body is refused with the field named', async () => {
    const old = await enrolWithEscrow(s.app, 'Anne');
    const copy = await escrowCopy(old.escrow, old.deviceId, old.userId);
    const fresh = await enrolWithEscrow(s.app, 'Anne');
    const tampered = new Uint8Array(copy.wrapped);
    tampered[17] ^= 1;
    const base = { previousDeviceId: old.deviceId, keyId: old.escrow.keyId };
    const altered = await recover(s.app, fresh.headers, { ...base, wrappedKey: Buffer.from(tampered).toString('base64url') });
    expect(altered.statusCode).toBe(400);
    expect(altered.json().error).toMatchObject({ code: 'escrow_invalid', fields: [{ path: 'wrappedKey' }] });
    const otherKey = await recover(s.app, fresh.headers, { ...base, keyId: 'another', wrappedKey: Buffer.from(copy.wrapped).toString('base64url') });
    expect(otherKey.statusCode).toBe(400);
    const malformed = await recover(s.app, fresh.headers, { ...base, wrappedKey: 'not base64!' });
    expect(malformed.statusCode).toBe(400);
    expect(JSON.stringify(malformed.json().error.fields)).toContain('wrappedKey');
    expect((await recover(s.app, {}, { ...base, wrappedKey: 'AAAA' })).statusCode).toBe(401);
    expect(await s.sql(`SELECT * FROM escrow_recoveries`)).toHaveLength(0);
  });
});

it('the helpers’ enrol still works with the richer answer', async () => {
  const s = await testServer();
  try {
    const anne = await enrol(s.app, 'Anne');
    expect(anne.deviceId).toBeTruthy();
  } finally {
    await s.close();
  }
});
