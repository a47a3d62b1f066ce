/**
 * The PostgreSQL store (node-postgres pool on `DATABASE_URL`), for deployments with several app
 * servers on one database. Same semantics as the SQLite store, method for method; what differs is
 * how they hold with several writers at once:
 * - a push batch locks its records, decides in memory, and takes its `seq`s at commit time from
 *   one counter row (pushBatch.ts): the pull cursor never passes a change another server is
 *   still committing;
 * - the database identity is read with each pull (not cached): when one server stamps a new one
 *   (a restore detected at start), every server's cursors follow at once;
 * - `enrolDevice` uses the code with an `UPDATE … RETURNING` (its row lock): used twice at once on
 *   two servers, a code yields one device;
 * - text is compared as bytes (`COLLATE "C"`) where the order is visible, as on SQLite;
 * - an erasure and the retention run take the records table for themselves for their one
 *   transaction (pushes wait, pulls go on) and give their new versions commit-ordered seqs
 *   (rewrite.ts); a dossier is read in one snapshot.
 */
import type pg from 'pg';
import { formatCursor, PULL_MAX_BYTES, type Actor, type Cursor, type IncomingOp, type PullAnswer, type PushResult } from '../../../domain/sync';
import { displayName, nameKey } from '../names';
import type {
  AuditEntry,
  AuditQuery,
  Device,
  DossierResult,
  Enrolment,
  EnrolResult,
  ErasingActor,
  ErasureResult,
  EscrowKeyRow,
  MergeResult,
  NewDevice,
  RecoveryResult,
  Repository,
  RetentionCounts,
  StoredAuditEntry,
  StoredRecord,
  User,
} from '../repository';
import type { FactsAnswer, FactsQuery } from '../types';
import { KEPT_COPIES_DAYS, SWEEP_EVERY_MS } from '../sqlite/retention';
import { pgAnonymiseInactive } from './anonymise';
import { addAudit, listAudit, purgeAudit } from './audit';
import { pgDossier } from './dossier';
import { pgErase } from './erasure';
import { pgMerge } from './merges';
import { migratePg, recheckIdentity } from './migrations';
import { DEFAULT_TIMEOUTS, openPool, transaction, type PoolTimeouts } from './pool';
import { PgPushBatches, toChange, type PgBatch } from './pushBatch';
import { PgFacts } from './tallyFacts';

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

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  label: r.label,
  createdAt: r.created_at,
  lastSyncAt: r.last_sync_at,
  revokedAt: r.revoked_at,
  user: { id: r.user_id, name: r.user_name, role: r.role },
});

const CHANGE_OVERHEAD_BYTES = 300;
const DAY_MS = 86_400_000;

const PULLED = `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.seq, r.created_at,
  COALESCE(u.name, r.created_by) AS created_by_name, m.survivor_id AS merged_into, e.id IS NOT NULL AS erased
  FROM records r LEFT JOIN users u ON u.id = r.created_by
  LEFT JOIN merges m ON r.deleted = 1 AND r.entity = 'beneficiary' AND m.duplicate_id = r.id
  LEFT JOIN erased e ON r.deleted = 1 AND e.id = r.id`;

const DEVICE_SELECT = `SELECT d.id, d.label, d.created_at, d.last_sync_at, d.revoked_at, u.id AS user_id, u.name AS user_name, u.role
  FROM devices d JOIN users u ON u.id = d.user_id`;

class RoleMismatch extends Error {
  constructor(readonly userRole: User['role']) {
    super('role mismatch: roll back');
  }
}

export class PostgresRepository implements Repository {
  readonly kind = 'postgres';
  private readonly facts = new PgFacts();
  /** The push batches (`onSeqTaken` is a seam for the cursor test). */
  readonly batches = new PgPushBatches(this.facts);
  private readonly timers: NodeJS.Timeout[] = [];
  private nextSweep = 0;
  private lastIdentityCheck = Date.now();

  private constructor(
    readonly pool: pg.Pool,
    identityCheckEveryMs: number,
  ) {
    // On a timer, off the request path: the check of where the database runs (a failover under
    // a running server gives cursors a reset, migrations.ts `recheckIdentity`), also run when the
    // pool connects again after a while (a lost connection is how a failover shows).
    this.timers.push(setInterval(() => void this.checkIdentityQuietly(), identityCheckEveryMs).unref());
    pool.on('connect', () => {
      if (Date.now() - this.lastIdentityCheck > 10_000) setImmediate(() => void this.checkIdentityQuietly());
    });
  }

