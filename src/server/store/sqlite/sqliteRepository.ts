/**
 * The SQLite store (better-sqlite3, one file in RELAIS_DATA_DIR). The database handle is injected
 * (`SqliteRepository.open(file)` opens one with the right settings); every statement is prepared
 * once, in the constructor. Methods are async to honour the engine-neutral Repository interface;
 * each runs synchronously inside, so a transaction never spans an await.
 *
 * Guarantees:
 * - a push batch is one IMMEDIATE transaction that applies nothing twice (pushBatch.ts);
 * - a record's `seq` takes the next value of one counter at each change: pulls follow it, so each
 *   changed record comes once, at its latest version; a cursor names the database (`identity`),
 *   so another database's cursor is refused;
 * - copies of refused and conflicting changes are kept until resolved or 90 days (retention.ts);
 * - merging two people is one IMMEDIATE transaction (merges.ts); a merged person's tombstone is
 *   pulled with `mergedInto`.
 */
import type Database from 'better-sqlite3';
import { formatCursor, PULL_MAX_BYTES, type Actor, type Cursor, type IncomingOp, type PullAnswer, type PushResult } from '../../../domain/sync';
import type {
  AuditEntry,
  AuditQuery,
  Device,
  DossierResult,
  Enrolment,
  EnrolResult,
  ErasingActor,
  EscrowKeyRow,
  ErasureResult,
  MergeResult,
  RecoveryResult,
  NewDevice,
  Repository,
  RetentionCounts,
  StoredAuditEntry,
  StoredRecord,
  User,
} from '../repository';
import { displayName, nameKey } from '../names';
import type { FactsAnswer, FactsQuery } from '../types';
import { SqliteAnonymise } from './anonymise';
import { SqliteAudit } from './audit';
import { openSqliteDatabase } from './database';
import { SqliteDossier } from './dossier';
import { SqliteErasure } from './erasure';
import { SqliteMerges } from './merges';
import { migrate } from './migrations';
import { SqlitePushBatches, type Batch } from './pushBatch';
import { KeptCopies } from './retention';
import { toChange, type RecordRow } from './rows';
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

interface PulledRow extends RecordRow {
  created_at: string;
  created_by_name: string;
  merged_into: string | null;
  erased: number;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  label: r.label,
  createdAt: r.created_at,
  lastSyncAt: r.last_sync_at,
  revokedAt: r.revoked_at,
  user: { id: r.user_id, name: r.user_name, role: r.role },
});

/** The envelope of a pulled change around its data, in JSON (ids, version, names, dates). */
const CHANGE_OVERHEAD_BYTES = 300;

const PULLED_COLUMNS = `r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, r.created_at,
  COALESCE(u.name, r.created_by) AS created_by_name, m.survivor_id AS merged_into, e.id IS NOT NULL AS erased`;
/** The survivor of a merged person, on her tombstone only; whether a tombstone was erased at the person's request. */
const MERGED_JOIN = `LEFT JOIN merges m ON r.deleted = 1 AND r.entity = 'beneficiary' AND m.duplicate_id = r.id
  LEFT JOIN erased e ON r.deleted = 1 AND e.id = r.id`;

const DEVICE_SELECT = `SELECT d.id, d.label, d.created_at, d.last_sync_at, d.revoked_at, u.id AS user_id, u.name AS user_name, u.role
  FROM devices d JOIN users u ON u.id = d.user_id`;

export class SqliteRepository implements Repository {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly stmt;
  private readonly facts: SqliteTallyFacts;
  private readonly kept: KeptCopies;
  private readonly batches: SqlitePushBatches;
  private readonly merges: SqliteMerges;
  private readonly audit: SqliteAudit;
  private readonly erasure: SqliteErasure;
  private readonly dossiers: SqliteDossier;
  private readonly anonymise: SqliteAnonymise;
  private readonly dbId: string;
  /** The last change of the backup this database was restored from (0: never restored). */
  private readonly restoredSeq: number;

  /** Opens (and migrates) the database file with the settings of `openSqliteDatabase`. */
  static open(file: string): SqliteRepository {
    return new SqliteRepository(openSqliteDatabase(file));
  }

