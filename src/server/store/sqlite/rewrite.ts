/**
 * Server-side rewrites of stored records (erasure, retention, merge): each change takes a new version
 * and the next `seq`, so every tablet that pulls the record gets it, and is logged in the op log
 * as an applied op of whoever made it (no data is kept in the log). Use inside a write transaction;
 * `finish()` stores the sequence once at the end.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface HeldRecord {
  id: string;
  entity: string;
  version: number;
}

export class RecordRewriter {
  private readonly s;
  private seq: number;
  /** How many records were rewritten. */
  written = 0;

  constructor(
    db: Database.Database,
    private readonly by: { userId: string; deviceId: string | null },
    private readonly now: string,
  ) {
    this.s = {
      update: db.prepare(`UPDATE records SET version = ?, deleted = ?, data = ?, updated_by = ?, updated_device = ?, updated_at = ?, seq = ? WHERE id = ?`),
      logOp: db.prepare(
        `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?)`,
      ),
      writeSeq: db.prepare(`UPDATE counters SET value = ? WHERE name = 'seq'`),
    };
    this.seq = (db.prepare(`SELECT value FROM counters WHERE name = 'seq'`).get() as { value: number }).value;
  }

  /** Writes a new version of `r` (`deleted`: a tombstone, stored with `{}`); returns the version. */
  write(r: HeldRecord, deleted: boolean, data: object): number {
    const version = r.version + 1;
    const { userId, deviceId } = this.by;
    this.s.update.run(version, deleted ? 1 : 0, deleted ? '{}' : JSON.stringify(data), userId, deviceId, this.now, ++this.seq, r.id);
    this.s.logOp.run(randomUUID(), userId, deviceId, r.entity, r.id, r.version, deleted ? 1 : 0, version, this.now);
    this.written++;
    return version;
  }

  /** Stores the last sequence used (call once, at the end of the transaction). */
  finish(): void {
    this.s.writeSeq.run(this.seq);
  }
}
