/**
 * Numbered migrations of the PostgreSQL schema, applied in order at start and by `npm run migrate`
 * (`schema_migrations` records those applied). Several app servers may start at once: the whole
 * run holds a session advisory lock, so one applies the migrations and the others, once it is
 * released, find nothing left to do. Never edit a shipped migration: add the next one.
 * The schema is SQLite's (sqlite/migrations.ts) in one step, with the same column names and
 * types as the SQLite rows return them (text instants and JSON, 0/1 flags), plus:
 * - `records.seq` is taken at commit time from the `counters` row (pushBatch.ts explains why);
 * - tally facts are kept current at push time (tallyFacts.ts), indexed by date and owner, and
 *   also counted per day and group (`accompaniment_groups`) for tallies over long periods;
 * - `identity` remembers the cluster and timeline it was stamped on: a point-in-time recovery
 *   (new timeline) or a copy into another cluster is seen at start and gets a new identity.
 * Migration 3 adds the privacy tables (audit log, erased records, traits of erased people).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { SEED_PROCEDURES, SEED_RELAYS } from '../../../domain/seed';

/** Any 64-bit key of our own: "relais migrations". */
export const MIGRATION_LOCK = 0x72656c6169735f6dn;

export interface PgMigration {
  version: number;
  name: string;
  up: (c: pg.ClientBase) => Promise<void>;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'users, devices, enrolments, records, ops, counters, identity, merges, tally facts; reference data',
    up: async (c) => {
      await c.query(`
        CREATE TABLE users (
          id text PRIMARY KEY,
          name text NOT NULL,
          name_key text NOT NULL UNIQUE,
          role text NOT NULL CHECK (role IN ('mediator', 'coordinator')),
          created_at text NOT NULL
        );
        CREATE TABLE devices (
          id text PRIMARY KEY,
          user_id text NOT NULL REFERENCES users(id),
          label text NOT NULL,
          token_hash text NOT NULL UNIQUE,
          created_at text NOT NULL,
          last_sync_at text,
          revoked_at text
        );
        CREATE TABLE enrolments (
          code_hash text PRIMARY KEY,
          role text NOT NULL,
          name text NOT NULL,
          created_by text NOT NULL,
          created_at text NOT NULL,
          expires_at text NOT NULL,
          used_at text
        );
        CREATE TABLE records (
          id text PRIMARY KEY,
          entity text NOT NULL,
          version integer NOT NULL,
          deleted integer NOT NULL DEFAULT 0,
          data text NOT NULL,
          owner_id text NOT NULL,
          created_by text NOT NULL,
          created_at text NOT NULL,
          updated_by text NOT NULL,
          updated_device text,
          updated_at text NOT NULL,
          seq bigint NOT NULL UNIQUE
        );
        CREATE INDEX records_owner_seq ON records (owner_id, seq);
        CREATE INDEX records_entity ON records (entity, deleted);
        CREATE TABLE ops (
          op_id text PRIMARY KEY,
          user_id text NOT NULL,
          device_id text,
          entity text NOT NULL,
          record_id text NOT NULL,
          base_version integer NOT NULL,
          deleted integer NOT NULL,
          status text NOT NULL,
          version integer,
          fields text,
          current text,
          data text,
          received_at text NOT NULL
        );
        CREATE INDEX ops_kept_record ON ops (record_id, user_id) WHERE data IS NOT NULL OR current IS NOT NULL;
        CREATE INDEX ops_kept_received ON ops (received_at) WHERE data IS NOT NULL OR current IS NOT NULL;
        CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);
        INSERT INTO counters (name, value) VALUES ('seq', 0);
        CREATE TABLE identity (
          one integer PRIMARY KEY CHECK (one = 1),
          db_id text NOT NULL,
          restored_seq bigint,
          system_id text,
          timeline integer
        );
        CREATE TABLE merges (
          duplicate_id text PRIMARY KEY,
          survivor_id text NOT NULL,
          merged_by text NOT NULL,
          merged_at text NOT NULL
        );
        CREATE INDEX merges_survivor ON merges (survivor_id);
        CREATE TABLE accompaniment_facts (
          id text PRIMARY KEY,
          date text NOT NULL,
          owner_id text NOT NULL,
          created_by text NOT NULL,
          permanence_id text,
          beneficiary_id text,
          dims text NOT NULL
        );
        CREATE INDEX accompaniment_facts_date ON accompaniment_facts (date);
        CREATE INDEX accompaniment_facts_owner_date ON accompaniment_facts (owner_id, date);
        CREATE INDEX accompaniment_facts_beneficiary ON accompaniment_facts (beneficiary_id, date) WHERE beneficiary_id IS NOT NULL;
        -- The same facts counted per day and group (everything a tally counts): a year's tally
        -- sums a few rows per day instead of grouping every accompaniment (PostgreSQL 15+: NULLS NOT DISTINCT).
        CREATE TABLE accompaniment_groups (
          date text NOT NULL,
          owner_id text NOT NULL,
          created_by text NOT NULL,
          permanence_id text,
          beneficiary_id text,
          dims text NOT NULL,
          n integer NOT NULL
        );
        CREATE UNIQUE INDEX accompaniment_groups_key ON accompaniment_groups (date, owner_id, created_by, permanence_id, beneficiary_id, dims) NULLS NOT DISTINCT;
        CREATE INDEX accompaniment_groups_owner_date ON accompaniment_groups (owner_id, date);
        CREATE TABLE permanence_facts (
          id text PRIMARY KEY,
          owner_id text NOT NULL,
          created_by text NOT NULL,
          date text NOT NULL,
          commune text NOT NULL,
          relay_id text NOT NULL
        );
        CREATE INDEX permanence_facts_date ON permanence_facts (date);
        CREATE INDEX permanence_facts_owner_date ON permanence_facts (owner_id, date);
      `);
      await c.query(`INSERT INTO identity (one, db_id) VALUES (1, $1)`, [newDbId()]);
      const now = new Date().toISOString();
      let seq = 0;
      for (const [entity, rows] of [
        ['relay', SEED_RELAYS],
        ['procedure', SEED_PROCEDURES],
      ] as const) {
        for (const r of rows) {
          await c.query(
            `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_at, seq)
             VALUES ($1, $2, 1, 0, $3, 'system', 'system', $4, 'system', $4, $5) ON CONFLICT (id) DO NOTHING`,
            [r.id, entity, JSON.stringify(r.data), now, ++seq],
          );
        }
      }
      await c.query(`UPDATE counters SET value = $1 WHERE name = 'seq'`, [seq]);
    },
  },
  {
    version: 2,
    name: 'escrow key pair (one, shared by every app server) and escrow recoveries (one per blocked device)',
    up: async (c) => {
      await c.query(`
        CREATE TABLE escrow_key (
          one integer PRIMARY KEY CHECK (one = 1),
          key_id text NOT NULL,
          public_jwk text NOT NULL,
          private_jwk text NOT NULL,
          created_at text NOT NULL
        );
        CREATE TABLE escrow_recoveries (
          old_device_id text PRIMARY KEY,
          new_device_id text NOT NULL,
          user_id text NOT NULL,
          recovered_at text NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    name: 'privacy: audit log, erased records and the statistics kept of erased people',
    // SQLite's migration 8 (sqlite/migrations.ts says what each table is for).
    up: async (c) => {
      await c.query(`
        CREATE TABLE audit (
          id bigserial PRIMARY KEY,
          at text NOT NULL,
          actor_id text NOT NULL,
          actor_name text NOT NULL,
          action text NOT NULL,
          entity text,
          record_id text,
          counts text
        );
        CREATE INDEX audit_at ON audit (at);
        CREATE TABLE erased (
          id text PRIMARY KEY,
          entity text NOT NULL,
          person_id text NOT NULL,
          erased_at text NOT NULL
        );
        CREATE INDEX erased_person ON erased (person_id);
        CREATE TABLE erased_people (
          id text PRIMARY KEY,
          owner_id text NOT NULL,
          birth_year integer,
          gender text NOT NULL,
          social_status text NOT NULL,
          qpv integer NOT NULL,
          public text
        );
      `);
    },
  },
];

/** A database identity: 16 hex digits, as in pull cursors (domain/sync.ts). */
const newDbId = () => randomBytes(8).toString('hex');

export const PG_LATEST_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;

/**
 * Where this database runs: the cluster's identifier and its current timeline (the first 8 hex
 * digits of the WAL file being written; `pg_control_checkpoint()` would give the timeline of the
 * last checkpoint, still the old one for a while after a promotion). Null when not readable (a
 * standby has no current WAL position; a managed service may hide pg_control_*, which are
 * executable by everyone on a stock PostgreSQL 15): restores are then stamped by hand
 * (`npm run migrate -- --new-identity`, docs/deployment.md).
 */
export async function whereAmI(c: pg.ClientBase): Promise<{ systemId: string | null; timeline: number | null }> {
  try {
    const r = await c.query(
      `SELECT (SELECT system_identifier::text FROM pg_control_system()) AS system_id,
         CASE WHEN pg_is_in_recovery() THEN NULL ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline`,
    );
    return { systemId: r.rows[0].system_id, timeline: r.rows[0].timeline };
  } catch {
    return { systemId: null, timeline: null };
  }
}

/**
 * Compares where the database runs with where it was stamped; moved (a restore, a copy into
 * another cluster, a failover to a promoted standby) or asked: a new identity. Returns whether
 * it stamped one. Runs under the migration lock (migratePg, recheckIdentity).
 */
async function checkIdentity(c: pg.ClientBase, newIdentity = false): Promise<boolean> {
  const here = await whereAmI(c);
  const known = (await c.query(`SELECT system_id, timeline FROM identity`)).rows[0] as { system_id: string | null; timeline: number | null };
  const moved =
    known.system_id !== null &&
    here.systemId !== null &&
    (known.system_id !== here.systemId || (known.timeline !== null && here.timeline !== null && known.timeline !== here.timeline));
  if (moved || newIdentity) await stampNewIdentity(c);
  if (here.systemId !== null)
    await c.query(`UPDATE identity SET system_id = $1, timeline = COALESCE($2, timeline) WHERE system_id IS DISTINCT FROM $1 OR timeline IS DISTINCT FROM $2`, [
      here.systemId,
      here.timeline,
    ]);
  return moved || newIdentity;
}

/**
 * The same check in a running server (every minute, and when the pool connects again): a
 * failover under a running server gives cursors a `cursor_reset` instead of seqs used twice.
 */
export async function recheckIdentity(pool: pg.Pool): Promise<boolean> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    try {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
      const stamped = await checkIdentity(c);
      await c.query('COMMIT');
      return stamped;
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    c.release();
  }
}

/**
 * Gives the database a fresh random identity (every cursor handed out before gets
 * `cursor_reset`) and records the last change it holds as `restored_seq`.
 */
export async function stampNewIdentity(c: pg.ClientBase): Promise<string> {
  const r = await c.query(`UPDATE identity SET db_id = $1, restored_seq = (SELECT value FROM counters WHERE name = 'seq') WHERE one = 1 RETURNING db_id`, [
    newDbId(),
  ]);
  return r.rows[0].db_id as string;
}

/**
 * Applies the migrations newer than the database, each in its own transaction, under the
 * advisory lock; then checks where the database runs (a restore gets a new identity). Returns
 * the version reached.
 */
export async function migratePg(pool: pg.Pool, options: { newIdentity?: boolean } = {}): Promise<number> {
  const c = await pool.connect();
  try {
    // A migration may take long, or wait for another server's: no pool timeouts (pool.ts) on
    // this session, which is closed afterwards rather than given back to the pool.
    await c.query('SET statement_timeout = 0; SET lock_timeout = 0');
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`);
      const done = new Set((await c.query(`SELECT version FROM schema_migrations`)).rows.map((r) => r.version as number));
      for (const m of PG_MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query('BEGIN');
        try {
          await m.up(c);
          await c.query(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, new Date().toISOString()]);
          await c.query('COMMIT');
        } catch (error) {
          await c.query('ROLLBACK');
          throw error;
        }
      }
      await checkIdentity(c, options.newIdentity);
      return Math.max(0, ...(await c.query(`SELECT version FROM schema_migrations`)).rows.map((r) => r.version as number));
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    c.release(true);
  }
}
