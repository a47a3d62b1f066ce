/**
 * Merging two followed people on PostgreSQL: sqlite/merges.ts's guarantees (one transaction; every
 * live accompaniment, mandate and follow-up of the duplicate names the survivor as a new version
 * logged as the coordinator's op; the duplicate becomes a tombstone; chains flattened), with the
 * locks of pushBatch.ts, taken in its order: the records first (in id order), then ops, tally
 * facts, and the `seq` counter last, so a merge and a push on another server never skip a change
 * nor lose one, and queue rather than deadlock.
 */
import type pg from 'pg';
import { mergeChanges, mergeRefusal, type ReferencingRecord } from '../../../domain/merge';
import type { Actor } from '../../../domain/sync';
import type { MergeResult } from '../repository';
import { PgRewriter, ROW_COLUMNS, type PgRow } from './rewrite';
import type { PgFacts } from './tallyFacts';

export async function pgMerge(
  c: pg.ClientBase,
  facts: PgFacts,
  actor: Actor & { deviceId: string | null },
  duplicateId: string,
  survivorId: string,
  now: string,
): Promise<MergeResult> {
  const cols = ROW_COLUMNS;
  const pair = (await c.query(`SELECT ${cols} FROM records WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[duplicateId, survivorId]])).rows as PgRow[];
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
    ).rows as PgRow[]
  ).filter((r) => (JSON.parse(r.data) as { beneficiaryId?: unknown }).beneficiaryId === duplicateId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const records = rows.map((r) => ({
    entity: r.entity as ReferencingRecord['entity'],
    id: r.id,
    deleted: false,
    data: JSON.parse(r.data) as ReferencingRecord['data'],
  }));
  // Written as the server's other rewrites are (rewrite.ts): op log, tally facts, then the
  // counter row locked last and the records with commit-ordered seqs.
  const rewrite = new PgRewriter({ userId: actor.userId, deviceId: actor.deviceId }, now);
  const moved = { accompaniments: 0, mandates: 0, followups: 0 };
  for (const ch of mergeChanges(duplicateId, survivorId, records)) {
    rewrite.write(byId.get(ch.id) as PgRow, false, ch.data);
    moved[ch.entity === 'accompaniment' ? 'accompaniments' : ch.entity === 'mandate' ? 'mandates' : 'followups']++;
  }
  rewrite.write(dup, true, {});
  // The person's record is gone: the copies of refused changes of it (personal data) go too.
  await c.query(`UPDATE ops SET data = NULL, current = NULL WHERE record_id = $1 AND (data IS NOT NULL OR current IS NOT NULL)`, [duplicateId]);
  await c.query(`UPDATE merges SET survivor_id = $1 WHERE survivor_id = $2`, [survivorId, duplicateId]);
  await c.query(`INSERT INTO merges (duplicate_id, survivor_id, merged_by, merged_at) VALUES ($1, $2, $3, $4)`, [duplicateId, survivorId, actor.userId, now]);
  await rewrite.finish(c, facts);
  return { status: 'merged', version: dup.version + 1, moved };
}
