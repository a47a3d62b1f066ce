/**
 * Everything the server holds about one followed person, on PostgreSQL: sqlite/dossier.ts's
 * contents and order, read in one REPEATABLE READ transaction (one snapshot: the dossier is one
 * consistent moment even while other servers push).
 */
import type pg from 'pg';
import { containing } from './rewrite';
import type { Dossier, DossierResult } from '../repository';

import { COLUMNS, FROM, toOp, toRecord, type OpRow, type Row } from '../dossierRows';

/** Call inside a transaction (the repository opens it REPEATABLE READ). */
export async function pgDossier(c: pg.ClientBase, personId: string): Promise<DossierResult> {
  const row = (await c.query(`SELECT ${COLUMNS} ${FROM} WHERE r.id = $1`, [personId])).rows[0] as Row | undefined;
  if (row?.entity !== 'beneficiary') return { status: 'not_found' };
  if ((await c.query(`SELECT 1 FROM erased WHERE id = $1 AND person_id = $1`, [personId])).rowCount) return { status: 'erased' };
  const survivor = (await c.query(`SELECT survivor_id FROM merges WHERE duplicate_id = $1`, [personId])).rows[0]?.survivor_id as string | undefined;
  if (survivor) return { status: 'merged', survivorId: survivor };

  const merges = (
    await c.query(
      `SELECT m.duplicate_id AS "duplicateId", m.survivor_id AS "survivorId", m.merged_at AS "mergedAt", COALESCE(u.name, m.merged_by) AS "mergedBy"
       FROM merges m LEFT JOIN users u ON u.id = m.merged_by WHERE m.survivor_id = $1 ORDER BY m.merged_at COLLATE "C"`,
      [personId],
    )
  ).rows as Dossier['merges'];
  const mergedIds = merges.map((m) => m.duplicateId);
  const ids = [personId, ...mergedIds];
  const named = (
    (
      await c.query(
        `SELECT ${COLUMNS} ${FROM} WHERE r.entity IN ('accompaniment', 'mandate', 'followup') AND r.deleted = 0
         AND r.data LIKE ANY($2::text[]) AND (r.data::json ->> 'beneficiaryId') = ANY($1::text[]) ORDER BY r.entity COLLATE "C", r.created_at COLLATE "C"`,
        [ids, containing(ids)],
      )
    ).rows as Row[]
  ).map(toRecord);
  const accompaniments = named.filter((r) => r.entity === 'accompaniment');
  const mandates = named
    .filter((r) => r.entity === 'mandate')
    .map((m) => ({
      ...m,
      uses: accompaniments.filter((a) => a.data.mandateId === m.id).map((a) => ({ accompanimentId: a.id, date: String(a.data.date) })),
    }));
  const opLog = (
    (
      await c.query(
        `SELECT o.op_id, o.entity, o.record_id, o.status, o.received_at, COALESCE(u.name, o.user_id) AS by_name, o.device_id, o.base_version,
         o.version, o.deleted, o.fields, o.data, o.current
         FROM ops o LEFT JOIN users u ON u.id = o.user_id WHERE o.record_id = ANY($1::text[]) ORDER BY o.received_at COLLATE "C", o.op_id COLLATE "C"`,
        [[...ids, ...named.map((r) => r.id)]],
      )
    ).rows as OpRow[]
  ).map(toOp);
  return {
    status: 'found',
    dossier: { person: toRecord(row), mergedIds, merges, accompaniments, mandates, followups: named.filter((r) => r.entity === 'followup'), opLog },
  };
}
