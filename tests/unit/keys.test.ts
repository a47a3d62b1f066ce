// The crypto layer of the lock: the data key wrapped under the lock code (PBKDF2-SHA-256, at
// least 600,000 iterations, per-device salt, AES-KW), AES-GCM sealing that detects tampering,
// a change of code that keeps the same data key, and the device token sealed at rest.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { newDataKey, openJson, sealJson, SealError } from '../../src/crypto/cipher';
import { currentDataKey, LockedError, setDataKey } from '../../src/crypto/keySession';
import {
  changeLockCode,
  createVault,
  KDF_ITERATIONS,
  loadVault,
  lockCodeProblem,
  openVault,
  unwrapDataKey,
  WrongCodeError,
  wrapDataKey,
} from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { loadCredentials, loadEnrolment, saveCredentials, sealLegacyToken } from '../../src/sync/credentials';

let db: RelaisDB;
let n = 0;
beforeEach(async () => {
  db = new RelaisDB(`keys-${n++}`);
  await db.open();
});

/** Whether two AES-GCM keys are the same key: one opens what the other sealed. */
async function sameKey(a: CryptoKey, b: CryptoKey): Promise<boolean> {
  return openJson(b, await sealJson(a, 'probe')).then(
    () => true,
    () => false,
  );
}

describe('sealing', () => {
  it('round-trips a JSON value, and detects a flipped byte of the ciphertext or of the IV, and a wrong AAD', async () => {
    const key = await newDataKey();
    const sealed = await sealJson(key, { firstName: 'Aïcha', phone: '06 12 34 56 78' }, 'beneficiary:1');
    expect(await openJson(key, sealed, 'beneficiary:1')).toEqual({ firstName: 'Aïcha', phone: '06 12 34 56 78' });

    const ct = new Uint8Array(sealed.ct.slice(0));
    ct[3] ^= 1;
    await expect(openJson(key, { ...sealed, ct: ct.buffer }, 'beneficiary:1')).rejects.toBeInstanceOf(SealError);
    const iv = new Uint8Array(sealed.iv);
    iv[0] ^= 1;
    await expect(openJson(key, { ...sealed, iv }, 'beneficiary:1')).rejects.toBeInstanceOf(SealError);
    await expect(openJson(key, sealed, 'beneficiary:2')).rejects.toBeInstanceOf(SealError);
    await expect(openJson(await newDataKey(), sealed, 'beneficiary:1')).rejects.toBeInstanceOf(SealError);
  });
});

