/**
 * The audit log on PostgreSQL: sqlite/audit.ts's rows and rules (ids, actions and counts only,
 * never a personal value; newest first, paged by id). `id` is a bigserial: with several servers,
 * ids follow insertion, not commit, order — a page boundary is still exact (`id < before`).
 */
import type pg from 'pg';
import type { AuditEntry, AuditQuery, StoredAuditEntry } from '../repository';

interface AuditRow {
  id: number;
  at: string;
  actor_id: string;
  actor_name: string;
  action: AuditEntry['action'];
  entity: string | null;
  record_id: string | null;
  counts: string | null;
}

const toEntry = (r: AuditRow): StoredAuditEntry => ({
  id: r.id,
  at: r.at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  action: r.action,
  entity: r.entity,
  recordId: r.record_id,
  counts: r.counts === null ? null : (JSON.parse(r.counts) as Record<string, number>),
});

/** Adds one entry (inside the caller's transaction when `c` is one); counts other than numbers are dropped. */
export async function addAudit(c: pg.ClientBase | pg.Pool, e: AuditEntry): Promise<void> {
  const counts = e.counts ? Object.fromEntries(Object.entries(e.counts).filter(([, n]) => typeof n === 'number' && Number.isFinite(n))) : null;
  await c.query(`INSERT INTO audit (at, actor_id, actor_name, action, entity, record_id, counts) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    e.at,
    e.actorId,
    e.actorName,
    e.action,
    e.entity,
    e.recordId,
    counts ? JSON.stringify(counts) : null,
  ]);
}

export async function listAudit(pool: pg.Pool, q: AuditQuery): Promise<{ entries: StoredAuditEntry[]; hasMore: boolean }> {
  const rows = (
    await pool.query(
      `SELECT id, at, actor_id, actor_name, action, entity, record_id, counts FROM audit
       WHERE at >= $1 AND at < $2 AND id < $3 ORDER BY id DESC LIMIT $4`,
      [q.from, q.to, q.before ?? Number.MAX_SAFE_INTEGER, q.limit + 1],
    )
  ).rows as AuditRow[];
  return { entries: rows.slice(0, q.limit).map(toEntry), hasMore: rows.length > q.limit };
}

export async function purgeAudit(pool: pg.Pool, before: string): Promise<number> {
  return (await pool.query(`DELETE FROM audit WHERE at < $1`, [before])).rowCount ?? 0;
}

/** The display name of a user (the id itself for the admin token or the system). */
export async function userName(c: pg.ClientBase, userId: string): Promise<string> {
  return ((await c.query(`SELECT name FROM users WHERE id = $1`, [userId])).rows[0]?.name as string | undefined) ?? userId;
}
