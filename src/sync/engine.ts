/**
 * One sync run: push the whole outbox in batches, then pull every change since the cursor.
 * Runs are single-flight across tabs (Web Locks, or a promise where locks are missing).
 */
import type { RelaisDB } from '../db/database';
import { toPushOp } from '../domain/outbox';
import { SyncError, type Api } from './api';
import { applyPulledPage, loadCursor } from './pull';
import { applyPushResults, markSent, nextBatch } from './push';

export interface SyncProgress {
  phase: 'push' | 'pull';
  sent: number;
  total: number;
  pulled: number;
}

export interface SyncReport {
  applied: number;
  refused: number;
  pulled: number;
}

export interface SyncDeps {
  db: RelaisDB;
  api: Api;
  now?: () => Date;
  onProgress?: (p: SyncProgress) => void;
  batchSize?: number;
}

export const LAST_SUCCESS_KEY = 'lastSyncAt';

function storage<T>(p: Promise<T>): Promise<T> {
  return p.catch((error: unknown) => {
    if (error instanceof SyncError) throw error;
    throw new SyncError('storage', (error as Error)?.message ?? 'storage error');
  });
}

export async function syncOnce(deps: SyncDeps): Promise<SyncReport> {
  const { db, api } = deps;
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const report: SyncReport = { applied: 0, refused: 0, pulled: 0 };
  const total = await db.outbox.count();
  let sent = 0;
  deps.onProgress?.({ phase: 'push', sent, total, pulled: 0 });
  for (;;) {
    const batch = await storage(nextBatch(db, deps.batchSize));
    if (batch.length === 0) break;
    await storage(markSent(db, batch, now()));
    const results = await api.push(batch.map(toPushOp));
    const tally = await storage(applyPushResults(db, batch, results, now()));
    report.applied += tally.applied;
    report.refused += tally.refused;
    sent += batch.length;
    deps.onProgress?.({ phase: 'push', sent, total: Math.max(total, sent), pulled: 0 });
  }
  let cursor = await storage(loadCursor(db));
  for (;;) {
    const page = await api.pull(cursor);
    report.pulled += await storage(applyPulledPage(db, page.changes, page.cursor, now()));
    cursor = page.cursor;
    deps.onProgress?.({ phase: 'pull', sent, total: sent, pulled: report.pulled });
    if (!page.hasMore) break;
  }
  await storage(db.meta.put({ key: LAST_SUCCESS_KEY, value: now() }));
  return report;
}

let inProcess: Promise<unknown> | null = null;

/** Runs `fn` unless a sync is already running in this tab or another; returns null when busy. */
export async function singleFlight<T>(fn: () => Promise<T>): Promise<T | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks?.request) {
    return locks.request('relais-sync', { ifAvailable: true }, async (lock) => (lock ? fn() : null));
  }
  if (inProcess) return null;
  const run = fn();
  inProcess = run;
  try {
    return await run;
  } finally {
    inProcess = null;
  }
}
