/**
 * No request or connection is held open forever by a slow or silent client (tablets on village
 * 3G/4G, or a slowloris). Guarantees, per connection:
 * - headers must arrive within `requestMs` (Node answers 408 and closes);
 * - a body must have fully arrived `requestMs` after its headers (Node 20 does not time bodies:
 *   `bodyDeadline` answers 408 and closes; nothing was applied, the tablet retries);
 * - a connection with no byte either way for `idleMs` is closed;
 * - an idle keep-alive connection is closed after `keepAliveMs`.
 */
import type { FastifyInstance } from 'fastify';

export interface Timeouts {
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
  /** How often Node checks the header deadline (its default is 30 s; tests shorten it). */
  checkIntervalMs: number;
}

/**
 * 120 s to send a request lets a full push batch (4 MiB) through an uplink of about 300 kbit/s;
 * a slower one gets 408 and the tablet retries (pushes are idempotent). 75 s of keep-alive
 * outlasts the usual 60 s idle timeout of a reverse proxy, so the proxy closes first (no reuse race).
 */
export const TIMEOUTS: Timeouts = { requestMs: 120_000, idleMs: 60_000, keepAliveMs: 75_000, checkIntervalMs: 30_000 };

const TIMED_OUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\nCache-Control: no-store\r\n\r\n';

/** Fastify's server options for these limits. */
export const serverTimeouts = (t: Timeouts) => ({
  requestTimeout: t.requestMs,
  connectionTimeout: t.idleMs,
  keepAliveTimeout: t.keepAliveMs,
  http: { connectionsCheckingInterval: t.checkIntervalMs },
});

export function registerBodyDeadline(app: FastifyInstance, t: Timeouts): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw;
    if (!raw.complete) {
      const timer = setTimeout(() => {
        if (raw.complete || raw.socket.destroyed) return;
        raw.socket.end(TIMED_OUT);
        raw.socket.destroySoon();
      }, t.requestMs);
      timer.unref();
      const clear = () => clearTimeout(timer);
      raw.once('end', clear);
      raw.once('close', clear);
    }
    done();
  });
}
