/**
 * The SQLite store (better-sqlite3, one file in RELAIS_DATA_DIR). The database handle is injected
 * (`SqliteRepository.open(file)` opens one with the right settings); every statement is prepared
 * once, in the constructor. Methods are async to honour the engine-neutral Repository interface;
 * each runs synchronously inside, so a transaction never spans an await.
 *
 * Guarantees:
 * - a push batch runs in one transaction: all its results are committed together, or none;
 * - an opId is claimed by inserting it (with its result) under a primary key before the record
 *   is touched, never by a lookup first, so a batch delivered twice or concurrently can never
 *   apply an op twice;
 * - a record's `seq` takes the next value of one counter at each change (allocated per batch,
 *   inside its transaction): pulls follow it, so each changed record comes once, at its latest
 *   version;
 * - synchronous=FULL: an answered push survives a power cut.
 */
import type Database from 'better-sqlite3';
import type { PushOp } from '../../../domain/outbox';
import { decidePush, PULL_MAX_BYTES, type Actor, type ChangeRecord, type PullAnswer, type PushResult, type StoredHead } from '../../../domain/sync';
import type { Entity } from '../../../domain/records';
import type { Device, Enrolment, EnrolResult, NewDevice, Repository, StoredRecord, User } from '../repository';
import { displayName, nameKey } from '../names';
import type { FactsAnswer, FactsQuery } from '../types';
import { openSqliteDatabase } from './database';
import { migrate } from './migrations';
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

const DEVICE_SELECT = `SELECT d.id, d.label, d.created_at, d.last_sync_at, d.revoked_at, u.id AS user_id, u.name AS user_name, u.role
  FROM devices d JOIN users u ON u.id = d.user_id`;

export class SqliteRepository implements Repository {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly stmt;
  private readonly facts: SqliteTallyFacts;

  /** Opens (and migrates) the database file with the settings of `openSqliteDatabase`. */
  static open(file: string): SqliteRepository {
    return new SqliteRepository(openSqliteDatabase(file));
  }

