/**
 * Enrolling this tablet (api.md, Devices). Enrolling again as the same user (a revoked tablet, a new
 * token) keeps everything, the queue first. Enrolling as another person or role hands the tablet
 * over: it is refused while anything of the previous user waits to be sent, and otherwise wipes the
 * local data and pulls from the beginning, so no one inherits another's queue, records or cursor.
 */
import type { RelaisDB } from '../db/database';
import { sameUserName } from '../domain/ownership';
import { hasUnsentWork, UnsentWorkError, wipeLocalData } from '../db/wipe';
import { enrolDevice, type Fetch } from './api';
import { withSyncLock } from './engine';
import { newDataKey } from '../crypto/cipher';
import { setDataKey, currentDataKey } from '../crypto/keySession';
import { ensureEscrowCopy, ESCROW_KEY_KEY, type EscrowBinding } from '../crypto/escrow';
import { credentialsRow, loadEnrolment, saveCredentials, type DeviceCredentials, type Enrolment } from './credentials';

export const sameUser = (a: { name: string; role: string }, b: { name: string; role: string }) => a.role === b.role && sameUserName(a.name, b.name);

/** What the tablet holds before a new enrolment: who it is enrolled for, and whether data would go. */
export async function enrolmentContext(db: RelaisDB): Promise<{ current: Enrolment | undefined; unsent: boolean; hasData: boolean }> {
  const [current, unsent, records] = await Promise.all([
    loadEnrolment(db),
    hasUnsentWork(db),
    Promise.all([db.permanences.count(), db.accompaniments.count()]),
  ]);
  return { current, unsent, hasData: records[0] + records[1] > 0 };
}

export interface EnrolmentOutcome {
  credentials: DeviceCredentials;
  /** The tablet was handed over from another user: her data was wiped. */
  handedOver: boolean;
}

export async function enrolThisTablet(
  db: RelaisDB,
  input: { baseUrl: string; code: string; label: string; fetch?: Fetch; now?: Date },
): Promise<EnrolmentOutcome> {
  const before = await loadEnrolment(db);
  const { userId, escrow, ...enrolled } = await enrolDevice(input.baseUrl, input.code, input.label, input.fetch);
  // The server's escrow key, bound to this enrolment: the data key's escrow copy is made with it.
  const binding: EscrowBinding | undefined = escrow && userId ? { ...escrow, deviceId: enrolled.deviceId, userId } : undefined;
  const bindingRows = binding ? [{ key: ESCROW_KEY_KEY, value: binding }] : [];
  const credentials: DeviceCredentials = { ...enrolled, label: input.label, enrolledAt: (input.now ?? new Date()).toISOString() };
  // What a tablet recorded before its first enrolment belongs to whoever enrols it first.
  const handedOver = before !== undefined && !sameUser(before, enrolled);
  if (handedOver) {
    // The new user gets a new data key, and the wipe removes the previous user's lock code: the
    // lock screen then asks her to choose her own (src/platform/lock.ts), wrapping this new key.
    const dataKey = await newDataKey();
    const row = await credentialsRow(credentials, dataKey);
    // No sync may run on the previous user's enrolment while the tablet changes hands.
    await withSyncLock(async () => {
      if (await hasUnsentWork(db)) throw new UnsentWorkError();
      await wipeLocalData(db, [row, ...bindingRows]);
    });
    // Not wrapped yet: no sync until she chose her code (keySession.isKeyWrapped).
    setDataKey(dataKey, { wrapped: false });
  } else {
    await saveCredentials(db, credentials);
    if (binding) {
      await db.meta.bulkPut(bindingRows);
      const key = currentDataKey();
      if (key) await ensureEscrowCopy(db, key).catch(() => false);
    }
  }
  return { credentials, handedOver };
}
