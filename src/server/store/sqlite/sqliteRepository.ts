/**
 * The SQLite store (better-sqlite3, one file in RELAIS_DATA_DIR). The database handle is injected
 * (`SqliteRepository.open(file)` opens one with the right settings); every statement is prepared
 * once, in the constructor. Methods are async to honour the engine-neutral Repository interface;
 * each runs synchronously inside, so a transaction never spans an await.
 *
 * Guarantees:
 * - a push batch runs in one IMMEDIATE transaction (the write lock is taken first): all its results
 *   are committed together, or none;
 * - the batch's opIds are looked up in one query under that lock, then each new one is inserted
 *   (with its final result, refused ops included) under a primary key before its record is
 *   touched: a batch delivered twice or concurrently can never apply an op twice, and ops of one
 *   batch (the same opId twice, two ops of one record) behave exactly as if sent one by one;
 * - a record's `seq` takes the next value of one counter at each change (allocated per batch,
 *   inside its transaction): pulls follow it, so each changed record comes once, at its latest
 *   version; a cursor names the database (`identity`), so another database's cursor is refused;
 * - copies of refused and conflicting changes (`ops.data`, `ops.current`) are kept until the
 *   change is resolved (a later op of the same record by the same user is applied, or the record
 *   is deleted) or for 90 days: see `retention.ts`;
 * - synchronous=FULL: an answered push survives a power cut.
 */
import type Database from 'better-sqlite3';
import type { PushOp } from '../../../domain/outbox';
import {
  decidePush,
  formatCursor,
  isRefused,
  reviewCopy,
  PULL_MAX_BYTES,
  type Actor,
  type ChangeRecord,
  type Cursor,
  type IncomingOp,
  type PullAnswer,
  type PushResult,
  type StoredHead,
} from '../../../domain/sync';
import type { Entity } from '../../../domain/records';
import type { FieldError } from '../../../domain/validation';
import type { Device, Enrolment, Repository, StoredRecord, User } from '../repository';
import type { FactsAnswer, FactsQuery } from '../types';
import { openSqliteDatabase } from './database';
import { migrate } from './migrations';
import { KeptCopies } from './retention';
import { SqliteTallyFacts } from './tallyFacts';

interface DeviceRow {
  id: string;
  label: string;
  created_at: string;
  last_sync_at: string | null;
  revoked_at: string | null;
  user_id: string;
  user_name: string;
  role: User['role'];
}

interface RecordRow {
  id: string;
  entity: Entity;
  version: number;
  deleted: number;
  data: string;
  owner_id: string;
  seq: number;
}

interface PulledRow extends RecordRow {
  created_at: string;
  created_by_name: string;
}

/** An op as remembered (or just claimed in this batch): enough to answer its opId again. */
interface OpRow {
  op_id: string;
  user_id: string;
  status: string;
  version: number | null;
  fields: string | null;
  current: string | null;
  record_id: string;
}

interface Batch {
  known: Map<string, OpRow>;
  heads: Map<string, StoredHead>;
  kept: Set<string>;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  label: r.label,
  createdAt: r.created_at,
  lastSyncAt: r.last_sync_at,
  revokedAt: r.revoked_at,
  user: { id: r.user_id, name: r.user_name, role: r.role },
});

