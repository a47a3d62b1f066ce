/**
 * Recovering a blocked tablet (docs/privacy.md, Recovery): after ten wrong codes with changes
 * waiting, only those changes and the escrow copy of the data key are left. With an enrolment code
 * the coordinator made for the same user, the tablet enrols again, sends the escrow copy with its
 * new device token, and the server answers the data key (only for that user). The key goes
 * straight under the new lock code typed in the same form (never stored in clear); the new
 * enrolment, vault and escrow copy are written in one transaction, the block is lifted, and the
 * sync sends what waited. Until that transaction nothing local changes: a refusal (another user's
 * code, no network) leaves the tablet blocked with its queue and copy.
 */
import { db as appDb, type RelaisDB } from '../db/database';
import { ESCROW_COPY_KEY, ESCROW_KEY_KEY, loadEscrowCopy, makeEscrowCopy, type EscrowBinding } from '../crypto/escrow';
import { VAULT_KEY, wrapDataKey } from '../crypto/keys';
import { enrolDevice, recoverEscrowedKey, SyncError, type Fetch } from '../sync/api';
import { credentialsRow, loadEnrolment } from '../sync/credentials';
import { ATTEMPTS_KEY, loadAttempts } from './lockAttempts';
import { openWithKey, useLock } from './lock';

const toBase64Url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/** Whether this blocked tablet can be recovered with a coordinator's code (it holds an escrow copy). */
export async function canRecover(db: RelaisDB = appDb): Promise<boolean> {
  return (await loadAttempts(db)).blocked && (await loadEscrowCopy(db)) !== undefined;
}

export async function recoverBlockedTablet(
  input: { baseUrl: string; code: string; lockCode: string; label?: string; fetch?: Fetch; now?: Date },
  db: RelaisDB = appDb,
): Promise<void> {
  const copy = await loadEscrowCopy(db);
  if (!copy || !(await loadAttempts(db)).blocked) throw new Error('This tablet is not blocked with an escrow copy');
  const before = await loadEnrolment(db);
  const label = input.label ?? before?.label ?? 'Tablette';
  const { userId, escrow, ...enrolled } = await enrolDevice(input.baseUrl, input.code, label, input.fetch);
  const { key: raw } = await recoverEscrowedKey(
    input.baseUrl,
    enrolled.token,
    { previousDeviceId: copy.deviceId, keyId: copy.keyId, wrappedKey: toBase64Url(copy.wrapped) },
    input.fetch,
  );
  const bytes = fromBase64Url(raw);
  let dataKey: CryptoKey;
  try {
    dataKey = await crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  } catch {
    throw new SyncError('server', 'unreadable key');
  } finally {
    bytes.fill(0);
  }
  const vault = await wrapDataKey(dataKey, input.lockCode);
  const binding: EscrowBinding | undefined = escrow && userId ? { ...escrow, deviceId: enrolled.deviceId, userId } : undefined;
  const newCopy = binding ? await makeEscrowCopy(dataKey, binding) : undefined;
  const credentials = await credentialsRow({ ...enrolled, label, enrolledAt: (input.now ?? new Date()).toISOString() }, dataKey);
  await db.transaction('rw', db.meta, async () => {
    // Another tab finished a recovery meanwhile: its vault stands.
    if (!(await loadAttempts(db)).blocked) throw new Error('The tablet was recovered meanwhile');
    await db.meta.bulkDelete([ESCROW_COPY_KEY, ESCROW_KEY_KEY, ATTEMPTS_KEY]);
    await db.meta.bulkPut([
      { key: VAULT_KEY, value: vault },
      credentials,
      ...(binding && newCopy
        ? [
            { key: ESCROW_KEY_KEY, value: binding },
            { key: ESCROW_COPY_KEY, value: newCopy },
          ]
        : []),
    ]);
  });
  useLock.setState({ opening: true, notice: 'Tablette récupérée : les modifications en attente vont être envoyées.' });
  await openWithKey(db, dataKey);
}
