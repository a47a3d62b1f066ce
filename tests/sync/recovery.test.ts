// Escrow recovery of a blocked tablet (docs/privacy.md, Recovery), the tablet's side against a real
// server over real HTTP: ten wrong codes with a change waiting wipe all but that change and the
// escrow copy; a code made for another user is refused and changes nothing; a code made for the
// same user enrols the tablet again, brings the key back under a new lock code, and the change is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDataKey, isUnlocked, setDataKey } from '../../src/crypto/keySession';
import { ESCROW_COPY_KEY, ESCROW_KEY_KEY, loadEscrowBinding, loadEscrowCopy } from '../../src/crypto/escrow';
import { changeLockCode, loadVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { loadDraft, saveDraft } from '../../src/db/drafts';
import { readAsStored } from '../../src/db/sealing/middleware';
import { saveRecord } from '../../src/db/writes';
import { createApi, SyncError } from '../../src/sync/api';
import { loadCredentials, loadEnrolment } from '../../src/sync/credentials';
import { enrolThisTablet } from '../../src/sync/enrolment';
import { refreshEscrowBinding } from '../../src/sync/escrow';
import { syncOnce } from '../../src/sync/engine';
import { lockNow, setFirstCode, unlock } from '../../src/platform/lock';
import { loadAttempts } from '../../src/platform/lockAttempts';
import { recoverBlockedTablet } from '../../src/platform/recovery';
import { accompaniment } from '../unit/fixtures';
import { adminCall, serverAccompaniments, startServer, type Server } from './harness';

let server: Server;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const data = (durationMinutes: number) =>
  accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes, note: 'Dossier CAF' });
const codeFor = async (name: string) => ((await adminCall(server.base, 'POST', '/api/v1/enrolments', { role: 'mediator', name })) as { code: string }).code;

/** Every value stored on the tablet, as stored (sealed rows stay sealed), as one searchable text. */
async function everythingStored(db: RelaisDB): Promise<string> {
  const names = db.tables.map((t) => t.name);
  const rows = await readAsStored(db, 'r', names, () => Promise.all(db.tables.map((t) => t.toArray())));
  return JSON.stringify(rows, (_k, v: unknown) =>
    v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? Buffer.from(v instanceof ArrayBuffer ? v : (v as Uint8Array).buffer).toString('base64') : v,
  );
}

