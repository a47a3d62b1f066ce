/** What every route needs: the store, the limiters, the clock, how to authenticate, the escrow key. */
import type { FastifyRequest } from 'fastify';
import { authenticate, type Caller } from './auth';
import { EscrowKeys } from './escrow';
import { RateLimiter } from './rateLimit';
import type { Repository } from './store/repository';

export interface ServerContext {
  repo: Repository;
  adminToken?: string;
  now: () => Date;
  authFailures: RateLimiter;
  enrolmentFailures: RateLimiter;
  caller: (request: FastifyRequest) => Promise<Caller>;
  /** The escrow key pair, shared through the store (escrow.ts). */
  escrow: EscrowKeys;
}

export interface LimitOptions {
  authFailuresPerMinute?: number;
  enrolmentFailuresPerMinute?: number;
}

export function createContext(repo: Repository, adminToken: string | undefined, now: () => Date, limits: LimitOptions = {}): ServerContext {
  const clock = () => now().getTime();
  const authFailures = new RateLimiter(limits.authFailuresPerMinute ?? 30, 60_000, clock);
  const enrolmentFailures = new RateLimiter(limits.enrolmentFailuresPerMinute ?? 10, 60_000, clock);
  const ctx: ServerContext = {
    repo,
    adminToken,
    now,
    authFailures,
    enrolmentFailures,
    caller: (request) => authenticate(request, { repo, adminToken, authFailures }),
    escrow: new EscrowKeys(repo, now),
  };
  return ctx;
}
