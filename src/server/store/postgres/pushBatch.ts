/**
 * A push batch on PostgreSQL (api.md "Push"), correct with several app servers writing at once.
 *
 * Guarantees:
 * - one transaction per batch (READ COMMITTED), all results committed together or none; a batch
 *   aborted by a concurrent one (deadlock, or a unique key another server's batch committed
 *   meanwhile) is run again from the start (pool.ts), and then sees that batch;
 * - the batch first locks the rows of the records it names (`FOR UPDATE`, in id order, so two
 *   batches never wait on each other in a cycle), then reads which of its opIds are already
 *   claimed: a batch sent to two servers at once applies each op once; the second answers
 *   `duplicate` (after the first commits, its retry finds the opIds claimed);
 * - the version compare-and-set is decided on the locked heads, so no applied change is ever
 *   based on a version another server overwrote meanwhile (no lost update);
 * - each new opId is inserted under its primary key with its final result (refused ops
 *   included, envelope refusals without copy); ops of one batch answer exactly as if sent one by
 *   one: the batch's view (heads, records, claimed ops, kept copies) is updated in memory;
 * - a record's `seq` is taken at commit time (see `commit`): the pull cursor never passes a
 *   change still being committed by another server;
 * - a change of a record erased at the person's request, or a mandate or follow-up naming an
 *   erased person, is rejected without keeping a copy (sqlite/pushBatch.ts); the erased ids are
 *   read after the locks, and an erasure takes the records table for itself (rewrite.ts), so a
 *   batch either commits before an erasure or sees it; a mandate revocation is audited.
 */
import type pg from 'pg';
import type { PushOp } from '../../../domain/outbox';
import {
  decidePush,
  isRefused,
  reviewCopy,
  type Actor,
  type ChangeRecord,
  type Decision,
  type IncomingOp,
  type PushResult,
  type StoredHead,
} from '../../../domain/sync';
import type { FieldError } from '../../../domain/validation';
import { idsToCheckForErasure, refusedForErasure, withoutErasedText } from '../erasedPeople';
import { ERASED_MESSAGE } from '../sqlite/pushBatch';
import { addAudit, userName } from './audit';
import { afterApplied, refsForOp } from '../mandateRefs';
import { PgMandateRefs, type BatchRefs } from './mandateRefs';
import { PgFacts } from './tallyFacts';

interface OpRow {
  op_id: string;
  user_id: string;
  status: string;
  version: number | null;
  fields: string | null;
  current: string | null;
  record_id: string;
}

/** A record as the batch holds it (its stored row, then its new state). */
export interface HeldRecord {
  id: string;
  entity: string;
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
  created_by: string;
  /** Whether the row exists in the table (else it is inserted at commit). */
  stored: boolean;
}

