/**
 * A push batch on SQLite (api.md "Push").
 *
 * Guarantees:
 * - a batch runs in one IMMEDIATE transaction (the write lock is taken first): all its results
 *   are committed together, or none (synchronous=FULL: an answered push survives a power cut);
 * - under that lock one query looks up the batch's opIds and one the heads of its records; each
 *   new opId is then inserted with its final result (refused ops included) under a primary key
 *   before its record is touched: a batch delivered twice or concurrently can never apply an op
 *   twice, and ops of one batch (the same opId twice, two ops of one record) answer exactly as if
 *   sent one by one (the lookups are updated as the batch goes);
 * - a record's `seq` takes the next value of one counter at each change, inside the transaction;
 * - the tally facts of the batch's records are handed over at the commit and written just after it
 *   (tallyFacts.ts: derived data, written before any transaction reads or replaces them);
 * - a `fait_a_la_place` visit is checked against the mandate as the batch has it at that op
 *   (mandateRefs.ts: one lookup per batch, updated as mandates of the batch apply);
 * - a refused or conflicting change is kept with its op for review (retention.ts says how long);
 *   an envelope refusal keeps no copy, and data too deep or large to be valid is never serialised;
 * - a change of a record erased at the person's request (erasure.ts), or a mandate or follow-up
 *   naming an erased person, is rejected and no copy of it is kept: an offline tablet cannot bring
 *   her back; a visit naming her (a new one, or an edit on an older version) is counted but keeps
 *   none of her free text (personal fields blanked before the record or the conflict copy is written);
 *   a mandate revocation is written to the audit log.
 */
import type Database from 'better-sqlite3';
import type { PushOp } from '../../../domain/outbox';
import {
  decidePush,
  isRefused,
  type Decision,
  reviewCopy,
  type Actor,
  type IncomingOp,
  type PushResult,
  type StoredHead,
  type ChangeRecord,
} from '../../../domain/sync';
import type { FieldError } from '../../../domain/validation';
import { idsToCheckForErasure, refusedForErasure, withoutErasedText } from '../erasedPeople';
import { afterApplied, refsForOp } from '../mandateRefs';
import { SqliteMandateRefs, type BatchRefs } from './mandateRefs';
import type { SqliteAudit } from './audit';
import type { KeptCopies } from './retention';
import type { FactChange, SqliteTallyFacts } from './tallyFacts';
import { RECORD_COLUMNS, toChange, type RecordRow } from './rows';

/** The answer to a change of a record erased at the person's request (no copy of it is kept). */
export const ERASED_MESSAGE = 'Cette personne a été effacée à sa demande : cette fiche n’existe plus et ne peut plus être modifiée.';

/** An op as remembered (or just claimed in this batch): enough to answer its opId again. */
interface OpRow {
  op_id: string;
  user_id: string;
  status: string;
  version: number | null;
  fields: string | null;
  current: string | null;
  record_id: string;
}

/** What one batch knows while it runs. */
export interface Batch {
  actor: Actor & { deviceId: string | null };
  now: string;
  seq: number;
  known: Map<string, OpRow>;
  heads: Map<string, StoredHead & { createdBy: string }>;
  kept: Set<string>;
  /** The batch's record ids erased at a person's request (erasure.ts): refused, no copy kept. */
  erased: Set<string>;
  /** Mandates and merges the batch's `fait_a_la_place` visits are checked against (mandateRefs.ts). */
  refs: BatchRefs;
  /** The last change of each accompaniment and permanence, for the tally facts (tallyFacts.ts). */
  facts: Map<string, FactChange>;
}

export class SqlitePushBatches {
  private readonly s;
  private readonly refs: SqliteMandateRefs;