describe('a tablet blocked with a change waiting', () => {
  it('keeps only what waits, refuses another user’s code, and comes back with its owner’s code; the change is then sent', async () => {
    const db = new RelaisDB(`recovery-${crypto.randomUUID()}`);
    await db.open();
    setDataKey(null);
    await setFirstCode('482913', db);
    await enrolThisTablet(db, { baseUrl: server.base, code: await codeFor('Anne'), label: 'Tablette Mèze' });
    const firstDevice = (await loadEnrolment(db))!.deviceId;
    const copy = await loadEscrowCopy(db);
    expect(copy).toMatchObject({ deviceId: firstDevice, keyId: (await loadEscrowBinding(db))!.keyId });

    // One visit reaches the server; a second one waits; a form holds a draft.
    const sent = crypto.randomUUID();
    await saveRecord('accompaniment', sent, data(30), db);
    await syncOnce({ db, api: createApi(server.base, (await loadCredentials(db))!.token) });
    const waiting = crypto.randomUUID();
    await saveRecord('accompaniment', waiting, data(45), db);
    await saveDraft('accompaniment:new', { note: 'brouillon' }, db);
    expect(await db.outbox.count()).toBe(1);
    const rawKey = Buffer.from(await crypto.subtle.exportKey('raw', currentDataKey()!)).toString('base64');

    await lockNow();
    let t = Date.now();
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push((await unlock(`00000${i}`, db, () => (t += 600_000))).kind);
    expect(outcomes.slice(0, 9).every((k) => k === 'wait')).toBe(true);
    expect(outcomes[9]).toBe('blocked');

    // Wiped but what waits: the queued op and its record stay (sealed), the vault and the rest go.
    expect(await db.outbox.count()).toBe(1);
    const kept = await readAsStored(db, 'r', ['accompaniments'], () => db.accompaniments.toCollection().primaryKeys());
    expect(kept).toEqual([waiting]);
    expect(await db.drafts.count()).toBe(1);
    expect(await loadVault(db)).toBeUndefined();
    expect(await db.meta.get('pullCursor')).toBeUndefined();
    expect(await loadEscrowCopy(db)).toEqual(copy);
    expect(JSON.stringify(await db.meta.get('device'))).not.toContain('sealedToken');
    expect((await loadEnrolment(db))?.name).toBe('Anne');
    expect(await unlock('482913', db, () => (t += 600_000))).toMatchObject({ kind: 'blocked' });

    // Another user's code: the server refuses to open the copy; nothing changes on the tablet.
    const refused = await recoverBlockedTablet({ baseUrl: server.base, code: await codeFor('Bob'), lockCode: '135790' }, db).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SyncError);
    expect((refused as SyncError).code).toBe('escrow_other_user');
    expect(isUnlocked()).toBe(false);
    expect((await loadAttempts(db)).blocked).toBe(true);
    expect(await db.outbox.count()).toBe(1);
    expect(await loadEscrowCopy(db)).toEqual(copy);
    expect((await serverAccompaniments(server)).has(waiting)).toBe(false);

    // The owner's code: enrolled again, the key comes back under the new code.
    await recoverBlockedTablet({ baseUrl: server.base, code: await codeFor('Anne'), lockCode: '135790' }, db);
    expect(isUnlocked()).toBe(true);
    expect(Buffer.from(await crypto.subtle.exportKey('raw', currentDataKey()!)).toString('base64')).toBe(rawKey);
    expect((await loadAttempts(db)).blocked).toBe(false);
    const enrolment = (await loadEnrolment(db))!;
    expect(enrolment.deviceId).not.toBe(firstDevice);
    expect(enrolment.name).toBe('Anne');
    expect(await loadEscrowCopy(db)).toMatchObject({ deviceId: enrolment.deviceId });
    // The key is never stored in clear (binary values are searched too: the escrow copy is found).
    const stored = await everythingStored(db);
    expect(stored).toContain(Buffer.from((await loadEscrowCopy(db))!.wrapped).toString('base64'));
    expect(stored).not.toContain(rawKey);

    await syncOnce({ db, api: createApi(server.base, (await loadCredentials(db))!.token) });
    expect(await db.outbox.count()).toBe(0);
    const onServer = await serverAccompaniments(server);
    expect(onServer.get(waiting)).toMatchObject({ durationMinutes: 45, note: 'Dossier CAF' });
    // The pull brought back what was wiped; the half-typed form is back too.
    expect((await db.accompaniments.get(sent))?.data.durationMinutes).toBe(30);
    expect(await loadDraft('accompaniment:new', db)).toEqual({ note: 'brouillon' });
    // The blocked tablet's former device is revoked.
    const devices = (await adminCall(server.base, 'GET', '/api/v1/devices')).devices as { deviceId: string; revokedAt: string | null }[];
    expect(devices.find((d) => d.deviceId === firstDevice)?.revokedAt).not.toBeNull();

    // The new code opens it.
    await lockNow();
    expect((await unlock('135790', db)).kind).toBe('open');
    await db.delete();
  });

  it('without an escrow copy (never online since this version), ten wrong codes block it and wipe nothing', async () => {
    const db = new RelaisDB(`recovery-${crypto.randomUUID()}`);
    await db.open();
    setDataKey(null);
    await setFirstCode('482913', db);
    await saveRecord('accompaniment', crypto.randomUUID(), data(20), db);
    await lockNow();
    let t = Date.now();
    for (let i = 0; i < 10; i++) await unlock(`00000${i}`, db, () => (t += 600_000));
    expect((await loadAttempts(db)).blocked).toBe(true);
    expect(await loadVault(db)).toBeDefined();
    expect(await readAsStored(db, 'r', ['accompaniments'], () => db.accompaniments.count())).toBe(1);
    await db.delete();
  });
});

describe('the escrow copy', () => {
  it('survives a change of code; a tablet enrolled before the server gave the key gets it at its next unlock when online', async () => {
    const db = new RelaisDB(`recovery-${crypto.randomUUID()}`);
    await db.open();
    setDataKey(null);
    await setFirstCode('482913', db);
    await enrolThisTablet(db, { baseUrl: server.base, code: await codeFor('Chloé'), label: 'Tablette Sète' });
    const copy = (await loadEscrowCopy(db))!;
    await changeLockCode(db, '482913', 'une phrase de passe');
    expect(await loadEscrowCopy(db)).toEqual(copy);

    // As a tablet of the previous version: no public key, no copy.
    await db.meta.bulkDelete([ESCROW_KEY_KEY, ESCROW_COPY_KEY]);
    await lockNow();
    expect((await unlock('une phrase de passe', db)).kind).toBe('open');
    expect(await loadEscrowCopy(db)).toBeUndefined(); // unknown key: nothing to wrap with yet
    // Offline: nothing changes, no error reaches the unlock.
    await expect(refreshEscrowBinding(db, 'http://127.0.0.1:9')).rejects.toMatchObject({ kind: 'offline' });
    expect(await refreshEscrowBinding(db, server.base)).toBe(true);
    expect(await loadEscrowCopy(db)).toMatchObject({ deviceId: (await loadEnrolment(db))!.deviceId, keyId: copy.keyId });
    await db.delete();
  });
});
