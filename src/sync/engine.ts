/**
 * One sync run: push the outbox in claimed batches, then pull every change since the cursor.
 * Runs are single-flight across tabs (Web Locks, or a promise where locks are missing).
 *
 * - A failing push never stops the pull (auth and storage failures aside): the error is reported
 *   after the pull.
 * - A request our server refuses (a JSON error with a code: 400…, or a 413) or fails on (500) is
 *   split in halves until the op that causes it is alone. That op is kept as an issue the user acts
 *   on only with evidence that it is the cause: the server refused it as invalid, or it failed
 *   twice while the rest of the run went through. When every part fails with a 5xx, or a 4xx does
 *   not come from our server (a proxy, a firewall), the server is unreachable: the run keeps the
 *   whole queue and retries later.
 * - Before pushing, a one-change pull checks that the cursor still names the server's database:
 *   after `409 cursor_reset` the resynchronisation (resync.ts) runs first, so what waits to be
 *   sent is rebased on the restored server, then pushed.
 * - Each step checks, inside its transaction, that the tablet was not enrolled again meanwhile.
 * - `pause` (tests only) is awaited at every step where a user's write or another device may land.
 */
import type { RelaisDB } from '../db/database';
import { toPushOp, type OutboxEntry } from '../domain/outbox';
import type { Role } from '../domain/sync';
import { SyncError, type Api } from './api';
import { loadEnrolment } from './credentials';
import { loadCursor } from './cursor';
import { applyPulledPage } from './pull';
import { claimBatch, parkAsIssue, settleBatch } from './push';
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

function storage<T>(p: Promise<T>): Promise<T> {
  return p.catch((error: unknown) => {
    if (error instanceof SyncError) throw error;
    throw new SyncError('storage', (error as Error)?.message ?? 'storage error');
  });
}

/** Our server refused the request itself (an api.md JSON error), or something on the way found it too large. */
const refusedAsRequest = (e: unknown): e is SyncError => e instanceof SyncError && e.kind === 'refused' && (e.code !== undefined || e.status === 413);
const failedOnServer = (e: unknown): e is SyncError => e instanceof SyncError && e.kind === 'server' && e.status === 500;

class Run {
  readonly report: SyncReport = { applied: 0, refused: 0, pulled: 0, parked: 0, resent: 0 };
  private sent = 0;
  private total = 0;

  constructor(
    private readonly deps: SyncDeps,
    private readonly who: Who,
  ) {}

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

  /**
   * Sends a claimed batch; `serverWorks` says another part of this run just went through, and
   * `retried` that this lone op already failed once after that.
   */
  private async send(batch: OutboxEntry[], serverWorks: boolean, retried = false): Promise<void> {
    const { db, api } = this.deps;
    try {
      const results = await api.push(batch.map(toPushOp));
      await this.pause('answered');
      const tally = await storage(settleBatch(db, batch, results, this.now(), this.who.deviceId));
      this.report.applied += tally.applied;
      this.report.refused += tally.refused;
      this.sent += batch.length;
      this.progress('push');
      await this.pause('settled');
    } catch (error) {
      if (!refusedAsRequest(error) && !failedOnServer(error)) throw error;
      if (batch.length === 1) {
        if (!refusedAsRequest(error)) {
          if (!serverWorks) throw error; // no evidence against this op: the server may be down
          if (!retried) return this.send(batch, true, true); // once more, in case it was a blip
        }
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

  /** Whether the cursor still names the server's database (one small pull, nothing applied). */
  async cursorIsCurrent(): Promise<boolean> {
    if (await storage(loadResync(this.deps.db))) return false; // finish the resynchronisation first
    const cursor = await storage(loadCursor(this.deps.db));
    if (cursor === '') return true;
    try {
      await this.deps.api.pull(cursor, 1);
      return true;
    } catch (error) {
      // Offline or down: the push finds out and says so.
      return !(error instanceof SyncError && error.status === 409 && error.code === 'cursor_reset');
    }
  }

  /** Pulls to the end; returns whether a resynchronisation queued records to send again. */
  async pull(): Promise<boolean> {
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
      const ctx = resync && { ...resync, role: this.who.role, user: this.who.user };
      this.report.pulled += await storage(applyPulledPage(db, page.changes, page.cursor, this.now(), ctx, this.who.deviceId));
      cursor = page.cursor;
      this.progress('pull');
      await this.pause('applied');
      if (!page.hasMore) break;
    }
    if (!resync) return false;
    await storage(finishResync(db, { ...resync, role: this.who.role, user: this.who.user }, this.now()));
    this.report.resent += Math.max(0, (await queued()) - queuedBefore);
    return true;
  }
}

/** Who the run works for: the enrolment it started with (none in tests that drive the engine bare). */
interface Who {
  deviceId: string | undefined;
  role: Role | undefined;
  user: string | null;
}

export async function syncOnce(deps: SyncDeps): Promise<SyncReport> {
  const credentials = await storage(loadEnrolment(deps.db));
  const run = new Run(deps, { deviceId: credentials?.deviceId, role: credentials?.role, user: credentials?.name ?? null });
  // A restored server is resynchronised before anything is pushed to it.
  if (!(await run.cursorIsCurrent())) await run.pull();
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
      resynced = await run.pull();
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

/**
 * Runs `fn` alone: waits for a sync running in this tab or another to finish, and no sync starts
 * meanwhile (a hand-over to another person wipes the tablet under it).
 */
export async function withSyncLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks?.request) return locks.request('relais-sync', async () => fn());
  while (inProcess) await inProcess.catch(() => undefined);
  const run = fn();
  inProcess = run;
  try {
    return await run;
  } finally {
    inProcess = null;
  }
}

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
