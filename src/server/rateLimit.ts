/**
 * A small fixed-window limiter of failures per client address (guessing a code or a token must
 * be slow). Callers count failures only (`hit`) and decide what `blocked` refuses: a valid token
 * is never refused (auth.ts); an enrolment code is checked only while the address is under its
 * budget (routes/devices.ts). An IPv6 client is counted by its /64, the prefix one subscriber
 * gets whole (otherwise each of its addresses would have a fresh budget).
 */
import { isIPv6 } from 'node:net';

/** The budget key of an address: IPv4 as it is, IPv6 by its /64. */
export function addressKey(ip: string): string {
  const address = ip.split('%')[0];
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail] = address.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const full =
    tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - groups(head).length - groups(tail).length).fill('0'), ...groups(tail)];
  return `${full
    .slice(0, 4)
    .map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)))
    .join(':')}::/64`;
}

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `ip` may try again if it is over its budget right now (without counting). */
  blocked(ip: string): number | false {
    const entry = this.hits.get(addressKey(ip));
    if (!entry || entry.resetAt <= this.now()) return false;
    return entry.count >= this.max ? Math.max(1, Math.ceil((entry.resetAt - this.now()) / 1000)) : false;
  }

  /** Counts one failure of `ip`. */
  hit(ip: string): void {
    const key = addressKey(ip);
    const now = this.now();
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.hits.size > 10_000) this.prune(now);
    } else {
      entry.count++;
    }
  }

  private prune(now: number): void {
    for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k);
  }
}
