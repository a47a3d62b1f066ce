/**
 * A small fixed-window limiter per client address, for enrolment attempts and failed
 * authentications (guessing a code or a token must be slow).
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `key` is over its budget right now (without counting a hit). */
  blocked(key: string): number | false {
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= this.now()) return false;
    return entry.count >= this.max ? Math.ceil((entry.resetAt - this.now()) / 1000) : false;
  }

  hit(key: string): void {
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