  constructor(db: Database.Database) {
    this.db = db;
    migrate(db);
    this.facts = new SqliteTallyFacts(db);

    this.stmt = {
      claimOp: db.prepare(
        `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, fields, current, data, received_at)
         VALUES (@opId, @userId, @deviceId, @entity, @id, @baseVersion, @deleted, @status, @version, @fields, @current, @data, @now)`,
      ),
      previousOp: db.prepare(`SELECT user_id, status, version, fields, current FROM ops WHERE op_id = ?`),
      head: db.prepare(`SELECT entity, version, owner_id AS ownerId FROM records WHERE id = ?`),
      record: db.prepare(`SELECT id, entity, version, deleted, data, owner_id, seq FROM records WHERE id = ?`),
      touch: db.prepare(`UPDATE devices SET last_sync_at = ? WHERE id = ?`),
      touchIfOld: db.prepare(`UPDATE devices SET last_sync_at = ? WHERE id = ? AND (last_sync_at IS NULL OR last_sync_at < ?)`),
      readSeq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
      writeSeq: db.prepare(`UPDATE counters SET value = ? WHERE name = 'seq'`),
      insertRecord: db.prepare(
        `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_device, updated_at, seq)
         VALUES (@id, @entity, @version, @deleted, @data, @userId, @userId, @now, @userId, @deviceId, @now, @seq)`,
      ),
      updateRecord: db.prepare(
        `UPDATE records SET version = @version, deleted = @deleted, data = @data, updated_by = @userId, updated_device = @deviceId, updated_at = @now, seq = @seq WHERE id = @id`,
      ),
      pullAll: db.prepare(
        `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, COALESCE(u.name, r.created_by) AS created_by_name
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
        `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, COALESCE(u.name, r.created_by) AS created_by_name
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
    this.stmt.insertEnrolment.run(e.codeHash, e.role, displayName(e.name), e.createdBy, e.createdAt, e.expiresAt);
  }

  async enrolDevice(e: NewDevice): Promise<EnrolResult> {
    const s = this.stmt;
    const mismatch = new Error('role mismatch: roll back');
    let userRole: User['role'] = 'mediator';
    const enrol = this.db.transaction((): EnrolResult => {
      const code = s.consumeEnrolment.get(e.now, e.codeHash, e.now) as Enrolment | undefined;
      if (!code) return { status: 'invalid_code' };
      const key = nameKey(code.name);
      const existing = s.userByName.get(key) as User | undefined;
      if (existing && existing.role !== code.role) {
        userRole = existing.role;
        throw mismatch; // undoes the code's use: nothing changes
      }
      s.insertUser.run(e.newUserId, displayName(code.name), key, code.role, e.now);
      const user = s.userIdByKey.get(key) as { id: string };
      s.insertDevice.run(e.deviceId, user.id, e.label, e.tokenHash, e.now);
      return { status: 'enrolled', device: toDevice(s.deviceById.get(e.deviceId) as DeviceRow) };
    });
    try {
      // IMMEDIATE: the write lock is taken before the code is read, so two servers on one file
      // cannot both read it unused.
      return enrol.immediate();
    } catch (error) {
      if (error === mismatch) return { status: 'role_mismatch', userRole };
      throw error;
    }
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

  async push(actor: Actor & { deviceId: string | null }, ops: PushOp[], now: string): Promise<PushResult[]> {
    return this.db.transaction(() => {
      const seq = { value: (this.stmt.readSeq.get() as { value: number }).value };
      const results = ops.map((op) => this.pushOne(actor, op, now, seq));
      this.stmt.writeSeq.run(seq.value);
      // The device's last sync is written in the same (durable) transaction: one commit per push.
      if (actor.deviceId) this.stmt.touch.run(now, actor.deviceId);
      return results;
    })();
  }

  private pushOne(actor: Actor & { deviceId: string | null }, op: PushOp, now: string, seq: { value: number }): PushResult {
    const s = this.stmt;
    const head = s.head.get(op.id) as StoredHead | undefined;
    const decision = decidePush(op, head, actor);
    const result: PushResult =
      decision.kind === 'apply'
        ? { opId: op.opId, status: 'applied', version: decision.version }
        : decision.kind === 'rejected'
          ? { opId: op.opId, status: 'rejected', fields: decision.fields }
          : { opId: op.opId, status: 'conflict', current: head ? toChange(s.record.get(op.id) as RecordRow) : null };
    try {
      // Claiming the opId is what makes a resent op harmless; rejected and conflicting changes
      // are kept with it, for review.
      s.claimOp.run({
        opId: op.opId,
        userId: actor.userId,
        deviceId: actor.deviceId,
        entity: op.entity,
        id: op.id,
        baseVersion: op.baseVersion,
        deleted: op.deleted ? 1 : 0,
        status: result.status,
        version: result.version ?? null,
        fields: result.fields ? JSON.stringify(result.fields) : null,
        current: result.status === 'conflict' ? JSON.stringify(result.current) : null,
        data: result.status === 'applied' ? null : op.deleted ? '{}' : JSON.stringify(op.data),
        now,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return this.previousResult(op.opId, actor);
      throw error;
    }
    if (decision.kind === 'apply') {
      const row = {
        id: op.id,
        entity: op.entity,
        version: decision.version,
        deleted: op.deleted ? 1 : 0,
        // A tombstone carries no data: whatever it was sent with, `{}` is stored.
        data: op.deleted ? '{}' : JSON.stringify(op.data),
        userId: actor.userId,
        deviceId: actor.deviceId,
        now,
        seq: ++seq.value,
      };
      if (head) s.updateRecord.run(row);
      else s.insertRecord.run(row);
    }
    return result;
  }

  private previousResult(opId: string, actor: Actor): PushResult {
    const prev = this.stmt.previousOp.get(opId) as { user_id: string; status: string; version: number | null; fields: string | null; current: string | null };
    if (prev.user_id !== actor.userId) {
      return { opId, status: 'rejected', fields: [{ path: 'opId', message: 'Cet opId a déjà été utilisé.' }] };
    }
    if (prev.status === 'applied') return { opId, status: 'duplicate', version: prev.version ?? undefined };
    if (prev.status === 'conflict') return { opId, status: 'conflict', current: prev.current ? (JSON.parse(prev.current) as ChangeRecord | null) : null };
    return { opId, status: 'rejected', fields: prev.fields ? JSON.parse(prev.fields) : [] };
  }

  async pull(actor: Actor, since: number, limit: number): Promise<PullAnswer> {
    const rows = (
      actor.role === 'coordinator' ? this.stmt.pullAll.all(since, limit + 1) : this.stmt.pullOwn.all(since, actor.userId, limit + 1)
    ) as RecordRow[];
    // Pages are capped in bytes too: stop before the change that would pass PULL_MAX_BYTES.
    let bytes = 0;
    let size = 0;
    while (size < Math.min(rows.length, limit)) {
      bytes += Buffer.byteLength(rows[size].data) + CHANGE_OVERHEAD_BYTES;
      if (size > 0 && bytes > PULL_MAX_BYTES) break;
      size++;
    }
    const hasMore = rows.length > size;
    const page = rows.slice(0, size);
    // Extension of api.md: `createdBy`, the name of the user who created the record (for tallies).
    const changes = page.map((r) => ({ ...toChange(r), createdBy: (r as RecordRow & { created_by_name: string }).created_by_name }));
    return { changes, cursor: String(page.length ? page[page.length - 1].seq : since), hasMore };
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
