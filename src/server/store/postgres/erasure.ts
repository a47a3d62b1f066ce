/**
 * Erasing a followed person at her request, on PostgreSQL: sqlite/erasure.ts's guarantees
 * (tombstones marked `erased`, accompaniments kept with their free text blanked, her traits kept
 * without name in `erased_people` so tallies count the same, op-log copies purged, idempotent),
 * in one transaction that first takes the records table for itself (rewrite.ts `lockRecords`):
 * a push landing at the same time either commits before (and is erased with her) or waits and
 * then finds her ids erased (refused, pushBatch.ts). The new versions take commit-ordered seqs;
 * its `erase` audit entry is written in the same transaction.
 */
import type pg from 'pg';
import { anonymisedData, isAnonymised } from '../../../domain/anonymise';
import type { Entity } from '../../../domain/records';
import type { ErasingActor, ErasureCounts, ErasureResult } from '../repository';
import { addAudit, userName } from './audit';
import { containing, forgetCopies, lockRecords, PgRewriter, ROW_COLUMNS, type PgRow } from './rewrite';
import type { PgFacts } from './tallyFacts';

export async function pgErase(c: pg.ClientBase, facts: PgFacts, actor: ErasingActor, personId: string, now: string): Promise<ErasureResult> {
  await lockRecords(c);
  const person = (await c.query(`SELECT ${ROW_COLUMNS} FROM records WHERE id = $1`, [personId])).rows[0] as PgRow | undefined;
  if (person?.entity !== 'beneficiary') return { status: 'not_found' };
  const survivor = (await c.query(`SELECT survivor_id FROM merges WHERE duplicate_id = $1`, [personId])).rows[0]?.survivor_id as string | undefined;
  if (survivor && !(await c.query(`SELECT 1 FROM erased WHERE id = $1 AND person_id = $1`, [personId])).rowCount) {
    return { status: 'merged', survivorId: survivor };
  }
  const ids = [
    personId,
    ...((await c.query(`SELECT duplicate_id FROM merges WHERE survivor_id = $1`, [personId])).rows.map((r) => r.duplicate_id) as string[]),
  ];
  const writer = new PgRewriter(actor, now);
  const counts: ErasureCounts = { people: 0, mandates: 0, followups: 0, accompaniments: 0, opCopies: 0 };
  const touched: string[] = [...ids];
  const marks: [string, string][] = [];

  if (!person.deleted) {
    const b = JSON.parse(person.data) as { birthYear?: number | null; gender?: string; socialStatus?: string; qpv?: boolean; public?: string };
    await c.query(
      `INSERT INTO erased_people (id, owner_id, birth_year, gender, social_status, qpv, public) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [person.id, person.owner_id, b.birthYear ?? null, b.gender ?? 'unknown', b.socialStatus ?? 'unknown', b.qpv ? 1 : 0, b.public ?? null],
    );
  }
  const already = new Set((await c.query(`SELECT id FROM erased WHERE id = ANY($1::text[])`, [ids])).rows.map((r) => r.id as string));
  const own = new Map(((await c.query(`SELECT ${ROW_COLUMNS} FROM records WHERE id = ANY($1::text[])`, [ids])).rows as PgRow[]).map((r) => [r.id, r]));
  for (const id of ids) {
    const r = own.get(id);
    if (!r || already.has(id)) continue;
    // Even an already deleted record gets a new version: the `erased` mark makes tablets drop it.
    writer.write(r, true, {});
    marks.push([id, r.entity]);
    counts.people++;
  }
  const referencing = (
    await c.query(
      `SELECT ${ROW_COLUMNS} FROM records WHERE entity IN ('accompaniment', 'mandate', 'followup') AND deleted = 0
       AND data LIKE ANY($2::text[]) AND (data::json ->> 'beneficiaryId') = ANY($1::text[])`,
      [ids, containing(ids)],
    )
  ).rows as PgRow[];
  for (const r of referencing) {
    touched.push(r.id);
    if (r.entity === 'accompaniment') {
      const data = JSON.parse(r.data) as object;
      if (isAnonymised('accompaniment', data)) continue;
      writer.write(r, false, anonymisedData('accompaniment' as Entity, data));
      counts.accompaniments++;
    } else {
      writer.write(r, true, {});
      marks.push([r.id, r.entity]);
      counts[r.entity === 'mandate' ? 'mandates' : 'followups']++;
    }
  }
  if (marks.length) {
    await c.query(
      `INSERT INTO erased (id, entity, person_id, erased_at) SELECT v.id, v.entity, $3, $4 FROM unnest($1::text[], $2::text[]) AS v(id, entity)
       ON CONFLICT (id) DO NOTHING`,
      [marks.map(([id]) => id), marks.map(([, e]) => e), personId, now],
    );
  }
  counts.opCopies = await forgetCopies(c, touched);
  await writer.finish(c, facts);
  // The audit entry commits with the erasure, or neither does.
  const actorName = actor.name ?? (await userName(c, actor.userId));
  await addAudit(c, { at: now, actorId: actor.userId, actorName, action: 'erase', entity: 'beneficiary', recordId: personId, counts: { ...counts } });
  return { status: 'erased', counts };
}
