/**
 * AES-GCM (Web Crypto) sealing of JSON values under the tablet's data key: a fresh 96-bit IV per
 * seal, the 128-bit tag checked on open (a tampered or foreign blob throws `SealError`). Sealed
 * values are plain objects IndexedDB stores as they are. Never await these inside an IndexedDB
 * transaction (it would commit): seal before opening it, open after reading.
 */

export interface Sealed {
  /** Format marker and version. */
  v: 1;
  iv: Uint8Array<ArrayBuffer>;
  ct: ArrayBuffer;
}

export class SealError extends Error {
  constructor() {
    super('Sealed data cannot be opened: wrong key or tampered data');
    this.name = 'SealError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const tagOf = (x: unknown) => Object.prototype.toString.call(x);

export function isSealed(value: unknown): value is Sealed {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<Sealed>;
  // By tag rather than `instanceof`: a value cloned by IndexedDB may come from another realm.
  return v.v === 1 && tagOf(v.iv) === '[object Uint8Array]' && tagOf(v.ct) === '[object ArrayBuffer]';
}

/** Encrypts `value` (JSON) with `key`; `aad` binds the blob to its place (e.g. a record id). */
export async function sealJson(key: CryptoKey, value: unknown, aad?: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const params: AesGcmParams = { name: 'AES-GCM', iv };
  if (aad !== undefined) params.additionalData = encoder.encode(aad);
  const ct = await crypto.subtle.encrypt(params, key, encoder.encode(JSON.stringify(value)));
  return { v: 1, iv, ct };
}

/** Decrypts a blob made by `sealJson` with the same key and `aad`; throws `SealError` otherwise. */
export async function openJson<T = unknown>(key: CryptoKey, sealed: Sealed, aad?: string): Promise<T> {
  const params: AesGcmParams = { name: 'AES-GCM', iv: sealed.iv };
  if (aad !== undefined) params.additionalData = encoder.encode(aad);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(params, key, sealed.ct);
  } catch {
    throw new SealError();
  }
  return JSON.parse(decoder.decode(plain)) as T;
}

/** A new random data key (AES-GCM 256), extractable only so that it can be wrapped. */
export function newDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
}