  /** Connects to `url`, applies the migrations (under their advisory lock) and returns the store. */
  static async open(url: string, options: { poolSize?: number; timeouts?: PoolTimeouts; identityCheckEveryMs?: number } = {}): Promise<PostgresRepository> {
    const pool = openPool(url, options.poolSize, options.timeouts ?? DEFAULT_TIMEOUTS);
    try {
      await migratePg(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresRepository(pool, options.identityCheckEveryMs ?? 60_000);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.pool.end();
  }

  private async checkIdentityQuietly(): Promise<void> {
    this.lastIdentityCheck = Date.now();
    try {
      if (await recheckIdentity(this.pool)) console.warn('PostgreSQL : la base a changé de serveur ou de ligne temporelle, nouvelle identité.');
    } catch (error) {
      console.error(`PostgreSQL : vérification de l’identité impossible (${(error as Error).message}).`);
    }
  }

  private async sweepQuietly(now: string): Promise<void> {
    try {
      await this.purgeExpiredCopies(now);
    } catch (error) {
      console.error(`PostgreSQL : purge des copies anciennes impossible (${(error as Error).message}).`);
    }
  }

  async countUsers(): Promise<number> {
    return (await this.pool.query(`SELECT COUNT(*)::int AS n FROM users`)).rows[0].n as number;
  }

  async findUserByName(name: string): Promise<User | undefined> {
    return (await this.pool.query(`SELECT id, name, role FROM users WHERE name_key = $1`, [nameKey(name)])).rows[0] as User | undefined;
  }

  async createEnrolment(e: Enrolment & { codeHash: string; createdBy: string; createdAt: string }): Promise<void> {
    await this.pool.query(`INSERT INTO enrolments (code_hash, role, name, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      e.codeHash,
      e.role,
      displayName(e.name),
      e.createdBy,
      e.createdAt,
      e.expiresAt,
    ]);
  }

  async enrolDevice(e: NewDevice): Promise<EnrolResult> {
    try {
      return await transaction(this.pool, async (c): Promise<EnrolResult> => {
        const code = (
          await c.query(
            `UPDATE enrolments SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING role, name, expires_at AS "expiresAt"`,
            [e.now, e.codeHash],
          )
        ).rows[0] as Enrolment | undefined;
        if (!code) return { status: 'invalid_code' };
        const key = nameKey(code.name);
        const existing = (await c.query(`SELECT id, name, role FROM users WHERE name_key = $1`, [key])).rows[0] as User | undefined;
        if (existing && existing.role !== code.role) throw new RoleMismatch(existing.role); // undoes the code's use
        await c.query(`INSERT INTO users (id, name, name_key, role, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name_key) DO NOTHING`, [
          e.newUserId,
          displayName(code.name),
          key,
          code.role,
          e.now,
        ]);
        const user = (await c.query(`SELECT id, role FROM users WHERE name_key = $1`, [key])).rows[0] as { id: string; role: User['role'] };
        if (user.role !== code.role) throw new RoleMismatch(user.role);
        await c.query(`INSERT INTO devices (id, user_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`, [
          e.deviceId,
          user.id,
          e.label,
          e.tokenHash,
          e.now,
        ]);
        return { status: 'enrolled', device: toDevice((await c.query(`${DEVICE_SELECT} WHERE d.id = $1`, [e.deviceId])).rows[0] as DeviceRow) };
      });
    } catch (error) {
      if (error instanceof RoleMismatch) return { status: 'role_mismatch', userRole: error.userRole };
      throw error;
    }
  }

  async findDeviceByTokenHash(tokenHash: string): Promise<Device | undefined> {
    const row = (await this.pool.query(`${DEVICE_SELECT} WHERE d.token_hash = $1`, [tokenHash])).rows[0] as DeviceRow | undefined;
    return row && toDevice(row);
  }

  async listDevices(): Promise<Device[]> {
    const rows = (await this.pool.query(`${DEVICE_SELECT} ORDER BY d.revoked_at IS NOT NULL, u.name COLLATE "C", d.created_at COLLATE "C"`))
      .rows as DeviceRow[];
    return rows.map(toDevice);
  }

  async revokeDevice(id: string, now: string): Promise<boolean> {
    const found = (await this.pool.query(`SELECT revoked_at FROM devices WHERE id = $1`, [id])).rows[0] as { revoked_at: string | null } | undefined;
    if (!found) return false;
    await this.pool.query(`UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, [now, id]);
    return true;
  }

  async touchDevice(id: string, now: string): Promise<void> {
    const aMinuteAgo = new Date(Date.parse(now) - 60_000).toISOString();
    await this.pool.query(`UPDATE devices SET last_sync_at = $1 WHERE id = $2 AND (last_sync_at IS NULL OR last_sync_at < $3)`, [now, id, aMinuteAgo]);
  }

  async findDeviceById(id: string): Promise<Device | undefined> {
    const row = (await this.pool.query(`${DEVICE_SELECT} WHERE d.id = $1`, [id])).rows[0] as DeviceRow | undefined;
    return row && toDevice(row);
  }

  async escrowKey(): Promise<EscrowKeyRow | undefined> {
    return (
      await this.pool.query(
        `SELECT key_id AS "keyId", public_jwk AS "publicJwk", private_jwk AS "privateJwk", created_at AS "createdAt" FROM escrow_key WHERE one = 1`,
      )
    ).rows[0] as EscrowKeyRow | undefined;
  }

  async saveEscrowKey(k: EscrowKeyRow): Promise<EscrowKeyRow> {
    // Two app servers starting at once: the primary key lets one row in, both read that one.
    await this.pool.query(`INSERT INTO escrow_key (one, key_id, public_jwk, private_jwk, created_at) VALUES (1, $1, $2, $3, $4) ON CONFLICT (one) DO NOTHING`, [
      k.keyId,
      k.publicJwk,
      k.privateJwk,
      k.createdAt,
    ]);
    return (await this.escrowKey())!;
  }

  async recordRecovery(r: { oldDeviceId: string; newDeviceId: string; userId: string; now: string }): Promise<RecoveryResult> {
    return transaction(this.pool, async (c): Promise<RecoveryResult> => {
      const inserted = await c.query(
        `INSERT INTO escrow_recoveries (old_device_id, new_device_id, user_id, recovered_at) VALUES ($1, $2, $3, $4) ON CONFLICT (old_device_id) DO NOTHING`,
        [r.oldDeviceId, r.newDeviceId, r.userId, r.now],
      );
      if (inserted.rowCount === 0) {
        // A recovery at once waits on the first one's row, then sees it committed.
        const done = (
          await c.query(
            `SELECT e.new_device_id, d.revoked_at FROM escrow_recoveries e LEFT JOIN devices d ON d.id = e.new_device_id WHERE e.old_device_id = $1 FOR UPDATE OF e`,
            [r.oldDeviceId],
          )
        ).rows[0] as { new_device_id: string; revoked_at: string | null };
        if (done.new_device_id === r.newDeviceId) return 'again';
        // Taken, unless the coordinator revoked the device that recovered it (a recovery that never finished).
        if (done.revoked_at === null) return 'taken';
        await c.query(`UPDATE escrow_recoveries SET new_device_id = $2, user_id = $3, recovered_at = $4 WHERE old_device_id = $1`, [
          r.oldDeviceId,
          r.newDeviceId,
          r.userId,
          r.now,
        ]);
      }
      await c.query(`UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, [r.now, r.oldDeviceId]);
      return 'recorded';
    });
  }

  async push(actor: PgBatch['actor'], ops: IncomingOp[], now: string): Promise<PushResult[]> {
    // The 90-day sweep, at most once an hour per server, before the batch and in a transaction
    // of its own: it never waits on rows others hold (purgeExpiredCopies), and a failure of it
    // is logged, never the push's answer.
    if (Date.parse(now) >= this.nextSweep) {
      this.nextSweep = Date.parse(now) + SWEEP_EVERY_MS;
      await this.sweepQuietly(now);
    }
    return transaction(
      this.pool,
      async (c) => {
        const batch = await this.batches.prefetch(c, actor, ops, now);
        const decided = ops.map((op) => this.pushOne(op, batch));
        await this.batches.commit(c, batch);
        const results: PushResult[] = [];
        for (const d of decided) results.push('previous' in d ? await this.batches.previousResult(c, d.previous, actor, batch) : d);
        return results;
      },
      { retryUnique: true },
    );
  }

  /** One op of a batch, decided in memory (a method of its own, so tests can make the store fail in mid-batch). */
  private pushOne(op: IncomingOp, batch: PgBatch): ReturnType<PgPushBatches['one']> {
    return this.batches.one(op, batch);
  }

  async purgeExpiredCopies(now: string): Promise<number> {
    const t = Date.parse(now);
    // Rows a batch or a merge holds are skipped (swept next time), the others locked in key
    // order: the sweep never makes a batch wait, nor forms a deadlock with one.
    const r = await transaction(this.pool, (c) =>
      c.query(
        `UPDATE ops SET data = NULL, current = NULL, fields = NULL WHERE op_id IN (
           SELECT op_id FROM ops WHERE received_at < $1 AND (data IS NOT NULL OR current IS NOT NULL) ORDER BY op_id FOR UPDATE SKIP LOCKED)`,
        [new Date(t - KEPT_COPIES_DAYS * DAY_MS).toISOString()],
      ),
    );
    return r.rowCount ?? 0;
  }

  async databaseId(): Promise<string> {
    return (await this.pool.query(`SELECT db_id FROM identity`)).rows[0].db_id as string;
  }

  async pull(actor: Actor, since: Cursor | null, limit: number): Promise<PullAnswer | 'cursor_reset'> {
    const from = since?.seq ?? 0;
    const id = (
      await this.pool.query(`SELECT i.db_id, COALESCE(i.restored_seq, 0) AS restored_seq, c.value AS top FROM identity i, counters c WHERE c.name = 'seq'`)
    ).rows[0] as { db_id: string; restored_seq: number; top: number };
    if (since && (since.dbId !== id.db_id || from > id.top)) return 'cursor_reset';
    // One statement, one snapshot: every seq up to the last one returned is committed (pushBatch.ts).
    const rows = (
      actor.role === 'coordinator'
        ? await this.pool.query(`${PULLED} WHERE r.seq > $1 ORDER BY r.seq LIMIT $2`, [from, limit + 1])
        : await this.pool.query(`${PULLED} WHERE r.seq > $1 AND (r.owner_id = $3 OR r.entity IN ('relay', 'procedure')) ORDER BY r.seq LIMIT $2`, [
            from,
            limit + 1,
            actor.userId,
          ])
    ).rows as {
      id: string;
      entity: string;
      version: number;
      deleted: number;
      data: string;
      seq: number;
      created_at: string;
      created_by_name: string;
      merged_into: string | null;
      erased: boolean;
    }[];
    let bytes = 0;
    let size = 0;
    while (size < Math.min(rows.length, limit)) {
      bytes += Buffer.byteLength(rows[size].data) + CHANGE_OVERHEAD_BYTES;
      if (size > 0 && bytes > PULL_MAX_BYTES) break;
      size++;
    }
    const page = rows.slice(0, size);
    const changes = page.map((r) => ({
      ...toChange(r),
      createdBy: r.created_by_name,
      createdAt: r.created_at,
      ...(r.seq <= id.restored_seq ? { fromBackup: true } : {}),
      ...(r.merged_into ? { mergedInto: r.merged_into } : {}),
      ...(r.erased ? { erased: true } : {}),
    }));
    const last = page.length ? page[page.length - 1].seq : from;
    return { changes, cursor: formatCursor({ dbId: id.db_id, seq: last }), hasMore: rows.length > size };
  }

  async merge(actor: PgBatch['actor'], duplicateId: string, survivorId: string, now: string): Promise<MergeResult> {
    return transaction(this.pool, (c) => pgMerge(c, this.facts, actor, duplicateId, survivorId, now));
  }

  async tallyFacts(q: FactsQuery): Promise<FactsAnswer> {
    return this.facts.query(this.pool, q);
  }

  async records(entities: string[], ownerId?: string): Promise<StoredRecord[]> {
    const rows = (
      await this.pool.query(
        `SELECT r.id, r.entity, r.version, r.deleted, r.data, r.owner_id, r.updated_at, COALESCE(u.name, r.created_by) AS created_by_name
         FROM records r LEFT JOIN users u ON u.id = r.created_by
         WHERE r.deleted = 0 AND r.entity = ANY($1::text[])${ownerId ? ' AND r.owner_id = $2' : ''} ORDER BY r.seq`,
        ownerId ? [entities, ownerId] : [entities],
      )
    ).rows as { id: string; entity: string; version: number; deleted: number; data: string; owner_id: string; updated_at: string; created_by_name: string }[];
    return rows.map((r) => ({ ...toChange(r), ownerId: r.owner_id, createdByName: r.created_by_name, updatedAt: r.updated_at }));
  }

  async addAudit(entry: AuditEntry): Promise<void> {
    await addAudit(this.pool, entry);
  }

  async listAudit(q: AuditQuery): Promise<{ entries: StoredAuditEntry[]; hasMore: boolean }> {
    return listAudit(this.pool, q);
  }

  async purgeAudit(before: string): Promise<number> {
    return purgeAudit(this.pool, before);
  }

  async dossier(personId: string): Promise<DossierResult> {
    return transaction(this.pool, async (c) => {
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return pgDossier(c, personId);
    });
  }

  async erase(actor: ErasingActor, personId: string, now: string): Promise<ErasureResult> {
    return transaction(this.pool, (c) => pgErase(c, this.facts, actor, personId, now));
  }

  async anonymiseInactive(cutoff: string, now: string): Promise<RetentionCounts> {
    return transaction(this.pool, (c) => pgAnonymiseInactive(c, this.facts, cutoff, now));
  }
}
