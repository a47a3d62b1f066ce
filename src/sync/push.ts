/**
 * The outbox's life on the way out: claimed, sent, settled. Each transition is one transaction,
 * and every follow-up step is keyed by the op's id, never by its position in the queue.
 *
 * - `claimBatch` reads the next batch and marks it sent in the same transaction: from then on the
 *   write path leaves those ops alone (a later save or undo gets an op of its own), and the batch
 *   sent is exactly the batch claimed.
 * - `settleBatch` applies the server's answers by `opId`: an op that is no longer in the outbox
 *   (its record was wiped or resolved meanwhile) is skipped; a later op of the same record made on
 *   the same base is rebased on the version the server gave.
 * - `parkAsIssue` takes a single op that the server refuses as a request (400, 413, a 500 while
 *   the rest goes through) out of the queue and keeps it as an issue the user acts on, so it never
 *   blocks the rest.
 *
 * Batches follow queue order, hold at most one op per record and stay under the server's limits.
 */
import { isStoredEntity, type RelaisDB, type SyncIssue } from '../db/database';
import { asStoredWithin } from '../db/sealing/middleware';
import { toPushOp, type OutboxEntry } from '../domain/outbox';
import { MAX_OPS_PER_PUSH, type PushResult } from '../domain/sync';
import { SyncError } from './api';
import { assertSameDevice } from './credentials';
import { newestServerVersion, reconcileServerCopies, syncTables } from './serverCopies';

export const BATCH_BYTES = 4 * 1024 * 1024; // under the server's 5 MiB, with room for the envelope

const keyOf = (e: { entity: string; id: string }) => `${e.entity}:${e.id}`;

/**
 * Picks the next batch from the queue (in order) and marks it sent, in one transaction. The queue
 * is read a page at a time, only as far as the batch needs (each op read is opened: its personal
 * values are sealed at rest).
 */
export async function claimBatch(db: RelaisDB, now: string, maxOps = MAX_OPS_PER_PUSH): Promise<OutboxEntry[]> {
  return db.transaction('rw', db.outbox, async () => {
    const batch: OutboxEntry[] = [];
    const records = new Set<string>();
    const toMark: number[] = [];
    let bytes = 16;
    let after = -Infinity;
    let full = false;
    while (!full) {
      // Skipped ops (a later change of a record already in the batch) make the next page smaller.
      const page = await db.outbox
        .where('seq')
        .above(after)
        .limit(Math.max(maxOps - batch.length, 50))
        .toArray();
      if (page.length === 0) break;
      after = page[page.length - 1].seq!;
      for (const entry of page) {
        const key = keyOf(entry);
        if (records.has(key)) continue;
        const size = JSON.stringify(toPushOp(entry)).length + 1;
        if (batch.length > 0 && bytes + size > BATCH_BYTES) {
          full = true;
          break;
        }
        records.add(key);
        if (entry.sentAt === null) toMark.push(entry.seq!);
        batch.push(entry.sentAt === null ? { ...entry, sentAt: now } : entry);
        bytes += size;
        if (batch.length === maxOps) {
          full = true;
          break;
        }
      }
    }
    // Only `sentAt` changes: the ops are written back as stored (no opening, no sealing again).
    await asStoredWithin(() => Promise.all(toMark.map((seq) => db.outbox.update(seq, { sentAt: now }))));
    return batch;
  });
}

export interface PushTally {
  applied: number;
  refused: number;
}

function checkAnswer(batch: OutboxEntry[], results: PushResult[]): Map<string, PushResult> {
  const byOpId = new Map(results.map((r) => [r.opId, r]));
  if (results.length !== batch.length || byOpId.size !== batch.length || batch.some((e) => !byOpId.has(e.opId))) {
    throw new SyncError('server', 'answer does not match the batch');
  }
  for (const r of results) {
    if (r.status === 'applied' || r.status === 'duplicate') {
      if (typeof r.version !== 'number') throw new SyncError('server', 'applied without a version');
    } else if (r.status !== 'conflict' && r.status !== 'rejected') {
      throw new SyncError('server', 'unknown status');
    }
  }
  return byOpId;
}

