/**
 * The audit log on PostgreSQL: sqlite/audit.ts's rows and rules (ids, actions and counts only,
 * never a personal value; newest first, paged by id). `id` is a bigserial: with several servers,
 * ids follow insertion, not commit, order — a page boundary is still exact (`id < before`).
 */
import type pg from 'pg';
import { AUDIT_COLUMNS, auditPage, auditValues, type AuditRow } from '../auditRows';
import type { AuditEntry, AuditQuery, StoredAuditEntry } from '../repository';

/** Adds one entry (inside the caller's transaction when `c` is one); counts other than numbers are dropped. */
export async function addAudit(c: pg.ClientBase | pg.Pool, e: AuditEntry): Promise<void> {
  await c.query(`INSERT INTO audit (at, actor_id, actor_name, action, entity, record_id, counts) VALUES ($1, $2, $3, $4, $5, $6, $7)`, auditValues(e));
}

export async function listAudit(pool: pg.Pool, q: AuditQuery): Promise<{ entries: StoredAuditEntry[]; hasMore: boolean }> {
  const rows = (
    await pool.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit
       WHERE at >= $1 AND at < $2 AND id < $3 ORDER BY id DESC LIMIT $4`,
      [q.from, q.to, q.before ?? Number.MAX_SAFE_INTEGER, q.limit + 1],
    )
  ).rows as AuditRow[];
  return auditPage(rows, q.limit);
}

export async function purgeAudit(pool: pg.Pool, before: string): Promise<number> {
  return (await pool.query(`DELETE FROM audit WHERE at < $1`, [before])).rowCount ?? 0;
}

/** The display name of a user (the id itself for the admin token or the system). */
export async function userName(c: pg.ClientBase, userId: string): Promise<string> {
  return ((await c.query(`SELECT name FROM users WHERE id = $1`, [userId])).rows[0]?.name as string | undefined) ?? userId;
}