export const toChange = (r: Pick<HeldRecord, 'id' | 'entity' | 'version' | 'deleted' | 'data'>): ChangeRecord => ({
  entity: r.entity as ChangeRecord['entity'],
  id: r.id,
  version: r.version,
  deleted: r.deleted === 1,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

export interface PgBatch {
  actor: Actor & { deviceId: string | null };
  now: string;
  known: Map<string, OpRow>;
  records: Map<string, HeldRecord>;
  kept: Set<string>;
  /** The batch's record ids erased at a person's request, and erased people its mandates and follow-ups name. */
  erased: Set<string>;
  /** Mandates revoked by this batch (audited at commit). */
  revoked: string[];
  refs: BatchRefs;
  /** New op rows, in order. */
  newOps: (OpRow & { entity: string; base_version: number; deleted: number; data: string | null; device_id: string | null })[];
  /** Records changed, in the order of their last change. */
  changed: Map<string, HeldRecord>;
  /** Copies of earlier ops to purge: [record id, user id or null for every user's], by key. */
  purges: Map<string, [string, string | null]>;
}

export class PgPushBatches {
  private readonly refs = new PgMandateRefs();
  /**
   * Called with the seqs taken, before the records are written and the transaction commits: a
   * seam for tests/server/postgres/cursor.test.ts, which holds a batch open there.
   */
  onSeqTaken: ((seqs: number[]) => Promise<void>) | null = null;

  constructor(private readonly facts: PgFacts) {}

  /** Everything the batch reads, locks first. */
  async prefetch(c: pg.ClientBase, actor: PgBatch['actor'], ops: IncomingOp[], now: string): Promise<PgBatch> {
    const ids = [...new Set(ops.flatMap((o) => (isRefused(o) ? [] : [o.id])))].sort();
    const records = new Map<string, HeldRecord>();
    const locked = await c.query(
      `SELECT id, entity, version, deleted, data, owner_id, created_by FROM records WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
    for (const r of locked.rows as HeldRecord[]) records.set(r.id, { ...r, stored: true });
    // Read after the locks: a batch that wrote these records and committed meanwhile is seen.
    const known = new Map<string, OpRow>();
    const claimed = await c.query(`SELECT op_id, user_id, status, version, fields, current, record_id FROM ops WHERE op_id = ANY($1::text[])`, [
      ops.map((o) => o.opId),
    ]);
    for (const row of claimed.rows as OpRow[]) known.set(row.op_id, row);
    const kept = new Set(
      (await c.query(`SELECT DISTINCT record_id FROM ops WHERE record_id = ANY($1::text[]) AND (data IS NOT NULL OR current IS NOT NULL)`, [ids])).rows.map(
        (r) => r.record_id as string,
      ),
    );
    const refs = await this.refs.prefetch(c, ops);
    // Erased records, and erased people a pushed mandate, follow-up or visit names (made offline).
    const erased = new Set((await c.query(`SELECT id FROM erased WHERE id = ANY($1::text[])`, [idsToCheckForErasure(ops)])).rows.map((r) => r.id as string));
    return { actor, now, known, records, kept, erased, revoked: [], refs, newOps: [], changed: new Map(), purges: new Map() };
  }

  /** Decides one op of the batch, in memory (the repository's `pushOne`). */
  one(pushed: IncomingOp, batch: PgBatch): PushResult | { previous: OpRow } {
    const { actor } = batch;
    // A visit naming an erased person keeps none of her free text, applied or kept for review.
    const op = withoutErasedText(pushed, batch.erased);
    const known = batch.known.get(op.opId);
    if (known) return { previous: known };
    const refused = isRefused(op);
    const held = refused ? undefined : batch.records.get(op.id);
    const head: StoredHead | undefined = held && { entity: held.entity as StoredHead['entity'], version: held.version, ownerId: held.owner_id };
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
          : { opId: op.opId, status: 'conflict', current: held ? toChange(held) : null };
    const copy = result.status === 'applied' || refused || erased ? null : decision.kind === 'conflict' ? JSON.stringify(op.data) : reviewCopy(op.data);
    const row = {
      op_id: op.opId,
      user_id: actor.userId,
      device_id: actor.deviceId,
      entity: op.entity,
      record_id: op.id,
      base_version: op.baseVersion,
      deleted: op.deleted ? 1 : 0,
      status: result.status,
      version: result.version ?? null,
      fields: result.fields ? JSON.stringify(result.fields) : null,
      current: result.current ? JSON.stringify(result.current) : null,
      data: copy,
    };
    batch.newOps.push(row);
    batch.known.set(op.opId, row);
    if (copy !== null || row.current !== null) batch.kept.add(op.id);
    if (decision.kind === 'apply') {
      const applied = op as PushOp;
      const data = op.deleted ? '{}' : JSON.stringify(applied.data);
      // A mandate revocation arriving by push goes to the audit log (ids only).
      if (applied.entity === 'mandate' && !op.deleted && applied.data.revokedOn != null && (!held || held.deleted || JSON.parse(held.data).revokedOn == null)) {
        batch.revoked.push(op.id);
      }
      const next: HeldRecord = held
        ? { ...held, version: decision.version, deleted: op.deleted ? 1 : 0, data }
        : {
            id: op.id,
            entity: op.entity,
            version: decision.version,
            deleted: op.deleted ? 1 : 0,
            data,
            owner_id: actor.userId,
            created_by: actor.userId,
            stored: false,
          };
      batch.records.set(op.id, next);
      batch.changed.delete(op.id);
      batch.changed.set(op.id, next);
      afterApplied(applied, next.owner_id, batch.refs);
      if (batch.kept.has(op.id)) this.resolved(batch, op.id, actor.userId, op.deleted);
    }
    return result;
  }

  /** An op of `recordId` by `userId` was applied: earlier copies are resolved (retention.ts). */
  private resolved(batch: PgBatch, recordId: string, userId: string, deleted: boolean): void {
    for (const o of batch.newOps) {
      if (o.record_id === recordId && (deleted || o.user_id === userId)) {
        o.data = null;
        o.current = null;
      }
    }
    const user = deleted ? null : userId;
    batch.purges.set(`${recordId} ${user ?? ''}`, [recordId, user]);
  }

  /** The answer to an opId claimed before (reads the record's present state when needed). */
  async previousResult(c: pg.ClientBase, prev: OpRow, actor: Actor, batch: PgBatch): Promise<PushResult> {
    const opId = prev.op_id;
    if (prev.user_id !== actor.userId) {
      return { opId, status: 'rejected', fields: [{ path: 'opId', message: 'Cet opId a déjà été utilisé.' }] };
    }
    if (prev.status === 'applied') return { opId, status: 'duplicate', version: prev.version ?? undefined };
    if (prev.status === 'conflict') {
      if (prev.current) return { opId, status: 'conflict', current: JSON.parse(prev.current) as ChangeRecord };
      let present: HeldRecord | undefined = batch.records.get(prev.record_id);
      if (!present && prev.record_id) {
        present = (await c.query(`SELECT id, entity, version, deleted, data FROM records WHERE id = $1`, [prev.record_id])).rows[0] as HeldRecord | undefined;
      }
      return { opId, status: 'conflict', current: present ? toChange(present) : null };
    }
    return { opId, status: 'rejected', fields: prev.fields ? (JSON.parse(prev.fields) as FieldError[]) : [] };
  }

  /**
   * Writes the batch. Ops (and purges of earlier copies) first, concurrently with other batches;
   * then the tally facts (in the same transaction); then the commit-ordered part: the `seq`
   * counter row is locked (`UPDATE … RETURNING` takes its row lock until commit) and the batch's
   * records are written with their seqs. Every kind of lock is taken in one order (records, ops,
   * facts, device, counter), each in id order, by batches and merges alike (merges.ts), so they
   * queue rather than deadlock; should a cycle still form (e.g. with a sweep of old copies),
   * PostgreSQL aborts one transaction and `transaction()` runs it again. Whoever holds the
   * counter row commits before the next holder reads it, so seqs become
   * visible in order: a pull (`seq > cursor ORDER BY seq`) sees a prefix of the sequence, never a
   * later seq before an earlier one (tests/server/postgres/cursor.test.ts).
   * New records are inserted only under the counter lock, so two batches creating one record
   * cannot wait on each other: the second fails its insert and runs again, seeing the first.
   */
  async commit(c: pg.ClientBase, batch: PgBatch): Promise<void> {
    const { actor, now } = batch;
    for (const [recordId, userId] of batch.purges.values()) {
      if (userId === null)
        await c.query(`UPDATE ops SET data = NULL, current = NULL WHERE record_id = $1 AND (data IS NOT NULL OR current IS NOT NULL)`, [recordId]);
      else
        await c.query(`UPDATE ops SET data = NULL, current = NULL WHERE record_id = $1 AND user_id = $2 AND (data IS NOT NULL OR current IS NOT NULL)`, [
          recordId,
          userId,
        ]);
    }
    if (batch.newOps.length) {
      // In opId order: two batches claiming the same opIds queue behind each other, never in a cycle.
      const o = [...batch.newOps].sort((a, b) => (a.op_id < b.op_id ? -1 : a.op_id > b.op_id ? 1 : 0));
      await c.query(
        `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, fields, current, data, received_at)
         SELECT *, $13::text FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::int[], $10::text[], $11::text[], $12::text[])`,
        [
          o.map((r) => r.op_id),
          o.map((r) => r.user_id),
          o.map((r) => r.device_id),
          o.map((r) => r.entity),
          o.map((r) => r.record_id),
          o.map((r) => r.base_version),
          o.map((r) => r.deleted),
          o.map((r) => r.status),
          o.map((r) => r.version),
          o.map((r) => r.fields),
          o.map((r) => r.current),
          o.map((r) => r.data),
          now,
        ],
      );
    }
    const changed = [...batch.changed.values()];
    // Facts before the counter (in id order, like the ops): the serialized part stays short.
    await this.facts.write(
      c,
      [...changed].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    );
    if (actor.deviceId) await c.query(`UPDATE devices SET last_sync_at = $1 WHERE id = $2`, [now, actor.deviceId]);
    if (batch.revoked.length) {
      const actorName = await userName(c, actor.userId);
      for (const id of batch.revoked) {
        await addAudit(c, { at: now, actorId: actor.userId, actorName, action: 'revoke', entity: 'mandate', recordId: id, counts: null });
      }
    }
    if (changed.length === 0) return;
    const top = Number((await c.query(`UPDATE counters SET value = value + $1 WHERE name = 'seq' RETURNING value`, [changed.length])).rows[0].value);
    const seqs = changed.map((_, i) => top - changed.length + 1 + i);
    if (this.onSeqTaken) await this.onSeqTaken(seqs);
    const inserted = changed.map((r, i) => [r, seqs[i]] as const).filter(([r]) => !r.stored);
    const updated = changed.map((r, i) => [r, seqs[i]] as const).filter(([r]) => r.stored);
    const u = actor.userId;
    if (inserted.length) {
      await c.query(
        `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_device, updated_at, seq)
         SELECT id, entity, version, deleted, data, $6, $6, $7, $6, $8, $7, seq FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $9::bigint[]) AS v(id, entity, version, deleted, data, seq)`,
        [
          inserted.map(([r]) => r.id),
          inserted.map(([r]) => r.entity),
          inserted.map(([r]) => r.version),
          inserted.map(([r]) => r.deleted),
          inserted.map(([r]) => r.data),
          u,
          now,
          actor.deviceId,
          inserted.map(([, s]) => s),
        ],
      );
    }
    if (updated.length) {
      await c.query(
        `UPDATE records r SET version = v.version, deleted = v.deleted, data = v.data, updated_by = $5, updated_device = $6, updated_at = $7, seq = v.seq
         FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $8::bigint[]) AS v(id, version, deleted, data, seq) WHERE r.id = v.id`,
        [
          updated.map(([r]) => r.id),
          updated.map(([r]) => r.version),
          updated.map(([r]) => r.deleted),
          updated.map(([r]) => r.data),
          u,
          actor.deviceId,
          now,
          updated.map(([, s]) => s),
        ],
      );
    }
  }
}
