/**
 * This tablet's enrolment (device id, token, role, user name), kept in the database's meta table.
 * The device token is sealed with the data key (AES-GCM, bound to the device id): it is read only
 * while the tablet is unlocked, by the sync. Who the tablet is enrolled for (name, role, label)
 * stays readable without the key (the lock screen and the sync's same-device check need it).
 */
import type { RelaisDB } from '../db/database';
import { isSealed, openJson, sealJson, type Sealed } from '../crypto/cipher';
import { requireDataKey } from '../crypto/keySession';
import type { Enrolled } from './api';
import { SyncError } from './syncError';

export interface DeviceCredentials extends Enrolled {
  label: string;
  enrolledAt: string;
}

/** The enrolment without its token: readable while locked. */
export type Enrolment = Omit<DeviceCredentials, 'token'>;

/** As stored: `sealedToken`, or `token` in clear on tablets enrolled before the lock existed. */
type StoredCredentials = Enrolment & { sealedToken?: Sealed; token?: string };

export const CREDENTIALS_KEY = 'device';
const KEY = CREDENTIALS_KEY;
const tokenAad = (deviceId: string) => `device-token:${deviceId}`;

async function loadStored(db: RelaisDB): Promise<StoredCredentials | undefined> {
  return (await db.meta.get(KEY))?.value as StoredCredentials | undefined;
}

/** Who the tablet is enrolled for, without the token (no key needed; safe inside a transaction). */
export async function loadEnrolment(db: RelaisDB): Promise<Enrolment | undefined> {
  const stored = await loadStored(db);
  if (!stored) return undefined;
  const { sealedToken: _sealed, token: _token, ...enrolment } = stored;
  return enrolment;
}

/** The enrolment with its token opened: needs the data key (`LockedError` while locked). */
export async function loadCredentials(db: RelaisDB): Promise<DeviceCredentials | undefined> {
  const stored = await loadStored(db);
  if (!stored) return undefined;
  const { sealedToken, token, ...enrolment } = stored;
  if (sealedToken && isSealed(sealedToken)) return { ...enrolment, token: await openJson<string>(requireDataKey(), sealedToken, tokenAad(stored.deviceId)) };
  return { ...enrolment, token: token ?? '' };
}

/** The meta row of `credentials` with the token sealed under `key` (seal before any transaction). */
export async function credentialsRow(credentials: DeviceCredentials, key: CryptoKey = requireDataKey()): Promise<{ key: string; value: StoredCredentials }> {
  const { token, ...enrolment } = credentials;
  return { key: KEY, value: { ...enrolment, sealedToken: await sealJson(key, token, tokenAad(credentials.deviceId)) } };
}

export async function saveCredentials(db: RelaisDB, credentials: DeviceCredentials): Promise<void> {
  await db.meta.put(await credentialsRow(credentials));
}

/**
 * Forgets an enrolment whose token was sealed under a data key that is gone (a hand-over's new key
 * lost to a reload before the new user chose her code): the tablet must be enrolled again.
 * Returns whether it did.
 */
export async function forgetUnreadableEnrolment(db: RelaisDB): Promise<boolean> {
  const stored = await loadStored(db);
  if (!stored?.sealedToken) return false;
  await db.meta.delete(KEY);
  return true;
}

/** Seals a token stored in clear (a tablet enrolled before the lock existed); no-op otherwise. */
export async function sealLegacyToken(db: RelaisDB): Promise<void> {
  const stored = await loadStored(db);
  if (!stored || stored.token === undefined) return;
  const row = await credentialsRow({ ...stored, token: stored.token });
  await db.transaction('rw', db.meta, async () => {
    const current = await loadStored(db);
    if (current?.deviceId === stored.deviceId && current.token === stored.token) await db.meta.put(row);
  });
}

/**
 * Inside a sync step's transaction: the tablet is still enrolled as the run started (a hand-over
 * to another person wipes it meanwhile: the step must not write the previous user's data back).
 */
export async function assertSameDevice(db: RelaisDB, deviceId: string | undefined): Promise<void> {
  if (deviceId === undefined) return;
  const current = await loadStored(db);
  if (current?.deviceId !== deviceId) throw new SyncError('auth', 'the tablet was enrolled again during the sync');
}
