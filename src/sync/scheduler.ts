/**
 * When sync runs: at start, when the network comes back, when the app becomes visible, a few
 * seconds after a save, and on "Synchroniser". Failures retry with exponential backoff and jitter
 * (up to 5 minutes); a revoked device stops until it is enrolled again. Sync runs in the page,
 * never in the service worker.
 */
import { liveQuery } from 'dexie';
import type { RelaisDB } from '../db/database';
import { createApi, SyncError, type Fetch } from './api';
import { loadCredentials } from './credentials';
import { LAST_SUCCESS_KEY, singleFlight, syncOnce } from './engine';
import { useSync } from './syncStore';

const AFTER_SAVE_MS = 3000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

/** Delay before retry number `attempt` (1, 2, …): 5 s doubling, capped at 5 min, ±50 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, 5000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(MAX_BACKOFF_MS, base * (0.5 + random())));
}

export interface Scheduler {
  syncNow: () => Promise<void>;
  stop: () => void;
}

export function startScheduler(db: RelaisDB, options: { baseUrl?: string; fetch?: Fetch; canSync?: () => boolean } = {}): Scheduler {
  const baseUrl = options.baseUrl ?? window.location.origin;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void syncNow(), ms);
  };

  async function syncNow(): Promise<void> {
    clearTimeout(timer);
    // Locked: nothing is read or sent; the unlock starts a run (syncRuntime.ts).
    if (options.canSync && !options.canSync()) return;
    // The database may be closing (a newer version in another tab): nothing to sync then.
    const credentials = await loadCredentials(db).catch(() => undefined);
    useSync.getState().set({ enrolled: !!credentials });
    if (!credentials) return;
    const api = createApi(baseUrl, credentials.token, options.fetch);
    useSync.getState().set({ running: true, progress: null });
    try {
      const report = await singleFlight(() => syncOnce({ db, api, onProgress: (progress) => useSync.getState().set({ progress }) }));
      if (report === null) return; // another tab is syncing
      failures = 0;
      useSync.getState().set({ error: null, lastSuccessAt: new Date().toISOString() });
    } catch (error) {
      const kind = error instanceof SyncError ? error.kind : 'server';
      failures++;
      const retryIn = kind === 'auth' ? null : backoffDelay(failures);
      useSync
        .getState()
        .set({ error: { kind, at: new Date().toISOString(), retryAt: retryIn === null ? null : new Date(Date.now() + retryIn).toISOString() } });
      if (retryIn !== null) schedule(retryIn);
    } finally {
      useSync.getState().set({ running: false, progress: null });
    }
  }

  void db.meta
    .get(LAST_SUCCESS_KEY)
    .then((row) => useSync.getState().set({ lastSuccessAt: (row?.value as string | undefined) ?? null }))
    .catch(() => undefined);

  const onOnline = () => {
    failures = 0;
    void syncNow();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') void syncNow();
  };
  window.addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onVisible);

  // After a save: the outbox grows, sync a few seconds later (saves in a row are batched).
  let lastCount = -1;
  const subscription = liveQuery(() => db.outbox.count()).subscribe({
    next: (count) => {
      if (lastCount !== -1 && count > lastCount && useSync.getState().error?.kind !== 'auth') schedule(AFTER_SAVE_MS);
      lastCount = count;
    },
    // The database closed (a newer version in another tab, a wipe): the next sync says so.
    error: () => undefined,
  });

  void syncNow();
  return {
    syncNow,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      subscription.unsubscribe();
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
