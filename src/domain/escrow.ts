/**
 * The escrow copy of a tablet's data key (docs/privacy.md, Recovery), as both ends see it: the
 * tablet wraps its key with the server's public key (RSA-OAEP, SHA-256) and the OAEP label binds
 * the copy to the device and user it was made for, so the server can only unwrap it for them.
 */
export const ESCROW_ALGORITHM = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;

/** The server's public escrow key, as the enrolment answer and GET /api/v1/devices/escrow-key give it. */
export interface EscrowPublicKey {
  keyId: string;
  /** RSA public key as a JWK (kty, n, e, alg). */
  publicKey: JsonWebKey;
}

/** The OAEP label of an escrow copy: unwrapping with any other device or user fails. */
export function escrowLabel(deviceId: string, userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`relais-escrow/v1\n${deviceId}\n${userId}`);
}
