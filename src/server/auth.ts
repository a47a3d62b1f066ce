/**
 * Bearer-token authentication. Device tokens are random 256-bit secrets stored only as SHA-256
 * hashes; the optional RELAIS_ADMIN_TOKEN acts as a coordinator.
 * Rate limit (api.md "Errors"): the token is checked first and a valid one is never refused; only
 * a presented, wrong token counts as a failure, and once an address is over its budget its wrong
 * tokens get 429 instead of 401. A request without a token guesses nothing: 401, not counted.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../domain/sync';
import { ApiError } from './errors';
import type { RateLimiter } from './rateLimit';
import type { Repository } from './store/repository';

export interface Caller {
  deviceId: string | null;
  userId: string;
  name: string;
  role: Role;
}

export const ADMIN_CALLER: Caller = { deviceId: null, userId: 'admin', name: 'admin', role: 'coordinator' };

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

/** Enrolment codes: 8 characters without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newEnrolmentCode(): string {
  const chars = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}
export const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}

export interface AuthDeps {
  repo: Repository;
  adminToken?: string;
  authFailures: RateLimiter;
}

export async function authenticate(request: FastifyRequest, deps: AuthDeps): Promise<Caller> {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer (\S+)$/i.exec(header)?.[1];
  if (token) {
    if (deps.adminToken && sameSecret(token, deps.adminToken)) return ADMIN_CALLER;
    const device = await deps.repo.findDeviceByTokenHash(sha256(token));
    if (device && !device.revokedAt) return { deviceId: device.id, userId: device.user.id, name: device.user.name, role: device.user.role };
  }
  if (!token) throw new ApiError(401, 'unauthorized', 'Authentification requise.');
  const retryAfter = deps.authFailures.blocked(request.ip);
  if (retryAfter) throw new ApiError(429, 'rate_limited', 'Trop de tentatives : réessayez dans quelques minutes.', undefined, retryAfter);
  deps.authFailures.hit(request.ip);
  throw new ApiError(401, 'unauthorized', 'Jeton inconnu ou révoqué : inscrivez à nouveau cette tablette.');
}

export function requireCoordinator(caller: Caller): void {
  if (caller.role !== 'coordinator') throw new ApiError(403, 'forbidden', 'Réservé à la coordination.');
}