  constructor(
    private readonly db: Database.Database,
    private readonly kept: KeptCopies,
    private readonly facts: SqliteTallyFacts,
    private readonly audit: SqliteAudit,
  ) {
    this.refs = new SqliteMandateRefs(db);
    this.s = {
      // The batch's list (a JSON array) drives the lookups, one probe of the key's index per
      // element: twice as fast as `IN (SELECT value FROM json_each(?))`, which first sorts the
      // list into a temporary index (a repeated opId gives the same row twice: harmless in a Map).
      knownOps: db.prepare(
        `SELECT o.op_id, o.user_id, o.status, o.version, o.fields, o.current, o.record_id FROM json_each(?) j JOIN ops o ON o.op_id = j.value`,
      ),
      heads: db.prepare(
        `SELECT r.id, r.entity, r.version, r.owner_id AS ownerId, r.created_by AS createdBy FROM json_each(?) j JOIN records r ON r.id = j.value`,
      ),
      claimOp: db.prepare(
        `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, fields, current, data, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      record: db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE id = ?`),
      insertRecord: db.prepare(
        `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_device, updated_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateRecord: db.prepare(
        `UPDATE records SET version = ?, deleted = ?, data = ?, updated_by = ?, updated_device = ?, updated_at = ?, seq = ? WHERE id = ?`,
      ),
      readSeq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
      writeSeq: db.prepare(`UPDATE counters SET value = ? WHERE name = 'seq'`),
      touch: db.prepare(`UPDATE devices SET last_sync_at = ? WHERE id = ?`),
      erased: db.prepare(`SELECT e.id FROM json_each(?) j JOIN erased e ON e.id = j.value`).pluck(),
      revokedOn: db.prepare(`SELECT json_extract(data, '$.revokedOn') FROM records WHERE id = ?`).pluck(),
    };
  }

  /** Runs a batch; `one` decides and writes each op in order (the repository's `pushOne`). */
  run(actor: Batch['actor'], ops: IncomingOp[], now: string, one: (op: IncomingOp, batch: Batch) => PushResult): PushResult[] {
    const { results, from, batch } = this.db
      .transaction(() => {
        this.kept.sweepIfDue(now);
        // The facts are current up to here (the last push's hand-over is written now if its flush has not run).
        this.facts.refresh();
        const batch = this.prefetch(actor, ops, now);
        const from = batch.seq;
        const results = ops.map((op) => one(op, batch));
        this.s.writeSeq.run(batch.seq);
        // No accompaniment or permanence changed: the facts, current at the start, stay current.
        if (batch.facts.size === 0) this.facts.caughtUp(batch.seq);
        // The device's last sync is written in the same (durable) transaction: one commit per push.
        if (actor.deviceId) this.s.touch.run(now, actor.deviceId);
        return { results, from, batch };
      })
      .immediate();
    // Committed: the tally facts of its changes are written right after the answer (tallyFacts.ts).
    if (batch.facts.size > 0) this.facts.handOver(from, batch.seq, [...batch.facts.values()]);
    return results;
  }

  /** What the batch needs to know, in three queries: its opIds already claimed, its records' heads, which have kept copies. */
  private prefetch(actor: Batch['actor'], ops: IncomingOp[], now: string): Batch {
    const known = new Map<string, OpRow>();
    for (const row of this.s.knownOps.all(JSON.stringify(ops.map((o) => o.opId))) as OpRow[]) known.set(row.op_id, row);
    const ids = JSON.stringify([...new Set(ops.flatMap((o) => (isRefused(o) ? [] : [o.id])))]);
    const heads: Batch['heads'] = new Map();
    for (const h of this.s.heads.all(ids) as (StoredHead & { id: string; createdBy: string })[]) heads.set(h.id, h);
    const seq = (this.s.readSeq.get() as { value: number }).value;
    // Erased records, and erased people a pushed mandate, follow-up or visit names (made offline).
    const erased = new Set(this.s.erased.all(JSON.stringify(idsToCheckForErasure(ops))) as string[]);
    return { actor, now, seq, known, heads, kept: this.kept.among(ids), erased, refs: this.refs.prefetch(ops), facts: new Map() };
  }

  /** Decides one op of the batch and writes its result (and its record when applied). */
  one(pushed: IncomingOp, batch: Batch): PushResult {
    const { actor, now } = batch;
    // A visit naming an erased person keeps none of her free text, applied or kept for review.
    const op = withoutErasedText(pushed, batch.erased);
    const s = this.s;
    const known = batch.known.get(op.opId);
    if (known) return this.previousResult(known, actor);
    const refused = isRefused(op);
    const head = refused ? undefined : batch.heads.get(op.id);
    const erased = refusedForErasure(op, batch.erased);
    const decision: Decision = refused
      ? { kind: 'rejected', fields: op.refused }
      : erased
        ? { kind: 'rejected', fields: [{ path: 'id', message: ERASED_MESSAGE }] }
        : decidePush(op, head, actor, refsForOp(op, batch.refs, actor));
    const result: PushResult =
      decision.kind === 'apply'
        ? { opId: op.opId, status: 'applied', version: decision.version }
        : decision.kind === 'rejected'
          ? { opId: op.opId, status: 'rejected', fields: decision.fields }
          : { opId: op.opId, status: 'conflict', current: head ? toChange(s.record.get(op.id) as RecordRow) : null };
    // The copy of a refused or conflicting change, for review (none for an envelope refusal;
    // valid data is bounded, refused data is copied only within reviewCopy's limits).
    const copy = result.status === 'applied' || refused || erased ? null : decision.kind === 'conflict' ? JSON.stringify(op.data) : reviewCopy(op.data);
    const row: OpRow = {
      op_id: op.opId,
      user_id: actor.userId,
      status: result.status,
      version: result.version ?? null,
      fields: result.fields ? JSON.stringify(result.fields) : null,
      current: result.current ? JSON.stringify(result.current) : null,
      record_id: op.id,
    };
    // Claiming the opId (under its primary key) is what makes a resent op harmless.
    s.claimOp.run(
      op.opId,
      actor.userId,
      actor.deviceId,
      op.entity,
      op.id,
      op.baseVersion,
      op.deleted ? 1 : 0,
      row.status,
      row.version,
      row.fields,
      row.current,
      copy,
      now,
    );
    batch.known.set(op.opId, row);
    if (copy !== null || row.current !== null) batch.kept.add(op.id);
    if (decision.kind === 'apply') {
      const applied = op as PushOp;
      // A tombstone carries no data: whatever it was sent with, `{}` is stored.
      const data = op.deleted ? '{}' : JSON.stringify(applied.data);
      const deleted = op.deleted ? 1 : 0;
      const u = actor.userId;
      // A mandate revocation arriving by push goes to the audit log (ids only).
      if (applied.entity === 'mandate' && !op.deleted && applied.data.revokedOn != null && (!head || this.s.revokedOn.get(op.id) == null)) {
        this.audit.add({ at: now, actorId: u, actorName: this.audit.nameOf(u), action: 'revoke', entity: 'mandate', recordId: op.id, counts: null });
      }
      if (head) s.updateRecord.run(decision.version, deleted, data, u, actor.deviceId, now, ++batch.seq, op.id);
      else s.insertRecord.run(op.id, op.entity, decision.version, deleted, data, u, u, now, u, actor.deviceId, now, ++batch.seq);
      const ownerId = head?.ownerId ?? actor.userId;
      const createdBy = head?.createdBy ?? actor.userId;
      batch.heads.set(op.id, { entity: applied.entity, version: decision.version, ownerId, createdBy });
      if (applied.entity === 'accompaniment' || applied.entity === 'permanence') {
        // Its last change wins: an earlier one of the batch no longer holds its seq.
        batch.facts.set(op.id, { entity: applied.entity, id: op.id, seq: batch.seq, deleted: op.deleted, data: applied.data, ownerId, createdBy });
      }
      afterApplied(applied, head?.ownerId ?? actor.userId, batch.refs);
      if (batch.kept.has(op.id)) this.kept.resolved(op.id, actor.userId, op.deleted);
    }
    return result;
  }

  /**
   * The answer to an opId claimed before: its original result. A conflict whose copy of the
   * server's record was purged (or that had none) answers the record's present state.
   */
  private previousResult(prev: OpRow, actor: Actor): PushResult {
    const opId = prev.op_id;
    if (prev.user_id !== actor.userId) {
      return { opId, status: 'rejected', fields: [{ path: 'opId', message: 'Cet opId a déjà été utilisé.' }] };
    }
    if (prev.status === 'applied') return { opId, status: 'duplicate', version: prev.version ?? undefined };
    if (prev.status === 'conflict') {
      if (prev.current) return { opId, status: 'conflict', current: JSON.parse(prev.current) as ChangeRecord };
      const present = prev.record_id ? (this.s.record.get(prev.record_id) as RecordRow | undefined) : undefined;
      return { opId, status: 'conflict', current: present ? toChange(present) : null };
    }
    return { opId, status: 'rejected', fields: prev.fields ? (JSON.parse(prev.fields) as FieldError[]) : [] };
  }
}
