/**
 * What the settings screen does to the lock (src/features/lock/LockSettings.tsx): « Changer le
 * code » and « Oublier cette tablette ». Apart from lock.ts, so that the lock screen's bundle does
 * not carry them.
 */
import { db as appDb, type RelaisDB } from '../db/database';
import { hasUnsentWork, UnsentWorkError, wipeLocalData } from '../db/wipe';
import { changeLockCode, WrongCodeError } from '../crypto/keys';
import { loadAttempts, reserveAttempt, resetAttempts, type AfterWrongCode } from './lockAttempts';
import { lockNow, useLock, wrongCodeOutcome } from './lock';

export type ChangeCodeOutcome = { kind: 'changed' } | { kind: 'tooSoon'; waitSeconds: number } | AfterWrongCode;

/**
 * « Changer le code »: the old code is tried under the same wrong-code policy as the lock screen
 * (counted before it is checked, slowed down, the 10th wipes or blocks, which locks the app).
 */
export async function changeCode(oldCode: string, newCode: string, db: RelaisDB = appDb, now: () => number = Date.now): Promise<ChangeCodeOutcome> {
  const reserved = await reserveAttempt(db, new Date(now()));
  // A 10th wrong code whose wipe or block a crash interrupted: finished, no code checked.
  if ('interrupted' in reserved) return lockedAfter(await wrongCodeOutcome(db, reserved.interrupted));
  if (!reserved.ok) {
    if (!reserved.blocked) return { kind: 'tooSoon', waitSeconds: reserved.waitSeconds };
    await lockNow();
    return { kind: 'blocked', attempts: await loadAttempts(db) };
  }
  try {
    await changeLockCode(db, oldCode, newCode);
  } catch (error) {
    if (!(error instanceof WrongCodeError)) throw error;
    return lockedAfter(await wrongCodeOutcome(db, reserved.attempts));
  }
  await resetAttempts(db);
  return { kind: 'changed' };
}

/** A wipe or a block locks the app (a wait leaves it open). */
async function lockedAfter(outcome: AfterWrongCode): Promise<AfterWrongCode> {
  if (outcome.kind !== 'wait') await lockNow();
  return outcome;
}

/** « Oublier cette tablette »: wipes everything, code and enrolment included, if nothing waits to be sent. */
export async function forgetTablet(db: RelaisDB = appDb): Promise<void> {
  if (await hasUnsentWork(db)) throw new UnsentWorkError();
  await lockNow();
  await wipeLocalData(db);
  useLock.setState({ notice: 'Les données de cette tablette ont été effacées.' });
}
