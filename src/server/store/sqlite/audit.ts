/**
 * The audit log on SQLite (README "Audit log"): one row per coordinator action or retention run —
 * when, who (user id and display name of the actor), what action, which record (entity and opaque
 * id only) and counts. It never holds a name, note or any value of the people helped: callers pass
 * ids and numbers only. Rows older than a year are purged by the daily job.
 * Listing is newest first, paged by row id (`before`: the last id of the previous page).
 */
import type Database from 'better-sqlite3';
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

export class SqliteAudit {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      add: db.prepare(`INSERT INTO audit (at, actor_id, actor_name, action, entity, record_id, counts) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      page: db.prepare(
        `SELECT id, at, actor_id, actor_name, action, entity, record_id, counts FROM audit
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
    // Counts are numbers only: anything else is dropped rather than stored.
    const counts = e.counts ? Object.fromEntries(Object.entries(e.counts).filter(([, n]) => typeof n === 'number' && Number.isFinite(n))) : null;
    this.s.add.run(e.at, e.actorId, e.actorName, e.action, e.entity, e.recordId, counts ? JSON.stringify(counts) : null);
  }

  list(q: AuditQuery): { entries: StoredAuditEntry[]; hasMore: boolean } {
    const rows = this.s.page.all(q.from, q.to, q.before ?? Number.MAX_SAFE_INTEGER, q.limit + 1) as AuditRow[];
    return { entries: rows.slice(0, q.limit).map(toEntry), hasMore: rows.length > q.limit };
  }

  /** Deletes the entries older than `before` (an instant); returns how many. */
  purge(before: string): number {
    return this.s.purge.run(before).changes;
  }
}
