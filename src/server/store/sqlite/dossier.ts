/**
 * Everything the server holds about one followed person, on SQLite (her right of access; README
 * "Her rights"): her record and those merged into her, the live accompaniments, mandates (with the
 * accompaniments that used each) and follow-ups naming any of her ids, her merges, and the op-log
 * entries of all these records with any copy kept for review. Read in one transaction, so the
 * dossier is one consistent moment. Names of users (who wrote what) are the mediators', never hers.
 */
import type Database from 'better-sqlite3';
import type { Dossier, DossierResult } from '../repository';

import { COLUMNS, FROM, toOp, toRecord, type OpRow, type Row } from '../dossierRows';

export class SqliteDossier {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      record: db.prepare(`SELECT ${COLUMNS} ${FROM} WHERE r.id = ?`),
      erased: db.prepare(`SELECT 1 FROM erased WHERE id = ? AND person_id = ?`).pluck(),
      survivor: db.prepare(`SELECT survivor_id FROM merges WHERE duplicate_id = ?`).pluck(),
      merges: db.prepare(
        `SELECT m.duplicate_id AS duplicateId, m.survivor_id AS survivorId, m.merged_at AS mergedAt, COALESCE(u.name, m.merged_by) AS mergedBy
         FROM merges m LEFT JOIN users u ON u.id = m.merged_by WHERE m.survivor_id = ? ORDER BY m.merged_at`,
      ),
      referencing: db.prepare(
        `SELECT ${COLUMNS} ${FROM} WHERE r.entity IN ('accompaniment', 'mandate', 'followup') AND r.deleted = 0
         AND json_extract(r.data, '$.beneficiaryId') IN (SELECT value FROM json_each(?)) ORDER BY r.entity, r.created_at`,
      ),
      ops: db.prepare(
        `SELECT o.op_id, o.entity, o.record_id, o.status, o.received_at, COALESCE(u.name, o.user_id) AS by_name, o.device_id, o.base_version,
         o.version, o.deleted, o.fields, o.data, o.current
         FROM ops o LEFT JOIN users u ON u.id = o.user_id WHERE o.record_id IN (SELECT value FROM json_each(?)) ORDER BY o.received_at, o.op_id`,
      ),
    };
  }

  read(personId: string): DossierResult {
    const s = this.s;
    return this.db.transaction((): DossierResult => {
      const row = s.record.get(personId) as Row | undefined;
      if (row?.entity !== 'beneficiary') return { status: 'not_found' };
      if (s.erased.get(personId, personId)) return { status: 'erased' };
      const survivor = s.survivor.get(personId) as string | undefined;
      if (survivor) return { status: 'merged', survivorId: survivor };

      const merges = s.merges.all(personId) as Dossier['merges'];
      const mergedIds = merges.map((m) => m.duplicateId);
      const ids = [personId, ...mergedIds];
      const named = (s.referencing.all(JSON.stringify(ids)) as Row[]).map(toRecord);
      const accompaniments = named.filter((r) => r.entity === 'accompaniment');
      const mandates = named
        .filter((r) => r.entity === 'mandate')
        .map((m) => ({
          ...m,
          uses: accompaniments.filter((a) => a.data.mandateId === m.id).map((a) => ({ accompanimentId: a.id, date: String(a.data.date) })),
        }));
      const opLog = (s.ops.all(JSON.stringify([...ids, ...named.map((r) => r.id)])) as OpRow[]).map(toOp);
      return {
        status: 'found',
        dossier: { person: toRecord(row), mergedIds, merges, accompaniments, mandates, followups: named.filter((r) => r.entity === 'followup'), opLog },
      };
    })();
  }
}
