/**
 * Pushing the outbox. Batches follow queue order, hold at most one op per record (a later change
 * of a record waits until the earlier one is answered, then is rebased on the version it got), and
 * stay under the server's limits. An op is marked sent before it leaves; it is dropped only on a
 * final answer. Refused changes (rejected, conflict) are kept as sync issues for the user.
 */
import { isStoredEntity, type RelaisDB } from '../db/database';
import { toPushOp, type OutboxEntry } from '../domain/outbox';
import { MAX_OPS_PER_PUSH, type PushResult } from '../domain/sync';
import { SyncError } from './api';

export const BATCH_BYTES = 4 * 1024 * 1024; // under the server's 5 MiB, with room for the envelope

export async function nextBatch(db: RelaisDB, maxOps = MAX_OPS_PER_PUSH): Promise<OutboxEntry[]> {
  const queued = await db.outbox
    .orderBy('seq')
    .limit(maxOps * 2)
    .toArray();
  const batch: OutboxEntry[] = [];
  const records = new Set<string>();
  let bytes = 16;
  for (const entry of queued) {
    const key = `${entry.entity}:${entry.id}`;
    if (records.has(key)) continue;
    const size = JSON.stringify(toPushOp(entry)).length + 1;
    if (batch.length > 0 && bytes + size > BATCH_BYTES) break;
    records.add(key);
    batch.push(entry);
    bytes += size;
    if (batch.length === maxOps) break;
  }
  return batch;
}

export async function markSent(db: RelaisDB, batch: OutboxEntry[], now: string): Promise<void> {
  await db.transaction('rw', db.outbox, async () => {
    for (const e of batch) if (e.sentAt === null) await db.outbox.update(e.seq!, { sentAt: now });
  });
}

export interface PushTally {
  applied: number;
  refused: number;
}

/** Applies the server's answers to a batch in one transaction. */
export async function applyPushResults(db: RelaisDB, batch: OutboxEntry[], results: PushResult[], now: string): Promise<PushTally> {
  if (results.length !== batch.length || results.some((r, i) => r.opId !== batch[i].opId)) {
    throw new SyncError('server', 'answer does not match the batch');
  }
  const tally: PushTally = { applied: 0, refused: 0 };
  await db.transaction('rw', [db.outbox, db.syncIssues, db.permanences, db.accompaniments, db.relays, db.procedures], async () => {
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i];
      const result = results[i];
      const later = db.outbox
        .where('[entity+id]')
        .equals([entry.entity, entry.id])
        .filter((o) => o.seq! > entry.seq!);
      await db.outbox.delete(entry.seq!);
      if (result.status === 'applied' || result.status === 'duplicate') {
        tally.applied++;
        if (typeof result.version !== 'number') throw new SyncError('server', 'applied without a version');
        if (isStoredEntity(entry.entity)) await db.tableOf(entry.entity).update(entry.id, { version: result.version });
        await later.modify({ baseVersion: result.version });
      } else if (result.status === 'conflict' || result.status === 'rejected') {
        tally.refused++;
        // The local record keeps the user's latest state; resolving the issue queues it again.
        await later.delete();
        await db.syncIssues.put({
          opId: entry.opId,
          entity: entry.entity,
          id: entry.id,
          kind: result.status,
          fields: result.fields ?? [],
          current: result.current ?? null,
          sent: { baseVersion: entry.baseVersion, deleted: entry.deleted, data: entry.data },
          at: now,
        });
      } else {
        throw new SyncError('server', 'unknown status');
      }
    }
  });
  return tally;
}
