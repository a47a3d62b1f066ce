/**
 * The server's escrow key pair (docs/privacy.md, Recovery): RSA-OAEP 2048 / SHA-256 (112-bit strength, NIST-acceptable through 2030; 3072 took 0.45 s to make here), made once and
 * stored through the Repository, so every app server on one database shares it (the first to
 * store it wins, the others read that one). Tablets wrap their data key with the public half; the
 * private half is used here only, to unwrap a blocked tablet's copy for a new device of the same
 * user, and never appears in an answer or a log.
 */
import { createHash, webcrypto } from 'node:crypto';
import { ESCROW_ALGORITHM, escrowLabel, type EscrowPublicKey } from '../domain/escrow';
import type { Repository } from './store/repository';

const subtle = webcrypto.subtle;

interface LoadedKey {
  info: EscrowPublicKey;
  privateKey: webcrypto.CryptoKey;
}

const publicPart = (jwk: webcrypto.JsonWebKey): JsonWebKey => ({ kty: jwk.kty, n: jwk.n, e: jwk.e, alg: jwk.alg });

async function generate(now: string) {
  const pair = await subtle.generateKey({ ...ESCROW_ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, [
    'wrapKey',
    'unwrapKey',
  ]);
  const publicJwk = publicPart(await subtle.exportKey('jwk', pair.publicKey));
  const privateJwk = await subtle.exportKey('jwk', pair.privateKey);
  const keyId = createHash('sha256').update(`${publicJwk.n}.${publicJwk.e}`).digest('base64url').slice(0, 16);
  return { keyId, publicJwk: JSON.stringify(publicJwk), privateJwk: JSON.stringify(privateJwk), createdAt: now };
}

export class EscrowKeys {
  private loaded: Promise<LoadedKey> | null = null;

  constructor(
    private readonly repo: Repository,
    private readonly now: () => Date,
  ) {}

  /** The key pair, made and stored on first use; the private key is imported non-extractable. */
  private load(): Promise<LoadedKey> {
    this.loaded ??= (async () => {
      const row = (await this.repo.escrowKey()) ?? (await this.repo.saveEscrowKey(await generate(this.now().toISOString())));
      const privateKey = await subtle.importKey('jwk', JSON.parse(row.privateJwk) as webcrypto.JsonWebKey, ESCROW_ALGORITHM, false, ['unwrapKey']);
      return { info: { keyId: row.keyId, publicKey: JSON.parse(row.publicJwk) as JsonWebKey }, privateKey };
    })().catch((error: unknown) => {
      this.loaded = null; // a failed read is tried again next time
      throw error;
    });
    return this.loaded;
  }

  async publicKey(): Promise<EscrowPublicKey> {
    return (await this.load()).info;
  }

  /**
   * The raw data key of an escrow copy made for `deviceId` of `userId` under key `keyId`; null when
   * it does not open (another key, device or user in its label, or altered bytes).
   */
  async unwrap(wrapped: Uint8Array<ArrayBuffer>, keyId: string, deviceId: string, userId: string): Promise<Uint8Array | null> {
    const { info, privateKey } = await this.load();
    if (keyId !== info.keyId) return null;
    try {
      const key = await subtle.unwrapKey(
        'raw',
        wrapped,
        privateKey,
        { name: 'RSA-OAEP', label: escrowLabel(deviceId, userId) },
        { name: 'AES-GCM', length: 256 },
        true,
        ['encrypt', 'decrypt'],
      );
      return new Uint8Array(await subtle.exportKey('raw', key));
    } catch {
      return null;
    }
  }
}