describe('the vault', () => {
  it('opens with the right code only, giving back the same data key', async () => {
    const key = await createVault(db, '482913');
    expect(await sameKey(key, await openVault(db, '482913'))).toBe(true);
    await expect(openVault(db, '482914')).rejects.toBeInstanceOf(WrongCodeError);
    await expect(openVault(db, '')).rejects.toBeInstanceOf(WrongCodeError);
  });

  it('derives with at least 600,000 iterations, stores the count, and uses the stored count', async () => {
    expect(KDF_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    await createVault(db, 'une phrase de passe');
    const vault = (await loadVault(db))!;
    expect(vault.iterations).toBe(KDF_ITERATIONS);
    expect(vault.kdf).toBe('PBKDF2-SHA-256');

    const derive = vi.spyOn(crypto.subtle, 'deriveKey');
    try {
      await openVault(db, 'une phrase de passe');
      expect((derive.mock.calls[0][0] as Pbkdf2Params).iterations).toBe(KDF_ITERATIONS);
      // A vault wrapped with a raised count is opened with its own count, not the default.
      const raised = await wrapDataKey(await newDataKey(), 'une phrase de passe', KDF_ITERATIONS + 1);
      derive.mockClear();
      await unwrapDataKey(raised, 'une phrase de passe');
      expect((derive.mock.calls[0][0] as Pbkdf2Params).iterations).toBe(KDF_ITERATIONS + 1);
      // The same code with a lowered count is another key: it does not open the vault.
      await expect(unwrapDataKey({ ...raised, iterations: KDF_ITERATIONS }, 'une phrase de passe')).rejects.toBeInstanceOf(WrongCodeError);
    } finally {
      derive.mockRestore();
    }
  });

  it('uses a random salt per device: the same code and key wrap differently on two tablets', async () => {
    const key = await newDataKey();
    const [a, b] = await Promise.all([wrapDataKey(key, '482913'), wrapDataKey(key, '482913')]);
    expect(a.salt.byteLength).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false);
    expect(Buffer.from(a.wrapped).equals(Buffer.from(b.wrapped))).toBe(false);
    // Each vault needs its own salt: another tablet's salt does not open it.
    await expect(unwrapDataKey({ ...a, salt: b.salt }, '482913')).rejects.toBeInstanceOf(WrongCodeError);
  });

  it('detects a tampered wrapped key', async () => {
    const vault = await wrapDataKey(await newDataKey(), '482913');
    const wrapped = new Uint8Array(vault.wrapped.slice(0));
    wrapped[10] ^= 0x80;
    await expect(unwrapDataKey({ ...vault, wrapped: wrapped.buffer }, '482913')).rejects.toBeInstanceOf(WrongCodeError);
  });

  it('changing the code re-wraps the same data key: data sealed before opens after; the old code no longer opens', async () => {
    const key = await createVault(db, '482913');
    const sealed = await sealJson(key, { note: 'rendez-vous CAF' }, 'accompaniment:7');
    const before = (await loadVault(db))!;
    await expect(changeLockCode(db, '000000', 'nouvelle phrase')).rejects.toBeInstanceOf(WrongCodeError);
    expect((await loadVault(db))!.wrapped).toEqual(before.wrapped); // untouched by the refused change

    await changeLockCode(db, '482913', 'nouvelle phrase');
    const after = (await loadVault(db))!;
    expect(after.digits).toBe(false);
    expect(Buffer.from(after.salt).equals(Buffer.from(before.salt))).toBe(false);
    await expect(openVault(db, '482913')).rejects.toBeInstanceOf(WrongCodeError);
    const reopened = await openVault(db, 'nouvelle phrase');
    expect(await openJson(reopened, sealed, 'accompaniment:7')).toEqual({ note: 'rendez-vous CAF' });
  });

  it('never replaces an existing vault (two tabs setting a first code: the second is refused)', async () => {
    const first = await createVault(db, '482913');
    await expect(createVault(db, '111111')).rejects.toThrow();
    expect(await sameKey(first, await openVault(db, '482913'))).toBe(true);
  });

  it('accepts 6+ digits or a passphrase of 8+ characters', () => {
    expect(lockCodeProblem('12345')).toMatch(/6 chiffres/);
    expect(lockCodeProblem('123456')).toBeNull();
    expect(lockCodeProblem('abc 123')).toMatch(/8 caractères/);
    expect(lockCodeProblem('        ')).not.toBeNull();
    expect(lockCodeProblem('mer et étang')).toBeNull();
  });
});

describe('the device token at rest', () => {
  const credentials = {
    deviceId: 'dev-1',
    token: 'secret-token-abc',
    role: 'mediator' as const,
    name: 'Anne',
    label: 'Tablette Mèze',
    enrolledAt: '2026-11-30T08:00:00Z',
  };

  it('is sealed in the meta table, read back only while unlocked; who is enrolled stays readable', async () => {
    const key = currentDataKey()!;
    await saveCredentials(db, credentials);
    const raw = JSON.stringify((await db.meta.get('device'))!.value, (_k, v: unknown) => (v instanceof ArrayBuffer ? Buffer.from(v).toString('latin1') : v));
    expect(raw).not.toContain('secret-token-abc');
    expect(await loadCredentials(db)).toEqual(credentials);

    setDataKey(null);
    try {
      await expect(loadCredentials(db)).rejects.toBeInstanceOf(LockedError);
      expect(await loadEnrolment(db)).toEqual({
        deviceId: 'dev-1',
        role: 'mediator',
        name: 'Anne',
        label: 'Tablette Mèze',
        enrolledAt: '2026-11-30T08:00:00Z',
      });
    } finally {
      setDataKey(key);
    }
  });

  it('a token stored in clear before the lock existed is sealed at the first unlock', async () => {
    const { token, ...enrolment } = credentials;
    await db.meta.put({ key: 'device', value: { ...enrolment, token } });
    expect((await loadCredentials(db))!.token).toBe(token);
    await sealLegacyToken(db);
    const stored = (await db.meta.get('device'))!.value as Record<string, unknown>;
    expect(stored.token).toBeUndefined();
    expect(stored.sealedToken).toBeDefined();
    expect(await loadCredentials(db)).toEqual(credentials);
  });
});
