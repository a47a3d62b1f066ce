/**
 * Shaping of the local outbox into api.md's push operations, and the rule that keeps it short:
 * while an operation has never been sent, a later change of the same record replaces it (with a
 * fresh opId). Once an op has been sent it is immutable: the server may have applied it even if
 * the answer was lost, and only resending the same opId is safe.
 */
import type { Entity, SyncedRecord } from './records';

/** One operation of `POST /api/v1/sync/push`. */
export interface PushOp {
  opId: string;
  entity: Entity;
  id: string;
  baseVersion: number;
  deleted: boolean;
  data: Record<string, unknown>;
}

/** An outbox entry: the op plus what the device knows about its delivery. */
export interface OutboxEntry extends PushOp {
  /** Queue order, assigned by the database. */
  seq?: number;
  queuedAt: string;
  /** Set when the op was first handed to the network; from then on it never changes. */
  sentAt: string | null;
}

export function shapeOp(record: SyncedRecord, opId: string, baseVersion = record.version): PushOp {
  return {
    opId,
    entity: record.entity,
    id: record.id,
    baseVersion,
    deleted: record.deleted,
    data: record.deleted ? {} : (record.data as unknown as Record<string, unknown>),
  };
}

export function toPushOp(entry: OutboxEntry): PushOp {
  const { opId, entity, id, baseVersion, deleted, data } = entry;
  return { opId, entity, id, baseVersion, deleted, data };
}

export type OutboxChange = { kind: 'append'; entry: OutboxEntry } | { kind: 'replace'; seq: number; entry: OutboxEntry } | { kind: 'drop'; seq: number };

/**
 * What to do with the outbox when `record` changes, given the entries already queued for the same
 * record, in queue order. `baseVersion` is the server version the change was made on (by default
 * the record's); an unsent op that is replaced keeps the older of the two.
 */
export function planOutboxChange(record: SyncedRecord, queued: readonly OutboxEntry[], opId: string, now: string, baseVersion = record.version): OutboxChange {
  const entry: OutboxEntry = { ...shapeOp(record, opId, baseVersion), queuedAt: now, sentAt: null };
  const pending = queued.at(-1);
  if (!pending || pending.sentAt !== null || pending.seq === undefined) return { kind: 'append', entry };
  // A record created and deleted before anything about it was sent needs no op at all.
  const neverSent = queued.length === 1 && record.version === 0;
  if (record.deleted && neverSent) return { kind: 'drop', seq: pending.seq };
  return { kind: 'replace', seq: pending.seq, entry: { ...entry, baseVersion: Math.min(pending.baseVersion, baseVersion), queuedAt: pending.queuedAt } };
}
