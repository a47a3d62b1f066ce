/**
 * Everything the server holds about one followed person, on SQLite (her right of access; README
 * "Her rights"): her record and those merged into her, the live accompaniments, mandates (with the
 * accompaniments that used each) and follow-ups naming any of her ids, her merges, and the op-log
 * entries of all these records with any copy kept for review. Read in one transaction, so the
 * dossier is one consistent moment. Names of users (who wrote what) are the mediators', never hers.
 */
import type Database from 'better-sqlite3';
import type { Dossier, DossierOp, DossierRecord, DossierResult } from '../repository';

interface Row {
  id: string;
  entity: string;
  version: number;
  deleted: number;
  data: string;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

interface OpRow {
  op_id: string;
  entity: string;
  record_id: string;
  status: string;
  received_at: string;
  by_name: string;
  device_id: string | null;
  base_version: number;
  version: number | null;
  deleted: number;
  fields: string | null;
  data: string | null;
  current: string | null;
}

const COLUMNS = `r.id, r.entity, r.version, r.deleted, r.data, COALESCE(c.name, r.created_by) AS created_by, r.created_at,
  COALESCE(u.name, r.updated_by) AS updated_by, r.updated_at`;
const FROM = `FROM records r LEFT JOIN users c ON c.id = r.created_by LEFT JOIN users u ON u.id = r.updated_by`;

const toRecord = (r: Row): DossierRecord => ({
  entity: r.entity,
  id: r.id,
  version: r.version,
  deleted: r.deleted === 1,
  data: JSON.parse(r.data) as Record<string, unknown>,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

const toOp = (o: OpRow): DossierOp => ({
  opId: o.op_id,
  entity: o.entity,
  recordId: o.record_id,
  status: o.status,
  receivedAt: o.received_at,
  by: o.by_name,
  deviceId: o.device_id,
  baseVersion: o.base_version,
  version: o.version,
  deleted: o.deleted === 1,
  fields: parsed(o.fields),
  sent: parsed(o.data),
  current: parsed(o.current),
});

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