const toChange = (r: RecordRow): ChangeRecord => ({
  entity: r.entity,
  id: r.id,
  version: r.version,
  deleted: r.deleted === 1,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** The envelope of a pulled change around its data, in JSON (ids, version, names, dates). */
const CHANGE_OVERHEAD_BYTES = 300;

const nameKey = (name: string) => name.trim().toLocaleLowerCase('fr-FR');

const DEVICE_SELECT = `SELECT d.id, d.label, d.created_at, d.last_sync_at, d.revoked_at, u.id AS user_id, u.name AS user_name, u.role
  FROM devices d JOIN users u ON u.id = d.user_id`;

export class SqliteRepository implements Repository {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly stmt;
  private readonly facts: SqliteTallyFacts;
  private readonly kept: KeptCopies;
  private readonly dbId: string;

  /** Opens (and migrates) the database file with the settings of `openSqliteDatabase`. */
  static open(file: string): SqliteRepository {
    return new SqliteRepository(openSqliteDatabase(file));
  }

  constructor(db: Database.Database) {
    this.db = db;
    migrate(db);
    this.facts = new SqliteTallyFacts(db);
    this.kept = new KeptCopies(db);
    this.dbId = (db.prepare(`SELECT db_id FROM identity`).get() as { db_id: string }).db_id;

    this.stmt = {
      claimOp: db.prepare(
        `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, fields, current, data, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      previousOp: db.prepare(`SELECT user_id, status, version, fields, current, record_id FROM ops WHERE op_id = ?`),
      // One query for a batch's opIds, one for the heads of its records (ids as a JSON array).
      knownOps: db.prepare(`SELECT op_id, user_id, status, version, fields, current, record_id FROM ops WHERE op_id IN (SELECT value FROM json_each(?))`),
      heads: db.prepare(`SELECT id, entity, version, owner_id AS ownerId FROM records WHERE id IN (SELECT value FROM json_each(?))`),
      record: db.prepare(`SELECT id, entity, version, deleted, data, owner_id, seq FROM records WHERE id = ?`),
      touch: db.prepare(`UPDATE devices SET last_sync_at = ? WHERE id = ?`),
      touchIfOld: db.prepare(`UPDATE devices SET last_sync_at = ? WHERE id = ? AND (last_sync_at IS NULL OR last_sync_at < ?)`),
      readSeq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
      writeSeq: db.prepare(`UPDATE counters SET value = ? WHERE name = 'seq'`),
      insertRecord: db.prepare(
        `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_device, updated_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateRecord: db.prepare(
        `UPDATE records SET version = ?, deleted = ?, data = ?, updated_by = ?, updated_device = ?, updated_at = ?, seq = ? WHERE id = ?`,
      ),
      pullAll: db.prepare(
        `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, r.created_at, COALESCE(u.name, r.created_by) AS created_by_name
         FROM records r LEFT JOIN users u ON u.id = r.created_by WHERE r.seq > ? ORDER BY r.seq LIMIT ?`,
      ),
      countUsers: db.prepare(`SELECT COUNT(*) AS n FROM users`),
      userByName: db.prepare(`SELECT id, name, role FROM users WHERE name_key = ?`),
      insertEnrolment: db.prepare(`INSERT INTO enrolments (code_hash, role, name, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`),
      consumeEnrolment: db.prepare(
        `UPDATE enrolments SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING role, name, expires_at AS expiresAt`,
      ),
      insertUser: db.prepare(`INSERT INTO users (id, name, name_key, role, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING`),
      userIdByKey: db.prepare(`SELECT id FROM users WHERE name_key = ?`),
      insertDevice: db.prepare(`INSERT INTO devices (id, user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`),
      deviceById: db.prepare(`${DEVICE_SELECT} WHERE d.id = ?`),
      deviceByToken: db.prepare(`${DEVICE_SELECT} WHERE d.token_hash = ?`),
      listDevices: db.prepare(`${DEVICE_SELECT} ORDER BY d.revoked_at IS NOT NULL, u.name, d.created_at`),
      deviceRevokedAt: db.prepare(`SELECT revoked_at FROM devices WHERE id = ?`),
      revokeDevice: db.prepare(`UPDATE devices SET revoked_at = ? WHERE id = ?`),
      // A fixed shape for any list of entities (a JSON array), with or without an owner.
      records: [false, true].map((own) =>
        db.prepare(
          `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, r.updated_at, COALESCE(u.name, r.created_by) AS created_by_name
           FROM records r LEFT JOIN users u ON u.id = r.created_by
           WHERE r.deleted = 0 AND r.entity IN (SELECT value FROM json_each(?))${own ? ' AND r.owner_id = ?' : ''}`,
        ),
      ),
      pullOwn: db.prepare(
        `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, r.created_at, COALESCE(u.name, r.created_by) AS created_by_name
         FROM records r LEFT JOIN users u ON u.id = r.created_by
         WHERE r.seq > ? AND (r.owner_id = ? OR r.entity IN ('relay', 'procedure')) ORDER BY r.seq LIMIT ?`,
      ),
    };
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async countUsers(): Promise<number> {
    return (this.stmt.countUsers.get() as { n: number }).n;
  }

  async findUserByName(name: string): Promise<User | undefined> {
    return this.stmt.userByName.get(nameKey(name)) as User | undefined;
  }

  async createEnrolment(e: Enrolment & { codeHash: string; createdBy: string; createdAt: string }): Promise<void> {
    this.stmt.insertEnrolment.run(e.codeHash, e.role, e.name.trim(), e.createdBy, e.createdAt, e.expiresAt);
  }

  async consumeEnrolment(codeHash: string, now: string): Promise<Enrolment | undefined> {
    return this.stmt.consumeEnrolment.get(now, codeHash, now) as Enrolment | undefined;
  }

  async createDevice(d: { id: string; label: string; tokenHash: string; enrolment: Enrolment; createdAt: string; newUserId: string }): Promise<Device> {
    const s = this.stmt;
    return this.db.transaction(() => {
      const key = nameKey(d.enrolment.name);
      s.insertUser.run(d.newUserId, d.enrolment.name.trim(), key, d.enrolment.role, d.createdAt);
      const user = s.userIdByKey.get(key) as { id: string };
      s.insertDevice.run(d.id, user.id, d.label, d.tokenHash, d.createdAt);
      return toDevice(s.deviceById.get(d.id) as DeviceRow);
    })();
  }

  async findDeviceByTokenHash(tokenHash: string): Promise<Device | undefined> {
    const row = this.stmt.deviceByToken.get(tokenHash) as DeviceRow | undefined;
    return row && toDevice(row);
  }

  async listDevices(): Promise<Device[]> {
    return (this.stmt.listDevices.all() as DeviceRow[]).map(toDevice);
  }

  async revokeDevice(id: string, now: string): Promise<boolean> {
    const found = this.stmt.deviceRevokedAt.get(id) as { revoked_at: string | null } | undefined;
    if (!found) return false;
    if (!found.revoked_at) this.stmt.revokeDevice.run(now, id);
    return true;
  }

  async touchDevice(id: string, now: string): Promise<void> {
    // Pulls come often: a write (and its durable commit) at most once a minute per device.
    const aMinuteAgo = new Date(Date.parse(now) - 60_000).toISOString();
    this.stmt.touchIfOld.run(now, id, aMinuteAgo);
  }

  async push(actor: Actor & { deviceId: string | null }, ops: IncomingOp[], now: string): Promise<PushResult[]> {
    // IMMEDIATE: the write lock is taken before the opIds are looked up, so no other batch can
    // claim one of them between the lookup and the insert.
    return this.db
      .transaction(() => {
        this.kept.sweepIfDue(now);
        const batch = this.prefetch(ops);
        const seq = { value: (this.stmt.readSeq.get() as { value: number }).value };
        const results = ops.map((op) => this.pushOne(actor, op, now, seq, batch));
        this.stmt.writeSeq.run(seq.value);
        // The device's last sync is written in the same (durable) transaction: one commit per push.
        if (actor.deviceId) this.stmt.touch.run(now, actor.deviceId);
        return results;
      })
      .immediate();
  }

  /** What the batch needs to know, in three queries: its opIds already claimed, its records' heads, which have kept copies. */
  private prefetch(ops: IncomingOp[]): Batch {
    const known = new Map<string, OpRow>();
    for (const row of this.stmt.knownOps.all(JSON.stringify(ops.map((o) => o.opId))) as OpRow[]) known.set(row.op_id, row);
    const ids = JSON.stringify([...new Set(ops.flatMap((o) => (isRefused(o) ? [] : [o.id])))]);
    const heads = new Map<string, StoredHead>();
    for (const h of this.stmt.heads.all(ids) as (StoredHead & { id: string })[]) heads.set(h.id, h);
    return { known, heads, kept: this.kept.among(ids) };
  }

  private pushOne(actor: Actor & { deviceId: string | null }, op: IncomingOp, now: string, seq: { value: number }, batch: Batch): PushResult {
    const s = this.stmt;
    const known = batch.known.get(op.opId);
    if (known) return this.previousResult(known, actor);
    const head = isRefused(op) ? undefined : batch.heads.get(op.id);
    const decision = isRefused(op) ? ({ kind: 'rejected', fields: op.refused } as const) : decidePush(op, head, actor);
    const result: PushResult =
      decision.kind === 'apply'
        ? { opId: op.opId, status: 'applied', version: decision.version }
        : decision.kind === 'rejected'
          ? { opId: op.opId, status: 'rejected', fields: decision.fields }
          : { opId: op.opId, status: 'conflict', current: head ? toChange(s.record.get(op.id) as RecordRow) : null };
    // The copy of a refused or conflicting change, for review (never for an envelope refusal).
    // (Too deep or too large data was refused by validation and is not kept: never serialised.)
    const copy = result.status === 'applied' || isRefused(op) ? null : decision.kind === 'conflict' ? JSON.stringify(op.data) : reviewCopy(op.data);
    const row: OpRow = {
      op_id: op.opId,
      user_id: actor.userId,
      status: result.status,
      version: result.version ?? null,
      fields: result.fields ? JSON.stringify(result.fields) : null,
      current: result.current ? JSON.stringify(result.current) : null,
      record_id: op.id,
    };
    // Claiming the opId (under its primary key) is what makes a resent op harmless.
    s.claimOp.run(
      op.opId,
      actor.userId,
      actor.deviceId,
      op.entity,
      op.id,
      op.baseVersion,
      op.deleted ? 1 : 0,
      row.status,
      row.version,
      row.fields,
      row.current,
      copy,
      now,
    );
    batch.known.set(op.opId, row);
    if (copy !== null || row.current !== null) batch.kept.add(op.id);
    if (decision.kind === 'apply') {
      const applied = op as PushOp;
      // A tombstone carries no data: whatever it was sent with, `{}` is stored.
      const data = op.deleted ? '{}' : JSON.stringify(applied.data);
      const deleted = op.deleted ? 1 : 0;
      const u = actor.userId;
      if (head) s.updateRecord.run(decision.version, deleted, data, u, actor.deviceId, now, ++seq.value, op.id);
      else s.insertRecord.run(op.id, op.entity, decision.version, deleted, data, u, u, now, u, actor.deviceId, now, ++seq.value);
      batch.heads.set(op.id, { entity: applied.entity, version: decision.version, ownerId: head?.ownerId ?? actor.userId });
      if (batch.kept.has(op.id)) this.kept.resolved(op.id, actor.userId, op.deleted);
    }
    return result;
  }

  /**
   * The answer to an opId claimed before: its original result. A conflict whose copy of the
   * server's record was purged (or that had none) answers the record's present state.
   */
  private previousResult(prev: OpRow, actor: Actor): PushResult {
    const opId = prev.op_id;
    if (prev.user_id !== actor.userId) {
      return { opId, status: 'rejected', fields: [{ path: 'opId', message: 'Cet opId a déjà été utilisé.' }] };
    }
    if (prev.status === 'applied') return { opId, status: 'duplicate', version: prev.version ?? undefined };
    if (prev.status === 'conflict') {
      if (prev.current) return { opId, status: 'conflict', current: JSON.parse(prev.current) as ChangeRecord };
      const present = prev.record_id ? (this.stmt.record.get(prev.record_id) as RecordRow | undefined) : undefined;
      return { opId, status: 'conflict', current: present ? toChange(present) : null };
    }
    return { opId, status: 'rejected', fields: prev.fields ? (JSON.parse(prev.fields) as FieldError[]) : [] };
  }

  async purgeExpiredCopies(now: string): Promise<number> {
    return this.kept.sweep(now);
  }

  async databaseId(): Promise<string> {
    return this.dbId;
  }

  async pull(actor: Actor, since: Cursor | null, limit: number): Promise<PullAnswer | 'cursor_reset'> {
    const from = since?.seq ?? 0;
    if (since && (since.dbId !== this.dbId || from > (this.stmt.readSeq.get() as { value: number }).value)) return 'cursor_reset';
    const rows = (actor.role === 'coordinator' ? this.stmt.pullAll.all(from, limit + 1) : this.stmt.pullOwn.all(from, actor.userId, limit + 1)) as PulledRow[];
    // Pages are capped in bytes too: stop before the change that would pass PULL_MAX_BYTES.
    let bytes = 0;
    let size = 0;
    while (size < Math.min(rows.length, limit)) {
      bytes += Buffer.byteLength(rows[size].data) + CHANGE_OVERHEAD_BYTES;
      if (size > 0 && bytes > PULL_MAX_BYTES) break;
      size++;
    }
    const page = rows.slice(0, size);
    // Extensions of api.md: `createdBy` (name of the user who created the record, for tallies)
    // and `createdAt` (when the server first stored it).
    const changes = page.map((r) => ({ ...toChange(r), createdBy: r.created_by_name, createdAt: r.created_at }));
    const last = page.length ? page[page.length - 1].seq : from;
    return { changes, cursor: formatCursor({ dbId: this.dbId, seq: last }), hasMore: rows.length > size };
  }

  async tallyFacts(q: FactsQuery): Promise<FactsAnswer> {
    return this.facts.query(q);
  }

  async records(entities: string[], ownerId?: string): Promise<StoredRecord[]> {
    const list = JSON.stringify(entities);
    const rows = (ownerId ? this.stmt.records[1].all(list, ownerId) : this.stmt.records[0].all(list)) as (RecordRow & {
      updated_at: string;
      created_by_name: string;
    })[];
    return rows.map((r) => ({ ...toChange(r), ownerId: r.owner_id, createdByName: r.created_by_name, updatedAt: r.updated_at }));
  }
}
