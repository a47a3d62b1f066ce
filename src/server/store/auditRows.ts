/**
 * The audit log's rows, engine-neutral (README "Audit log"): the columns both stores read, the
 * mapping of a row to an entry, the counts kept (numbers only: anything else is dropped rather
 * than stored, so no personal value can ride along), and a page cut from `limit + 1` rows.
 * sqlite/audit.ts and postgres/audit.ts hold only their SQL dialect and driver calls.
 */
import type { AuditEntry, RetentionCounts, StoredAuditEntry } from './repository';

export const AUDIT_COLUMNS = 'id, at, actor_id, actor_name, action, entity, record_id, counts';

export interface AuditRow {
  id: number;
  at: string;
  actor_id: string;
  actor_name: string;
  action: AuditEntry['action'];
  entity: string | null;
  record_id: string | null;
  counts: string | null;
}

export const toAuditEntry = (r: AuditRow): StoredAuditEntry => ({
  id: r.id,
  at: r.at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  action: r.action,
  entity: r.entity,
  recordId: r.record_id,
  counts: r.counts === null ? null : (JSON.parse(r.counts) as Record<string, number>),
});

/** The values of one new row, in `INSERT INTO audit (at, actor_id, actor_name, action, entity, record_id, counts)` order. */
export function auditValues(e: AuditEntry): [string, string, string, string, string | null, string | null, string | null] {
  const counts = e.counts ? Object.fromEntries(Object.entries(e.counts).filter(([, n]) => typeof n === 'number' && Number.isFinite(n))) : null;
  return [e.at, e.actorId, e.actorName, e.action, e.entity, e.recordId, counts ? JSON.stringify(counts) : null];
}

/** One page from the `limit + 1` newest rows a query returned. */
export function auditPage(rows: readonly AuditRow[], limit: number): { entries: StoredAuditEntry[]; hasMore: boolean } {
  return { entries: rows.slice(0, limit).map(toAuditEntry), hasMore: rows.length > limit };
}

/** Who the daily retention job acts as, in the op log and the audit log. */
export const RETENTION_ACTOR = { userId: 'system', name: 'Conservation automatique' } as const;

/** The audit entry of one retention run: its counts only. */
export function retentionAuditEntry(at: string, counts: RetentionCounts): AuditEntry {
  return { at, actorId: RETENTION_ACTOR.userId, actorName: RETENTION_ACTOR.name, action: 'retention', entity: null, recordId: null, counts: { ...counts } };
}
