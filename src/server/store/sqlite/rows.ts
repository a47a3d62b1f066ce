/** Rows of the `records` table as SQLite returns them, and the change they describe. */
import type { Entity } from '../../../domain/records';
import type { ChangeRecord } from '../../../domain/sync';

export interface RecordRow {
  id: string;
  entity: Entity;
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
  seq: number;
}

export const RECORD_COLUMNS = 'id, entity, version, deleted, data, owner_id, seq';

export const toChange = (r: RecordRow): ChangeRecord => ({
  entity: r.entity,
  id: r.id,
  version: r.version,
  deleted: r.deleted === 1,
  data: JSON.parse(r.data) as Record<string, unknown>,
});
