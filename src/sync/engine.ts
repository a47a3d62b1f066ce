/**
 * One sync run: push the outbox in claimed batches, then pull every change since the cursor.
 * Runs are single-flight across tabs (Web Locks, or a promise where locks are missing).
 *
 * - A failing push never stops the pull (auth and storage failures aside): the error is reported
 *   after the pull.
 * - A request the server refuses (400, 413) or fails on (500) is split in halves until the op that
 *   causes it is alone; that op is kept as an issue the user acts on, the rest goes through. When
 *   every part fails with a 5xx the server itself is down: the run stops and retries later.
 * - `409 cursor_reset` starts a resynchronisation (resync.ts), then pushes what it queued.
 * - `pause` (tests only) is awaited at every step where a user's write or another device may land.
 */
import type { RelaisDB } from '../db/database';
import { toPushOp, type OutboxEntry } from '../domain/outbox';
import type { Role } from '../domain/sync';
import { SyncError, type Api } from './api';
import { loadCredentials } from './credentials';
import { loadCursor } from './cursor';
import { applyPulledPage } from './pull';
import { claimBatch, countFailure, parkAsIssue, settleBatch } from './push';
import { finishResync, loadResync, startResync } from './resync';

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
  /** Ops the server would not take as a request, kept as issues. */
  parked: number;
  /** Records sent again after the server's database was restored or replaced. */
  resent: number;
}

export type SyncPoint = 'claimed' | 'answered' | 'settled' | 'pulled' | 'applied';

export interface SyncDeps {
  db: RelaisDB;
  api: Api;
  now?: () => Date;
  onProgress?: (p: SyncProgress) => void;
  batchSize?: number;
  /** Lets tests run a user's write or another device's change between two steps of the run. */
  pause?: (point: SyncPoint) => Promise<void>;
}

export const LAST_SUCCESS_KEY = 'lastSyncAt';
/** A lone op that met a 5xx in this many runs is treated as the cause, not the server. */
export const POISON_AFTER_FAILURES = 3;

function storage<T>(p: Promise<T>): Promise<T> {
  return p.catch((error: unknown) => {
    if (error instanceof SyncError) throw error;
    throw new SyncError('storage', (error as Error)?.message ?? 'storage error');
  });
}

const refusedAsRequest = (e: unknown): e is SyncError => e instanceof SyncError && e.kind === 'refused';
const failedOnServer = (e: unknown): e is SyncError => e instanceof SyncError && e.kind === 'server' && e.status === 500;

class Run {
  readonly report: SyncReport = { applied: 0, refused: 0, pulled: 0, parked: 0, resent: 0 };
  private sent = 0;
  private total = 0;

  constructor(private readonly deps: SyncDeps) {}

  private now = () => (this.deps.now ?? (() => new Date()))().toISOString();
  private pause = (point: SyncPoint) => this.deps.pause?.(point) ?? Promise.resolve();
  private progress = (phase: SyncProgress['phase']) =>
    this.deps.onProgress?.({ phase, sent: this.sent, total: Math.max(this.total, this.sent), pulled: this.report.pulled });

  async push(): Promise<void> {
    const { db } = this.deps;
    this.total = await storage(db.outbox.count());
    this.progress('push');
    for (;;) {
      const batch = await storage(claimBatch(db, this.now(), this.deps.batchSize));
      if (batch.length === 0) return;
      await this.pause('claimed');
      await this.send(batch, false);
    }
  }

  /** Sends a claimed batch; `serverWorks` says another part of it just went through. */
  private async send(batch: OutboxEntry[], serverWorks: boolean): Promise<void> {
    const { db, api } = this.deps;
    try {
      const results = await api.push(batch.map(toPushOp));
      await this.pause('answered');
      const tally = await storage(settleBatch(db, batch, results, this.now()));
      this.report.applied += tally.applied;
      this.report.refused += tally.refused;
      this.sent += batch.length;
      this.progress('push');
      await this.pause('settled');
    } catch (error) {
      if (!refusedAsRequest(error) && !failedOnServer(error)) throw error;
      if (batch.length === 1) {
        const poison = refusedAsRequest(error) || serverWorks || (await storage(countFailure(db, batch[0]))) >= POISON_AFTER_FAILURES;
        if (!poison) throw error;
        await storage(parkAsIssue(db, batch[0], error, this.now()));
        this.report.parked++;
        return;
      }
      const half = Math.ceil(batch.length / 2);
      const [first, second] = [batch.slice(0, half), batch.slice(half)];
      const firstOk = await this.attempt(first, serverWorks);
      const secondOk = await this.attempt(second, serverWorks || firstOk);
      if (!firstOk && secondOk) await this.send(await this.stillQueued(first), true);
      else if (!firstOk && !secondOk) throw error;
    }
  }

  /** Sends a part; false when it failed on the server (500), which the caller decides about. */
  private async attempt(batch: OutboxEntry[], serverWorks: boolean): Promise<boolean> {
    try {
      await this.send(batch, serverWorks);
      return true;
    } catch (error) {
      if (failedOnServer(error)) return false;
      throw error;
    }
  }

  private async stillQueued(batch: OutboxEntry[]): Promise<OutboxEntry[]> {
    const left = await storage(
      this.deps.db.outbox
        .where('opId')
        .anyOf(batch.map((e) => e.opId))
        .toArray(),
    );
    return left.sort((a, b) => a.seq! - b.seq!);
  }

  /** Pulls to the end; returns whether a resynchronisation queued records to send again. */
  async pull(role: Role | undefined): Promise<boolean> {
    const { db, api } = this.deps;
    // An interrupted resynchronisation resumes from its own cursor.
    let resync = await storage(loadResync(db));
    let cursor = await storage(loadCursor(db));
    let reset = false;
    const queued = () => storage(db.outbox.count());
    let queuedBefore = resync ? await queued() : 0;
    for (;;) {
      let page;
      try {
        page = await api.pull(cursor);
      } catch (error) {
        if (!reset && error instanceof SyncError && error.status === 409 && error.code === 'cursor_reset') {
          reset = true;
          resync = await storage(startResync(db, this.now()));
          queuedBefore = await queued();
          cursor = '';
          continue;
        }
        throw error;
      }
      await this.pause('pulled');
      this.report.pulled += await storage(applyPulledPage(db, page.changes, page.cursor, this.now(), resync));
      cursor = page.cursor;
      this.progress('pull');
      await this.pause('applied');
      if (!page.hasMore) break;
    }
    if (!resync) return false;
    await storage(finishResync(db, resync, role, this.now()));
    this.report.resent += Math.max(0, (await queued()) - queuedBefore);
    return true;
  }
}

export async function syncOnce(deps: SyncDeps): Promise<SyncReport> {
  const run = new Run(deps);
  const role = (await storage(loadCredentials(deps.db)))?.role;
  let pushError: unknown = null;
  for (let pass = 0; pass < 2; pass++) {
    try {
      await run.push();
    } catch (error) {
      if (error instanceof SyncError && (error.kind === 'auth' || error.kind === 'storage')) throw error;
      pushError ??= error;
    }
    let resynced: boolean;
    try {
      resynced = await run.pull(role);
    } catch (error) {
      throw pushError ?? error;
    }
    if (!resynced || pushError) break;
  }
  if (pushError) throw pushError;
  await storage(deps.db.meta.put({ key: LAST_SUCCESS_KEY, value: new Date((deps.now ?? (() => new Date()))()).toISOString() }));
  return run.report;
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