  constructor(db: Database.Database) {
    this.db = db;
    migrate(db);
    this.facts = new SqliteTallyFacts(db);
    this.kept = new KeptCopies(db);
    this.audit = new SqliteAudit(db);
    this.batches = new SqlitePushBatches(db, this.kept, this.facts, this.audit);
    this.merges = new SqliteMerges(db, this.kept, this.facts);
    this.erasure = new SqliteErasure(db, this.kept, this.audit);
    this.dossiers = new SqliteDossier(db);
    this.anonymise = new SqliteAnonymise(db, this.kept, this.audit);
    // Facts behind their records (an older database, or a crash before a push's facts were written) catch up now, not at the first tally.
    this.facts.refresh();
    const identity = db.prepare(`SELECT db_id, restored_seq FROM identity`).get() as { db_id: string; restored_seq: number | null };
    this.dbId = identity.db_id;
    this.restoredSeq = identity.restored_seq ?? 0;

    this.stmt = {
      touchIfOld: db.prepare(`UPDATE devices SET last_sync_at = ? WHERE id = ? AND (last_sync_at IS NULL OR last_sync_at < ?)`),
      readSeq: db.prepare(`SELECT value FROM counters WHERE name = 'seq'`),
      pullAll: db.prepare(
        `SELECT ${PULLED_COLUMNS} FROM records r LEFT JOIN users u ON u.id = r.created_by ${MERGED_JOIN} WHERE r.seq > ? ORDER BY r.seq LIMIT ?`,
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
      revokeIfLive: db.prepare(`UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`),
      escrowKey: db.prepare(
        `SELECT key_id AS keyId, public_jwk AS publicJwk, private_jwk AS privateJwk, created_at AS createdAt FROM escrow_key WHERE one = 1`,
      ),
      insertEscrowKey: db.prepare(
        `INSERT INTO escrow_key (one, key_id, public_jwk, private_jwk, created_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (one) DO NOTHING`,
      ),
      recoveryOf: db.prepare(`SELECT new_device_id FROM escrow_recoveries WHERE old_device_id = ?`),
      putRecovery: db.prepare(
        `INSERT INTO escrow_recoveries (old_device_id, new_device_id, user_id, recovered_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (old_device_id) DO UPDATE SET new_device_id = excluded.new_device_id, user_id = excluded.user_id, recovered_at = excluded.recovered_at`,
      ),
      // A fixed shape for any list of entities (a JSON array), with or without an owner.
      records: [false, true].map((own) =>
        db.prepare(
          `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, r.updated_at, COALESCE(u.name, r.created_by) AS created_by_name
           FROM records r LEFT JOIN users u ON u.id = r.created_by
           WHERE r.deleted = 0 AND r.entity IN (SELECT value FROM json_each(?))${own ? ' AND r.owner_id = ?' : ''}`,
        ),
      ),
      pullOwn: db.prepare(
        `SELECT ${PULLED_COLUMNS} FROM records r LEFT JOIN users u ON u.id = r.created_by ${MERGED_JOIN}
         WHERE r.seq > ? AND (r.owner_id = ? OR r.entity IN ('relay', 'procedure')) ORDER BY r.seq LIMIT ?`,
      ),
    };
  }

  async close(): Promise<void> {
    // A push's facts not yet written are written now (or, if that fails, caught up at the next open).
    this.facts.close();
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

  async findDeviceById(id: string): Promise<Device | undefined> {
    const row = this.stmt.deviceById.get(id) as DeviceRow | undefined;
    return row && toDevice(row);
  }

  async escrowKey(): Promise<EscrowKeyRow | undefined> {
    return this.stmt.escrowKey.get() as EscrowKeyRow | undefined;
  }

  async saveEscrowKey(k: EscrowKeyRow): Promise<EscrowKeyRow> {
    this.stmt.insertEscrowKey.run(k.keyId, k.publicJwk, k.privateJwk, k.createdAt);
    return (await this.escrowKey())!;
  }

  async recordRecovery(r: { oldDeviceId: string; newDeviceId: string; userId: string; now: string }): Promise<RecoveryResult> {
    const s = this.stmt;
    const record = this.db.transaction((): RecoveryResult => {
      const done = s.recoveryOf.get(r.oldDeviceId) as { new_device_id: string } | undefined;
      if (done?.new_device_id === r.newDeviceId) return 'again';
      if (done) {
        // Taken, unless the coordinator revoked the device that recovered it (a recovery that never finished).
        const holder = s.deviceRevokedAt.get(done.new_device_id) as { revoked_at: string | null } | undefined;
        if (!holder?.revoked_at) return 'taken';
      }
      s.putRecovery.run(r.oldDeviceId, r.newDeviceId, r.userId, r.now);
      s.revokeIfLive.run(r.now, r.oldDeviceId);
      return 'recorded';
    });
    // IMMEDIATE: two servers on one file cannot both read the recovery as absent.
    return record.immediate();
  }

  async push(actor: Batch['actor'], ops: IncomingOp[], now: string): Promise<PushResult[]> {
    return this.batches.run(actor, ops, now, (op, batch) => this.pushOne(op, batch));
  }

  /** One op of a batch (a method of its own, so tests can make the store fail in mid-batch). */
  private pushOne(op: IncomingOp, batch: Batch): PushResult {
    return this.batches.one(op, batch);
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
    // Extensions of api.md: `createdBy` (name of the user who created the record, for tallies),
    // `createdAt` (when the server first stored it), `mergedInto` on a merged person's tombstone
    // and, on a restored database, `fromBackup` (this version was restored from the backup, not
    // written since: a tablet may resend a newer one); `erased` on the tombstone of a record erased
    // at the person's request (the tablet drops everything it kept of it).
    const changes = page.map((r) => ({
      ...toChange(r),
      createdBy: r.created_by_name,
      createdAt: r.created_at,
      ...(r.seq <= this.restoredSeq ? { fromBackup: true } : {}),
      ...(r.merged_into ? { mergedInto: r.merged_into } : {}),
      ...(r.erased ? { erased: true } : {}),
    }));
    const last = page.length ? page[page.length - 1].seq : from;
    return { changes, cursor: formatCursor({ dbId: this.dbId, seq: last }), hasMore: rows.length > size };
  }

  async merge(actor: Batch['actor'], duplicateId: string, survivorId: string, now: string): Promise<MergeResult> {
    return this.merges.run(actor, duplicateId, survivorId, now);
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

  async addAudit(entry: AuditEntry): Promise<void> {
    this.audit.add(entry);
  }

  async listAudit(q: AuditQuery): Promise<{ entries: StoredAuditEntry[]; hasMore: boolean }> {
    return this.audit.list(q);
  }

  async purgeAudit(before: string): Promise<number> {
    return this.audit.purge(before);
  }

  async dossier(personId: string): Promise<DossierResult> {
    return this.dossiers.read(personId);
  }

  // Both rewrite records (new seqs): the tally facts catch up at once, as after a merge.
  async erase(actor: ErasingActor, personId: string, now: string): Promise<ErasureResult> {
    const result = this.erasure.run(actor, personId, now);
    this.facts.refresh();
    return result;
  }

  async anonymiseInactive(cutoff: string, now: string): Promise<RetentionCounts> {
    const counts = this.anonymise.run(cutoff, now);
    this.facts.refresh();
    return counts;
  }
}
