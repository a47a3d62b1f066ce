/**
 * The lock's state changes, shared by the lock screens, the header's « Verrouiller », the
 * auto-lock and the sync runtime. `ready` is true once the data key is in memory AND the work that
 * must follow an unlock is done (the privacy-fields migration, sealing a token stored in clear):
 * the app's screens and the sync wait for it. Locking first flushes what forms hold (their drafts)
 * while the key is still there, then drops the key.
 */
import { create } from 'zustand';
import { db as appDb, type RelaisDB } from '../db/database';
import { afterFirstUnlock } from '../db/sealing/migrate';
import { currentDataKey, setDataKey } from '../crypto/keySession';
import { createVault, openVault, VAULT_KEY, WrongCodeError } from '../crypto/keys';
import { ensureEscrowCopy } from '../crypto/escrow';
import { forgetUnreadableEnrolment, sealLegacyToken } from '../sync/credentials';
import { afterWrongCode, loadAttempts, reserveAttempt, resetAttempts, type AfterWrongCode, type Attempts } from './lockAttempts';

interface LockState {
  ready: boolean;
  /** A right code was given: the key is being installed and the post-unlock work runs. */
  opening: boolean;
  /** Said once on the next screen (e.g. after the wipe that followed ten wrong codes). */
  notice: string | null;
}

export const useLock = create<LockState>(() => ({ ready: false, opening: false, notice: null }));

const beforeLockHooks = new Set<() => Promise<void>>();

/** Runs `flush` (e.g. a form's pending draft write) before the key is dropped; returns the unsubscribe. */
export function beforeLock(flush: () => Promise<void>): () => void {
  beforeLockHooks.add(flush);
  return () => beforeLockHooks.delete(flush);
}

/** Other tabs of the app on this tablet: locking one locks them all. */
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('relais-lock');
channel?.addEventListener('message', (e: MessageEvent) => {
  if (e.data === 'lock') void lockNow(false);
  // Another tab handed the tablet over: this tab's key belongs to the previous user. It is dropped
  // at once (no draft written with it, never wrapped by the new user's code).
  if (e.data === 'handover') {
    useLock.setState({ ready: false });
    setDataKey(null);
  }
});

/** After a hand-over in this tab: the other tabs drop the previous user's key. */
export function handOverOtherTabs(): void {
  channel?.postMessage('handover');
}

/** Locks now: drafts are written first (with the key still in memory), then the key is dropped. */
export async function lockNow(tellOtherTabs = true): Promise<void> {
  if (tellOtherTabs) channel?.postMessage('lock');
  if (!currentDataKey()) return;
  await Promise.all([...beforeLockHooks].map((flush) => flush().catch(() => undefined)));
  useLock.setState({ ready: false });
  setDataKey(null);
}

/** Installs `key` and runs the post-unlock work (also after a recovery: recovery.ts). */
export async function openWithKey(db: RelaisDB, key: CryptoKey): Promise<void> {
  setDataKey(key);
  try {
    await sealLegacyToken(db);
    await afterFirstUnlock(db);
    // The escrow copy of the key, when the server's public key is known and the copy is missing.
    await ensureEscrowCopy(db, key).catch(() => false);
  } catch (error) {
    useLock.setState({ opening: false });
    setDataKey(null);
    throw error;
  }
  useLock.setState({ ready: true, opening: false });
}

/** The first code of this tablet (or of its new user after a hand-over): wraps the key in memory, or a new one. */
export async function setFirstCode(code: string, db: RelaisDB = appDb): Promise<void> {
  useLock.setState({ opening: true });
  let key: CryptoKey;
  try {
    // A new key cannot open a token sealed before: that enrolment is done again.
    // A key wrapped by a code is never here (a vault exists then); a hand-over's key not wrapped yet may be.
    const inMemory = currentDataKey();
    // Never on a blocked tablet: its sealed waiting changes are kept for the recovery (recovery.ts).
    if (!inMemory && !(await loadAttempts(db)).blocked) {
      // A lost key (a reload before the new user chose her code): what was sealed under it goes,
      // with the pull cursor, so that the tables stay readable and the next pull fetches it again.
      // Not if a code was set meanwhile (another tab): those rows are sealed under its key.
      const { forgetRowsSealedUnderLostKey } = await import('../db/wipe');
      await forgetRowsSealedUnderLostKey(db, [VAULT_KEY]);
      if (await forgetUnreadableEnrolment(db)) useLock.setState({ notice: 'Inscrivez à nouveau cette tablette (Réglages).' });
    }
    key = await createVault(db, code, inMemory ?? undefined);
    await resetAttempts(db);
  } catch (error) {
    useLock.setState({ opening: false });
    throw error;
  }
  await openWithKey(db, key);
}

export type UnlockOutcome = { kind: 'open' } | { kind: 'tooSoon'; waitSeconds: number } | AfterWrongCode;

/** A wrong code's outcome (lockAttempts.ts); a wipe leaves its notice for the screen that follows. */
export async function wrongCodeOutcome(db: RelaisDB, attempts: Attempts): Promise<AfterWrongCode> {
  const outcome = await afterWrongCode(db, attempts);
  if (outcome.kind === 'wiped') useLock.setState({ notice: 'Trop de codes incorrects : les données de cette tablette ont été effacées.' });
  return outcome;
}

/** Tries `code`: opens the app, or counts a wrong code (waits, wipe or block: lockAttempts.ts). */
export async function unlock(code: string, db: RelaisDB = appDb, now: () => number = Date.now): Promise<UnlockOutcome> {
  const reserved = await reserveAttempt(db, new Date(now()));
  // A 10th wrong code whose wipe or block a crash interrupted: finish it, never check another code.
  if ('interrupted' in reserved) return wrongCodeOutcome(db, reserved.interrupted);
  if (!reserved.ok) return reserved.blocked ? { kind: 'blocked', attempts: await loadAttempts(db) } : { kind: 'tooSoon', waitSeconds: reserved.waitSeconds };
  let key: CryptoKey;
  try {
    key = await openVault(db, code);
  } catch (error) {
    if (!(error instanceof WrongCodeError)) throw error;
    return wrongCodeOutcome(db, reserved.attempts);
  }
  useLock.setState({ opening: true });
  await resetAttempts(db);
  await openWithKey(db, key);
  return { kind: 'open' };
}
