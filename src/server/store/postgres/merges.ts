/**
 * Merging two followed people on PostgreSQL: sqlite/merges.ts's guarantees (one transaction; every
 * live accompaniment, mandate and follow-up of the duplicate names the survivor as a new version
 * logged as the coordinator's op; the duplicate becomes a tombstone; chains flattened), with the
 * locks of pushBatch.ts, taken in its order: the records first (in id order), then ops, tally
 * facts, and the `seq` counter last, so a merge and a push on another server never skip a change
 * nor lose one, and queue rather than deadlock.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { mergeChanges, mergeRefusal, type ReferencingRecord } from '../../../domain/merge';
import type { Actor } from '../../../domain/sync';
import type { MergeResult } from '../repository';
import type { PgFacts } from './tallyFacts';

interface Row {
  id: string;
  entity: string;
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
  created_by: string;
}

export async function pgMerge(
  c: pg.ClientBase,
  facts: PgFacts,
  actor: Actor & { deviceId: string | null },
  duplicateId: string,
  survivorId: string,
  now: string,
): Promise<MergeResult> {
  const cols = 'id, entity, version, deleted, data, owner_id, created_by';
  const pair = (await c.query(`SELECT ${cols} FROM records WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[duplicateId, survivorId]])).rows as Row[];
  const dup = pair.find((r) => r.id === duplicateId);
  const surv = pair.find((r) => r.id === survivorId);
  if (dup?.entity !== 'beneficiary' || surv?.entity !== 'beneficiary') return { status: 'not_found' };
  const refusal = mergeRefusal(
    { id: dup.id, deleted: dup.deleted === 1, ownerId: dup.owner_id },
    { id: surv.id, deleted: surv.deleted === 1, ownerId: surv.owner_id },
  );
  if (refusal) return { status: 'refused', reason: refusal };

  // Prefiltered on the text, checked on the parsed value: no `::jsonb` cast, which fails for
  // good on a row whose JSON text holds an escaped NUL (`\u0000`, valid JSON, not in jsonb).
  const rows = (
    (
      await c.query(
        `SELECT ${cols} FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0
           AND strpos(data, $1) > 0 ORDER BY id FOR UPDATE`,
        [duplicateId],
      )
    ).rows as Row[]
  ).filter((r) => (JSON.parse(r.data) as { beneficiaryId?: unknown }).beneficiaryId === duplicateId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const records = rows.map((r) => ({
    entity: r.entity as ReferencingRecord['entity'],
    id: r.id,
    deleted: false,
    data: JSON.parse(r.data) as ReferencingRecord['data'],
  }));
  const changed: Row[] = [];
  const moved = { accompaniments: 0, mandates: 0, followups: 0 };
  for (const ch of mergeChanges(duplicateId, survivorId, records)) {
    const r = byId.get(ch.id) as Row;
    changed.push({ ...r, version: r.version + 1, data: JSON.stringify(ch.data) });
    moved[ch.entity === 'accompaniment' ? 'accompaniments' : ch.entity === 'mandate' ? 'mandates' : 'followups']++;
  }
  changed.push({ ...dup, version: dup.version + 1, deleted: 1, data: '{}' });
  // The person's record is gone: the copies of refused changes of it (personal data) go too.
  await c.query(`UPDATE ops SET data = NULL, current = NULL WHERE record_id = $1 AND (data IS NOT NULL OR current IS NOT NULL)`, [duplicateId]);
  await c.query(`UPDATE merges SET survivor_id = $1 WHERE survivor_id = $2`, [survivorId, duplicateId]);
  await c.query(`INSERT INTO merges (duplicate_id, survivor_id, merged_by, merged_at) VALUES ($1, $2, $3, $4)`, [duplicateId, survivorId, actor.userId, now]);
  for (const r of changed) {
    await c.query(
      `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'applied', $8, $9)`,
      [randomUUID(), actor.userId, actor.deviceId, r.entity, r.id, r.version - 1, r.deleted, r.version, now],
    );
  }
  // The lock order of a push (pushBatch.ts `commit`: records, ops, facts, counter): the tally
  // facts before the counter, else a merge holding the counter and a push holding a fact group
  // would wait on each other. The counter row is locked last (commit-ordered seqs).
  await facts.write(
    c,
    [...changed].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );
  const top = Number((await c.query(`UPDATE counters SET value = value + $1 WHERE name = 'seq' RETURNING value`, [changed.length])).rows[0].value);
  await c.query(
    `UPDATE records r SET version = v.version, deleted = v.deleted, data = v.data, updated_by = $5, updated_device = $6, updated_at = $7, seq = v.seq
     FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $8::bigint[]) AS v(id, version, deleted, data, seq) WHERE r.id = v.id`,
    [
      changed.map((r) => r.id),
      changed.map((r) => r.version),
      changed.map((r) => r.deleted),
      changed.map((r) => r.data),
      actor.userId,
      actor.deviceId,
      now,
      changed.map((_, i) => top - changed.length + 1 + i),
    ],
  );
  return { status: 'merged', version: dup.version + 1, moved };
}
