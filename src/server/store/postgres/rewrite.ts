/**
 * Server-side rewrites of stored records on PostgreSQL (erasure, retention, merge): sqlite/rewrite.ts's
 * rules (each change a new version, logged as an applied op of whoever made it, no data in the
 * log) with pushBatch.ts's commit-ordered seqs: the changes are collected, then written at the
 * end — op log, tally facts (so tallies never lag), and last the `seq` counter row is locked and
 * the records take their seqs, as a push does. A tablet pulling meanwhile never passes them.
 * Use inside the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AccompanimentData } from '../../../domain/records';
import { accompanimentFact, encodeDims } from '../../../domain/tallyFacts';
import type { PgFacts } from './tallyFacts';

/** What a tally counts of a live accompaniment (its fact without its id), or null. */
const counted = (r: PgRow): string | null => {
  if (r.entity !== 'accompaniment' || r.deleted) return null;
  const f = accompanimentFact(r.id, JSON.parse(r.data) as AccompanimentData, r.created_by);
  return JSON.stringify([f.date, f.permanenceId, f.beneficiaryId, encodeDims(f)]);
};

/** A stored record as read (with what the facts need). */
export interface PgRow {
  id: string;
  entity: string;
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
  created_by: string;
}

export const ROW_COLUMNS = 'id, entity, version, deleted, data, owner_id, created_by';

export class PgRewriter {
  private readonly changed = new Map<string, PgRow>();
  /** The rows as read, before any change. */
  private readonly before = new Map<string, PgRow>();

  constructor(
    private readonly by: { userId: string; deviceId: string | null },
    private readonly now: string,
  ) {}

  /** How many records were rewritten. */
  get written(): number {
    return this.changed.size;
  }

  /** Queues a new version of `r` (`deleted`: a tombstone, stored with `{}`). */
  write(r: PgRow, deleted: boolean, data: object): void {
    if (!this.before.has(r.id)) this.before.set(r.id, r);
    const base = this.changed.get(r.id) ?? r;
    this.changed.set(r.id, { ...r, version: base.version + 1, deleted: deleted ? 1 : 0, data: deleted ? '{}' : JSON.stringify(data) });
  }

  /** Writes everything queued: op log, facts, then the records with commit-ordered seqs. */
  async finish(c: pg.ClientBase, facts: PgFacts): Promise<void> {
    const rows = [...this.changed.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (rows.length === 0) return;
    const { userId, deviceId } = this.by;
    await c.query(
      `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, received_at)
       SELECT v.op_id, $1, $2, v.entity, v.record_id, v.version - 1, v.deleted, 'applied', v.version, $3
       FROM unnest($4::text[], $5::text[], $6::text[], $7::int[], $8::int[]) AS v(op_id, entity, record_id, version, deleted)`,
      [
        userId,
        deviceId,
        this.now,
        rows.map(() => randomUUID()),
        rows.map((r) => r.entity),
        rows.map((r) => r.id),
        rows.map((r) => r.version),
        rows.map((r) => r.deleted),
      ],
    );
    // Facts of records whose counted part is unchanged (an accompaniment whose free text was
    // blanked: anonymising keeps every statistic) are left as they are: a first retention run
    // over years of visits does not rewrite every fact.
    await facts.write(
      c,
      rows.filter((r) => {
        const old = this.before.get(r.id) as PgRow;
        return !(r.entity === 'accompaniment' && !old.deleted && !r.deleted && counted(old) === counted(r));
      }),
    );
    // Commit-ordered seqs (pushBatch.ts `commit`): the counter row is locked last.
    const top = Number((await c.query(`UPDATE counters SET value = value + $1 WHERE name = 'seq' RETURNING value`, [rows.length])).rows[0].value);
    await c.query(
      `UPDATE records r SET version = v.version, deleted = v.deleted, data = v.data, updated_by = $5, updated_device = $6, updated_at = $7, seq = v.seq
       FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $8::bigint[]) AS v(id, version, deleted, data, seq) WHERE r.id = v.id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.version),
        rows.map((r) => r.deleted),
        rows.map((r) => r.data),
        userId,
        deviceId,
        this.now,
        rows.map((_, i) => top - rows.length + 1 + i),
      ],
    );
  }
}

/**
 * Makes the transaction the only writer of records until it commits (`EXCLUSIVE`: pulls and
 * other reads go on; pushes and merges wait): an erasure or a retention run decides on a stable
 * set of records, as SQLite's IMMEDIATE transaction does. Take it first, before any other lock.
 */
export async function lockRecords(c: pg.ClientBase): Promise<void> {
  await c.query(`LOCK TABLE records IN EXCLUSIVE MODE`);
}

/**
 * Drops every copy (and field reasons) of the listed records (retention.ts `forget`); returns how
 * many ops lost them. `IN (SELECT unnest…)` is a hash join: `= ANY` compares each row with the
 * whole list (a first retention run lists every record of thousands of people).
 */
export async function forgetCopies(c: pg.ClientBase, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await c.query(
    `UPDATE ops SET data = NULL, current = NULL, fields = NULL WHERE record_id IN (SELECT unnest($1::text[]))
     AND (data IS NOT NULL OR current IS NOT NULL OR fields IS NOT NULL)`,
    [ids],
  );
  return r.rowCount ?? 0;
}

/**
 * `LIKE` patterns of records whose text holds one of `ids`: a cheap filter before parsing the
 * JSON (the exact `beneficiaryId` test follows it). A `%` or `_` in an id only widens the filter.
 */
export const containing = (ids: readonly string[]): string[] => ids.map((id) => `%${id}%`);
