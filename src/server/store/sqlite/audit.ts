/**
 * The audit log on SQLite (README "Audit log"): one row per coordinator action or retention run —
 * when, who (user id and display name of the actor), what action, which record (entity and opaque
 * id only) and counts. It never holds a name, note or any value of the people helped: callers pass
 * ids and numbers only. Rows older than a year are purged by the daily job.
 * Listing is newest first, paged by row id (`before`: the last id of the previous page).
 */
import type Database from 'better-sqlite3';
import { AUDIT_COLUMNS, auditPage, auditValues, type AuditRow } from '../auditRows';
import type { AuditEntry, AuditQuery, StoredAuditEntry } from '../repository';

export class SqliteAudit {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      add: db.prepare(`INSERT INTO audit (at, actor_id, actor_name, action, entity, record_id, counts) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      page: db.prepare(
        `SELECT ${AUDIT_COLUMNS} FROM audit
         WHERE at >= ? AND at < ? AND id < ? ORDER BY id DESC LIMIT ?`,
      ),
      purge: db.prepare(`DELETE FROM audit WHERE at < ?`),
      userName: db.prepare(`SELECT name FROM users WHERE id = ?`).pluck(),
    };
  }

  /** The display name of a user (the id itself for the admin token or the system). */
  nameOf(userId: string): string {
    return (this.s.userName.get(userId) as string | undefined) ?? userId;
  }

  /** Adds one entry (inside the caller's transaction when there is one). */
  add(e: AuditEntry): void {
    this.s.add.run(...auditValues(e));
  }

  list(q: AuditQuery): { entries: StoredAuditEntry[]; hasMore: boolean } {
    const rows = this.s.page.all(q.from, q.to, q.before ?? Number.MAX_SAFE_INTEGER, q.limit + 1) as AuditRow[];
    return auditPage(rows, q.limit);
  }

  /** Deletes the entries older than `before` (an instant); returns how many. */
  purge(before: string): number {
    return this.s.purge.run(before).changes;
  }
}
