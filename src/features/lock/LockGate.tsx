/**
 * Shows the app only while it is unlocked (and the post-unlock work is done); otherwise the lock
 * screen that fits: choose a code, unlock, or blocked. Unmounting the app on lock is safe: forms
 * flushed their drafts before the key was dropped (src/platform/lock.ts), and the address (hash route)
 * stays, so unlocking returns to the same screen and its draft.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { lazy, Suspense, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { db } from '../../db/database';
import { ESCROW_COPY_META_KEY } from '../../db/schema';
import { isUnlocked, onLockChange } from '../../crypto/keySession';
import { loadVault } from '../../crypto/keys';
import { loadEnrolment } from '../../sync/credentials';
import { loadAttempts } from '../../platform/lockAttempts';
import { DEFAULT_LOCK_DELAY, loadLockDelay, useAutoLock } from './autoLock';
import { useLock } from '../../platform/lock';
import { useToast } from '../common/toastStore';
import { BlockedFallback } from './BlockedFallback';
import { SetCodeScreen, UnlockScreen } from './LockScreens';

// Rarely shown (ten wrong codes with changes waiting): loaded on demand, precached for offline use.
const BlockedScreen = lazy(() => import('./BlockedScreen').then((m) => ({ default: m.BlockedScreen })));

const subscribe = (onChange: () => void) => onLockChange(onChange);

export function LockGate({ children }: { children: ReactNode }) {
  const unlocked = useSyncExternalStore(subscribe, isUnlocked);
  const { ready, opening } = useLock();
  const state = useLiveQuery(async () => {
    const [vault, attempts, enrolment, delay] = await Promise.all([loadVault(db), loadAttempts(db), loadEnrolment(db), loadLockDelay(db)]);
    const waiting = attempts.blocked ? (await db.outbox.count()) + (await db.syncIssues.count()) : 0;
    const recoverable = attempts.blocked && (await db.meta.get(ESCROW_COPY_META_KEY))?.value !== undefined;
    return { vault: vault ?? null, attempts, enrolment: enrolment ?? null, delay, waiting, recoverable };
  });
  useAutoLock(ready && unlocked && !!state?.vault, state?.delay ?? DEFAULT_LOCK_DELAY);
  // The code is gone while open (the tablet handed to another person): the app and the sync wait
  // until she has chosen hers, which wraps the new data key in memory.
  const noVault = state !== undefined && state.vault === null;
  useEffect(() => {
    if (noVault && ready) useLock.setState({ ready: false });
  }, [noVault, ready]);
  // What the lock did meanwhile (a wipe, an enrolment to do again) is said once more in the app.
  const notice = useLock((s) => s.notice);
  useEffect(() => {
    if (!ready || !notice) return;
    useToast.getState().show({ message: notice });
    useLock.setState({ notice: null });
  }, [ready, notice]);

  if (!state) return null;
  if (state.attempts.blocked)
    return (
      <BlockedFallback>
        <Suspense fallback={null}>
          <BlockedScreen waiting={state.waiting} recoverable={state.recoverable} enrolledAs={state.enrolment?.name} />
        </Suspense>
      </BlockedFallback>
    );
  if (opening)
    return (
      <main className="app-main lock-screen" id="contenu">
        <p className="muted" role="status">
          Ouverture de Relais…
        </p>
      </main>
    );
  if (!state.vault) return <SetCodeScreen enrolled={!!state.enrolment} />;
  if (!ready || !unlocked) return <UnlockScreen digits={state.vault.digits} enrolledAs={state.enrolment?.name} />;
  return <>{children}</>;
}
