/**
 * The tablet's escrow copy of its data key (docs/privacy.md, Recovery): the data key wrapped with
 * the server's public escrow key (RSA-OAEP, SHA-256), its OAEP label naming this device and its
 * user, so only the server can open it, and only for them. Two `meta` rows, beside the vault:
 * `escrowKey` (the server's public key and who this tablet is enrolled as, from the enrolment
 * answer or GET /api/v1/devices/escrow-key) and `escrow` (the copy). Made offline as soon as both
 * the public key and the data key are known: after the first code, each unlock, an enrolment. The
 * copy survives a change of code (the key does not change) and the ten-wrong-codes wipe; it is
 * useless without the server's private key.
 */
import type { RelaisDB } from '../db/database';
import { ESCROW_COPY_META_KEY } from '../db/schema';
import { ESCROW_ALGORITHM, escrowLabel, type EscrowPublicKey } from '../domain/escrow';

export const ESCROW_KEY_KEY = 'escrowKey';
export const ESCROW_COPY_KEY = ESCROW_COPY_META_KEY;

/** The server's public key, and the device and user this tablet's copy is made for. */
export interface EscrowBinding extends EscrowPublicKey {
  deviceId: string;
  userId: string;
}

export interface EscrowCopy {
  v: 1;
  keyId: string;
  deviceId: string;
  userId: string;
  wrapped: ArrayBuffer;
}

export async function loadEscrowBinding(db: RelaisDB): Promise<EscrowBinding | undefined> {
  return (await db.meta.get(ESCROW_KEY_KEY))?.value as EscrowBinding | undefined;
}

export async function loadEscrowCopy(db: RelaisDB): Promise<EscrowCopy | undefined> {
  return (await db.meta.get(ESCROW_COPY_KEY))?.value as EscrowCopy | undefined;
}

/** Wraps `dataKey` (extractable) for `binding`: no network needed. */
export async function makeEscrowCopy(dataKey: CryptoKey, binding: EscrowBinding): Promise<EscrowCopy> {
  const publicKey = await crypto.subtle.importKey('jwk', binding.publicKey, ESCROW_ALGORITHM, false, ['wrapKey']);
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, publicKey, { name: 'RSA-OAEP', label: escrowLabel(binding.deviceId, binding.userId) });
  return { v: 1, keyId: binding.keyId, deviceId: binding.deviceId, userId: binding.userId, wrapped };
}

const matches = (copy: EscrowCopy | undefined, b: EscrowBinding) => copy?.keyId === b.keyId && copy.deviceId === b.deviceId && copy.userId === b.userId;

/**
 * Makes the escrow copy of `dataKey` if the public key is known and the copy is missing or made for
 * another enrolment; written only if the binding did not change meanwhile. Returns whether a copy
 * for the current binding exists afterwards.
 */
export async function ensureEscrowCopy(db: RelaisDB, dataKey: CryptoKey): Promise<boolean> {
  const binding = await loadEscrowBinding(db);
  if (!binding) return false;
  if (matches(await loadEscrowCopy(db), binding)) return true;
  const copy = await makeEscrowCopy(dataKey, binding);
  return db.transaction('rw', db.meta, async () => {
    const now = await loadEscrowBinding(db);
    if (!now || now.keyId !== binding.keyId || now.deviceId !== binding.deviceId || now.userId !== binding.userId) return false;
    await db.meta.put({ key: ESCROW_COPY_KEY, value: copy });
    return true;
  });
}

/** Remembers the server's public key for this enrolment (the copy follows at the next `ensureEscrowCopy`). */
export async function saveEscrowBinding(db: RelaisDB, binding: EscrowBinding): Promise<void> {
  await db.meta.put({ key: ESCROW_KEY_KEY, value: binding });
}
