/**
 * The wrong-code policy: each wrong code is counted in `meta` (a reload does not reset it) and
 * the next try waits longer (0, 0, 0, 5 s, 15 s, 30 s, 1 min, 2 min, 5 min); the 10th wrong code
 * wipes the local data if nothing waits to be sent; otherwise it wipes all but what waits (when the
 * tablet holds an escrow copy of its key) and blocks the tablet until the coordinator's code
 * recovers it (docs/privacy.md, Recovery; recovery.ts). A right code resets the count. (A brake for codes
 * tried by hand in the app; against a copy of the files, PBKDF2's cost per guess is the defence.)
 */
import type { RelaisDB } from '../db/database';
import { ESCROW_COPY_META_KEY, RESYNC_META_KEY } from '../db/schema';
import { SEALED_AT_REST_KEY } from '../db/sealing/migrate';

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

/**
 * Longer than any check of a code takes (PBKDF2 on a slow tablet: about a second): a 10th code
 * counted and not acted on for longer than this was cut short by a crash, not being checked.
 */
export const TENTH_CODE_CHECK_MS = 60_000;

export type Reservation =
  | { ok: true; attempts: Attempts }
  | { ok: false; blocked: boolean; waitSeconds: number }
  /** A 10th wrong code whose wipe or block a crash cut short: to finish (`afterWrongCode`), no code checked. */
  | { ok: false; interrupted: Attempts };

/**
 * Before a code is checked, counts it as wrong (in one transaction): tries from two tabs, or
 * fired at once, each wait their turn, and a crash during the check does not give a free try.
 * A right code then resets the count (`resetAttempts`). While a 10th code is being checked
 * (another tab), the next try waits; once that check has long stopped without acting on it,
 * the next try finishes its wipe or block instead of checking another code.
 */
export async function reserveAttempt(db: RelaisDB, now = new Date()): Promise<Reservation> {
  return db.transaction('rw', db.meta, async () => {
    const before = await loadAttempts(db);
    if (before.failures >= MAX_WRONG_CODES && !before.blocked) {
      const checking = Date.parse(before.lastFailureAt ?? '') + TENTH_CODE_CHECK_MS - now.getTime();
      if (!(checking > 0)) return { ok: false as const, interrupted: before };
      return { ok: false as const, blocked: false, waitSeconds: Math.ceil(checking / 1000) };
    }
    const wait = nextTryAt(before) - now.getTime();
    if (before.blocked || wait > 0) return { ok: false as const, blocked: before.blocked, waitSeconds: Math.max(0, Math.ceil(wait / 1000)) };
    const attempts: Attempts = { failures: before.failures + 1, lastFailureAt: now.toISOString(), blocked: false };
    await db.meta.put({ key: ATTEMPTS_KEY, value: attempts });
    return { ok: true as const, attempts };
  });
}

/** After a wrong code (already counted by `reserveAttempt`): wait, or the wipe / block of the 10th. */
export async function afterWrongCode(db: RelaisDB, attempts: Attempts): Promise<AfterWrongCode> {
  // The wipe is loaded only after a wrong code (precached like every chunk): the lock screen does
  // not need it to show. Fetched ahead from the first wrong code on.
  if (attempts.failures < MAX_WRONG_CODES) {
    void import('../db/wipe').catch(() => undefined);
    return { kind: 'wait', attempts };
  }
  let wipe: typeof import('../db/wipe');
  try {
    wipe = await import('../db/wipe');
  } catch {
    // It cannot load (a chunk gone with an update in another tab): block rather than let tries go
    // on. Nothing is wiped; the data stays sealed and the tablet waits for the coordination.
    const blocked = { ...attempts, blocked: true };
    await db.meta.put({ key: ATTEMPTS_KEY, value: blocked });
    return { kind: 'blocked', attempts: blocked };
  }
  const { hasUnsentWork, UnsentWorkError, wipeAllButWaiting, wipeLocalData } = wipe;
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
  // With an escrow copy the key can come back through the server: all but what waits is wiped,
  // the vault (and so offline guessing of the code) with it. Without one (never online since this
  // version) or while a resynchronisation still has to resend every record, everything stays.
  if ((await db.meta.get(ESCROW_COPY_META_KEY))?.value && !(await db.meta.get(RESYNC_META_KEY))) {
    await wipeAllButWaiting(db, [ESCROW_COPY_META_KEY, SEALED_AT_REST_KEY], [{ key: ATTEMPTS_KEY, value: blocked }]);
  } else {
    await db.meta.put({ key: ATTEMPTS_KEY, value: blocked });
  }
  return { kind: 'blocked', attempts: blocked };
}
