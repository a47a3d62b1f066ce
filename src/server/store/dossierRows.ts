/**
 * The op-log and record rows a dossier is read from, and their mapping to the dossier's shapes:
 * the same SQL and columns on both engines (sqlite/dossier.ts, postgres/dossier.ts).
 */
import type { DossierOp, DossierRecord } from './repository';

export interface Row {
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

export interface OpRow {
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

/** The record columns of a dossier, with the names of who wrote them (SQL shared by both engines). */
export const COLUMNS = `r.id, r.entity, r.version, r.deleted, r.data, COALESCE(c.name, r.created_by) AS created_by, r.created_at,
  COALESCE(u.name, r.updated_by) AS updated_by, r.updated_at`;
export const FROM = `FROM records r LEFT JOIN users c ON c.id = r.created_by LEFT JOIN users u ON u.id = r.updated_by`;

export const toRecord = (r: Row): DossierRecord => ({
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

export const toOp = (o: OpRow): DossierOp => ({
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