/** Applies the server's answers to a claimed batch, by opId, in one transaction. */
export async function settleBatch(db: RelaisDB, batch: OutboxEntry[], results: PushResult[], now: string, deviceId?: string): Promise<PushTally> {
  const byOpId = checkAnswer(batch, results);
  const tally: PushTally = { applied: 0, refused: 0 };
  await db.transaction('rw', syncTables(db), async () => {
    await assertSameDevice(db, deviceId);
    const touched: { entity: OutboxEntry['entity']; id: string }[] = [];
    for (const sent of batch) {
      const result = byOpId.get(sent.opId)!;
      const [seq] = await db.outbox.where('opId').equals(sent.opId).primaryKeys();
      if (seq === undefined) continue; // resolved or wiped while the request was out: nothing left to settle
      // A sent op never changes (the write path gives later changes ops of their own): `sent` is it.
      const later = () =>
        db.outbox
          .where('[entity+id]')
          .equals([sent.entity, sent.id])
          .filter((o) => o.seq! > seq);
      touched.push(sent);
      if (result.status === 'applied' || result.status === 'duplicate') {
        tally.applied++;
        const version = result.version!;
        // Ids and versions only: rows are read and written back as stored (no opening, no sealing).
        await asStoredWithin(async () => {
          await db.outbox.delete(seq);
          if (isStoredEntity(sent.entity)) await db.tableOf(sent.entity).update(sent.id, { version });
          // A later change made on the same base follows this one; a change made on an older
          // version than this op's (a stale form saved anyway) keeps its base and conflicts.
          await later().modify((o) => {
            if (o.baseVersion === sent.baseVersion) o.baseVersion = version;
          });
        });
      } else {
        tally.refused++;
        const entry = (await db.outbox.get(seq))!;
        await db.outbox.delete(seq);
        // The local record keeps the user's latest state; resolving the issue queues it again.
        await later().delete();
        const current = result.status === 'conflict' ? await newestServerVersion(db, entry, result.current ?? null) : null;
        await putIssue(db, entry, result.status, result.fields ?? [], current, now);
      }
    }
    await reconcileServerCopies(db, touched);
  });
  return tally;
}

async function putIssue(db: RelaisDB, entry: OutboxEntry, kind: SyncIssue['kind'], fields: SyncIssue['fields'], current: SyncIssue['current'], at: string) {
  await db.syncIssues.put({
    opId: entry.opId,
    entity: entry.entity,
    id: entry.id,
    kind,
    fields,
    current,
    sent: { baseVersion: entry.baseVersion, deleted: entry.deleted, data: entry.data },
    at,
  });
}

/** Takes an op the server refuses as a request out of the queue, as a `rejected` issue. */
export async function parkAsIssue(db: RelaisDB, op: OutboxEntry, error: SyncError, now: string): Promise<void> {
  const message =
    error.status === 413
      ? 'Cette modification est trop volumineuse pour le serveur : raccourcissez la note ou les textes, puis enregistrez à nouveau.'
      : error.status !== undefined && error.status >= 500
        ? 'Le serveur n’arrive pas à enregistrer cette modification. Corrigez-la ou abandonnez-la, et prévenez la coordination.'
        : `Le serveur a refusé cette modification${error.message ? ` : ${error.message}` : '.'}`;
  await db.transaction('rw', syncTables(db), async () => {
    const entry = await db.outbox.where('opId').equals(op.opId).first();
    if (!entry) return;
    await db.outbox.where('[entity+id]').equals([entry.entity, entry.id]).delete();
    await putIssue(db, entry, 'rejected', [{ path: '', message }], null, now);
  });
}
