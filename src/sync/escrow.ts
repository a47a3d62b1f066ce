/**
 * A tablet enrolled before the server gave its escrow public key at enrolment asks for it at the
 * next unlock when online (GET /api/v1/devices/escrow-key), then makes its escrow copy
 * (docs/privacy.md, Recovery). Best effort: offline, it asks again at the next unlock.
 */
import type { RelaisDB } from '../db/database';
import { currentDataKey } from '../crypto/keySession';
import { ensureEscrowCopy, loadEscrowBinding, saveEscrowBinding } from '../crypto/escrow';
import { fetchEscrowKey, type Fetch } from './api';
import { loadCredentials, loadEnrolment } from './credentials';

/** Returns whether the tablet holds an escrow copy for its current enrolment afterwards. */
export async function refreshEscrowBinding(db: RelaisDB, baseUrl: string, fetchImpl?: Fetch): Promise<boolean> {
  const key = currentDataKey();
  const credentials = key ? await loadCredentials(db) : undefined;
  if (!key || !credentials?.token) return false;
  const known = await loadEscrowBinding(db);
  if (known?.deviceId === credentials.deviceId) return ensureEscrowCopy(db, key);
  const answer = await fetchEscrowKey(baseUrl, credentials.token, fetchImpl);
  if (answer.deviceId !== credentials.deviceId) return false;
  // Enrolled again meanwhile: that enrolment brought its own key.
  if ((await loadEnrolment(db))?.deviceId !== credentials.deviceId) return false;
  await saveEscrowBinding(db, { keyId: answer.keyId, publicKey: answer.publicKey, deviceId: answer.deviceId, userId: answer.userId });
  return ensureEscrowCopy(db, key);
}
