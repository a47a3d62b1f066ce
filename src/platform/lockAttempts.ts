/**
 * The wrong-code policy: each wrong code is counted in `meta` (a reload does not reset it) and
 * the next try waits longer (0, 0, 0, 5 s, 15 s, 30 s, 1 min, 2 min, 5 min); the 10th wrong code
 * wipes the local data if nothing waits to be sent, and otherwise blocks the tablet with its data
 * still encrypted (docs/privacy.md, Recovery). A right code resets the count.
 */
import type { RelaisDB } from '../db/database';
import { hasUnsentWork, UnsentWorkError, wipeLocalData } from '../db/wipe';

export const ATTEMPTS_KEY = 'lockAttempts';
export const MAX_WRONG_CODES = 10;
const DELAYS_S = [0, 0, 0, 5, 15, 30, 60, 120, 300];

export interface Attempts {
  failures: number;
  lastFailureAt: string | null;
  /** Ten wrong codes while changes waited to be sent: no more tries on this enrolment. */
  blocked: boolean;
}

const NONE: Attempts = { failures: 0, lastFailureAt: null, blocked: false };

/** Seconds to wait after `failures` wrong codes before the next try. */
export function delayAfter(failures: number): number {
  return failures <= 0 ? 0 : DELAYS_S[Math.min(failures, DELAYS_S.length) - 1];
}

/** When the next try is allowed (ms since epoch). */
export function nextTryAt(a: Attempts): number {
  return a.lastFailureAt ? Date.parse(a.lastFailureAt) + delayAfter(a.failures) * 1000 : 0;
}

export async function loadAttempts(db: RelaisDB): Promise<Attempts> {
  return ((await db.meta.get(ATTEMPTS_KEY))?.value as Attempts | undefined) ?? NONE;
}

export async function resetAttempts(db: RelaisDB): Promise<void> {
  await db.meta.delete(ATTEMPTS_KEY);
}

export type AfterWrongCode = { kind: 'wait'; attempts: Attempts } | { kind: 'wiped' } | { kind: 'blocked'; attempts: Attempts };

/** Counts a wrong code (in one transaction, so two tabs cannot both count from the same value). */
export async function recordWrongCode(db: RelaisDB, now = new Date()): Promise<AfterWrongCode> {
  const attempts = await db.transaction('rw', db.meta, async () => {
    const before = await loadAttempts(db);
    const next: Attempts = { failures: before.failures + 1, lastFailureAt: now.toISOString(), blocked: before.blocked };
    await db.meta.put({ key: ATTEMPTS_KEY, value: next });
    return next;
  });
  if (attempts.failures < MAX_WRONG_CODES && !attempts.blocked) return { kind: 'wait', attempts };
  if (!(await hasUnsentWork(db))) {
    try {
      // Everything goes, the lock code and the enrolment with it: the tablet starts afresh.
      await wipeLocalData(db);
      return { kind: 'wiped' };
    } catch (error) {
      if (!(error instanceof UnsentWorkError)) throw error; // a change was queued meanwhile: keep it
    }
  }
  const blocked = { ...attempts, blocked: true };
  await db.meta.put({ key: ATTEMPTS_KEY, value: blocked });
  return { kind: 'blocked', attempts: blocked };
}
