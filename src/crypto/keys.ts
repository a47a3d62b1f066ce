/**
 * The tablet's key vault: the random AES-GCM data key, wrapped (AES-KW) by a key-encryption key
 * derived from the lock code with PBKDF2-SHA-256 and a random per-device salt. The vault is one
 * `meta` row (no schema change); it holds no secret in clear, only what is needed to unwrap: salt,
 * iteration count (stored so that it can be raised later), the wrapped key and whether the code is
 * digits (to show a numeric keypad). Changing the code re-wraps the same data key: no data is
 * re-encrypted. The unwrapped key lives only in memory (keySession.ts).
 */
import type { RelaisDB } from '../db/database';
import { newDataKey } from './cipher';

export const VAULT_KEY = 'vault';
/** OWASP 2023 figure for PBKDF2-HMAC-SHA-256; a vault made with more keeps its own count. */
export const KDF_ITERATIONS = 600_000;
const SALT_BYTES = 16;

export interface Vault {
  v: 1;
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  salt: Uint8Array<ArrayBuffer>;
  /** The data key wrapped with AES-KW (RFC 3394: unwrapping with a wrong key fails its check). */
  wrapped: ArrayBuffer;
  /** Whether the code is digits only (the unlock field then shows a numeric keypad). */
  digits: boolean;
  changedAt: string;
}

export class WrongCodeError extends Error {
  constructor() {
    super('Wrong lock code');
    this.name = 'WrongCodeError';
  }
}

const encoder = new TextEncoder();
/** Same code, same bytes, whatever the keyboard composed (é typed as one or two code points). */
const codeBytes = (code: string) => encoder.encode(code.normalize('NFC'));
const isDigits = (code: string) => /^[0-9]+$/.test(code);

/** Why a new lock code is refused (French, for the field), or null when it is acceptable. */
export function lockCodeProblem(code: string): string | null {
  if (isDigits(code)) return code.length >= 6 ? null : 'Le code doit avoir au moins 6 chiffres.';
  if (code.trim().length < 8) return 'Choisissez au moins 6 chiffres, ou une phrase d’au moins 8 caractères.';
  return null;
}

async function keyEncryptionKey(code: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', codeBytes(code), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-KW', length: 256 }, false, [
    'wrapKey',
    'unwrapKey',
  ]);
}

/** Wraps `dataKey` (extractable) under `code` with a fresh salt. */
export async function wrapDataKey(dataKey: CryptoKey, code: string, iterations = KDF_ITERATIONS): Promise<Vault> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const kek = await keyEncryptionKey(code, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, kek, 'AES-KW');
  return { v: 1, kdf: 'PBKDF2-SHA-256', iterations, salt, wrapped, digits: isDigits(code), changedAt: new Date().toISOString() };
}

/**
 * The data key of `vault` under `code`, with the vault's own iteration count; `WrongCodeError`
 * otherwise. Extractable, so that a change of code and the escrow copy (escrow.ts) can wrap it.
 */
export async function unwrapDataKey(vault: Vault, code: string): Promise<CryptoKey> {
  const kek = await keyEncryptionKey(code, vault.salt, vault.iterations);
  try {
    return await crypto.subtle.unwrapKey('raw', vault.wrapped, kek, 'AES-KW', { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  } catch {
    throw new WrongCodeError();
  }
}

export async function loadVault(db: RelaisDB): Promise<Vault | undefined> {
  return (await db.meta.get(VAULT_KEY))?.value as Vault | undefined;
}

/** Makes the vault under `code`: for `dataKey` (the one in memory) or a new random key. */
export async function createVault(db: RelaisDB, code: string, dataKey?: CryptoKey, iterations = KDF_ITERATIONS): Promise<CryptoKey> {
  const key = dataKey ?? (await newDataKey());
  const vault = await wrapDataKey(key, code, iterations);
  // Never replaces an existing vault (another tab may have set a code meanwhile): its key would be lost.
  await db.transaction('rw', db.meta, async () => {
    if (await db.meta.get(VAULT_KEY)) throw new Error('A lock code is already set on this tablet');
    await db.meta.put({ key: VAULT_KEY, value: vault });
  });
  return key;
}

/** Checks `code` and returns the data key (the caller puts it in the session). */
export async function openVault(db: RelaisDB, code: string): Promise<CryptoKey> {
  const vault = await loadVault(db);
  if (!vault) throw new Error('No lock code is set on this tablet');
  return unwrapDataKey(vault, code);
}

/**
 * New code for the same data key: the old code is checked by unwrapping, the key is wrapped again
 * (fresh salt, current iteration count) and the vault row replaced only if unchanged meanwhile.
 */
export async function changeLockCode(db: RelaisDB, oldCode: string, newCode: string): Promise<void> {
  const before = await loadVault(db);
  if (!before) throw new Error('No lock code is set on this tablet');
  const key = await unwrapDataKey(before, oldCode);
  const next = await wrapDataKey(key, newCode, Math.max(before.iterations, KDF_ITERATIONS));
  await db.transaction('rw', db.meta, async () => {
    const current = (await db.meta.get(VAULT_KEY))?.value as Vault | undefined;
    if (!current || current.changedAt !== before.changedAt) throw new Error('The lock code changed meanwhile');
    await db.meta.put({ key: VAULT_KEY, value: next });
  });
}
