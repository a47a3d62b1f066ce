/**
 * The app's one sync scheduler, started once at launch; screens call `syncNow()`. The engine is
 * loaded after the first paint (it is not needed to show today's screen). It syncs only while the
 * app is unlocked, and at once on unlock; at unlock a tablet without an escrow copy of its key also
 * asks the server for the escrow public key (sync/escrow.ts).
 */
import { isKeyWrapped } from '../crypto/keySession';
import { db } from '../db/database';
import { useLock } from './lock';
import type { Scheduler } from '../sync/scheduler';

let scheduler: Promise<Scheduler> | null = null;

/**
 * Sync runs only while unlocked (it reads the sealed token and writes sealed records), and only
 * with the key a lock code wraps: after a hand-over, not before the new user chose her code (a
 * reload would lose the key, and every row pulled with it). A locked tablet keeps its queue.
 */
export const canSync = () => useLock.getState().ready && isKeyWrapped();

export function startSync(): Promise<Scheduler> {
  scheduler ??= import('../sync/scheduler').then((m) => {
    const started = m.startScheduler(db, { canSync });
    useLock.subscribe((state, before) => {
      if (state.ready && !before.ready) {
        void started.syncNow();
        void import('../sync/escrow').then((e) => e.refreshEscrowBinding(db, window.location.origin)).catch(() => undefined);
      }
    });
    return started;
  });
  return scheduler;
}

export async function syncNow(): Promise<void> {
  return (await startSync()).syncNow();
}
