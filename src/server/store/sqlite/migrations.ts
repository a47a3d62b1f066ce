/**
 * Numbered migrations of the SQLite database, applied in order at start (PRAGMA user_version
 * records the last one applied). Never edit a shipped migration: add the next one.
 */
import type Database from 'better-sqlite3';
import { SEED_PROCEDURES, SEED_RELAYS } from '../../../domain/seed';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, devices, enrolments, records, ops',
    up: (db) =>
      db.exec(`
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          name_key TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('mediator', 'coordinator')),
          created_at TEXT NOT NULL
        );
        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          user_id TEXT NOT NULL REFERENCES users(id),
          label TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL,
          last_sync_at TEXT,
          revoked_at TEXT
        );
        CREATE TABLE enrolments (
          code_hash TEXT PRIMARY KEY,
          role TEXT NOT NULL,
          name TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at TEXT NOT NULL,
          expires_at TEXT NOT NULL,
          used_at TEXT
        );
        CREATE TABLE records (
          id TEXT PRIMARY KEY,
          entity TEXT NOT NULL,
          version INTEGER NOT NULL,
          deleted INTEGER NOT NULL DEFAULT 0,
          data TEXT NOT NULL,
          owner_id TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_by TEXT NOT NULL,
          updated_device TEXT,
          updated_at TEXT NOT NULL,
          seq INTEGER NOT NULL UNIQUE
        );
        CREATE INDEX records_owner_seq ON records (owner_id, seq);
        CREATE INDEX records_entity ON records (entity, deleted);
        CREATE TABLE ops (
          op_id TEXT PRIMARY KEY,
          user_id TEXT NOT NULL,
          device_id TEXT,
          entity TEXT NOT NULL,
          record_id TEXT NOT NULL,
          base_version INTEGER NOT NULL,
          deleted INTEGER NOT NULL,
          status TEXT NOT NULL,
          version INTEGER,
          fields TEXT,
          current TEXT,
          data TEXT,
          received_at TEXT NOT NULL
        );
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO counters (name, value) VALUES ('seq', 0);
      `),
  },
  {
    version: 2,
    name: 'reference data: example relays and procedure catalogue',
    up: (db) => {
      const now = new Date().toISOString();
      const next = db.prepare(`UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value`);
      const insert = db.prepare(
        `INSERT OR IGNORE INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_at, seq)
         VALUES (?, ?, 1, 0, ?, 'system', 'system', ?, 'system', ?, ?)`,
      );
      for (const [entity, rows] of [
        ['relay', SEED_RELAYS],
        ['procedure', SEED_PROCEDURES],
      ] as const) {
        for (const r of rows) insert.run(r.id, entity, JSON.stringify(r.data), now, now, (next.get() as { value: number }).value);
      }
    },
  },
  {
    version: 3,
    name: 'tally facts: live accompaniments (clustered by date) and permanences, refreshed from seq',
    up: (db) =>
      db.exec(`
        CREATE TABLE accompaniment_facts (
          date TEXT NOT NULL,
          id TEXT NOT NULL,
          owner_id TEXT NOT NULL,
          created_by TEXT NOT NULL,
          permanence_id TEXT,
          beneficiary_id TEXT,
          dims TEXT NOT NULL,
          PRIMARY KEY (date, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX accompaniment_facts_id ON accompaniment_facts (id);
        CREATE INDEX accompaniment_facts_beneficiary ON accompaniment_facts (beneficiary_id, date) WHERE beneficiary_id IS NOT NULL;
        CREATE TABLE permanence_facts (
          id TEXT PRIMARY KEY,
          owner_id TEXT NOT NULL,
          created_by TEXT NOT NULL,
          date TEXT NOT NULL,
          commune TEXT NOT NULL,
          relay_id TEXT NOT NULL
        );
        CREATE INDEX permanence_facts_date ON permanence_facts (date);
        INSERT INTO counters (name, value) VALUES ('facts_seq', 0);
      `),
  },
  {
    version: 4,
    name: 'user name keys compared after Unicode normalisation (NFC)',
    up: (db) => {
      // A frozen copy of store/names.ts's nameKey as of this migration (never import a rule that
      // may change into a shipped migration). Version 1 keyed names without NFC, so two users may
      // now share a key ("Hélène" typed twice, with a combining accent and a precomposed one):
      // their records cannot be merged safely here, so the oldest keeps the key (new devices
      // for that name join it) and the others keep a key no typed name can produce (a key never starts with a space).
      const key = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase('fr-FR').normalize('NFC');
      const users = db.prepare(`SELECT id, name FROM users ORDER BY created_at, id`).all() as { id: string; name: string }[];
      const update = db.prepare(`UPDATE users SET name = ?, name_key = ? WHERE id = ?`);
      // Free every key first, so that recomputed keys never collide with old ones mid-way.
      for (const u of users) update.run(u.name, ` ${u.id}`, u.id);
      const taken = new Set<string>();
      for (const u of users) {
        const k = key(u.name);
        update.run(u.name.normalize('NFC').trim(), taken.has(k) ? ` ${k} ${u.id}` : k, u.id);
        taken.add(k);
      }
    },
  },
  {
    version: 5,
    name: 'database identity (in pull cursors); indexes of the kept copies of refused and conflicting changes',
    up: (db) =>
      db.exec(`
        CREATE TABLE identity (one INTEGER PRIMARY KEY CHECK (one = 1), db_id TEXT NOT NULL);
        INSERT INTO identity (one, db_id) VALUES (1, lower(hex(randomblob(8))));
        CREATE INDEX ops_kept_record ON ops (record_id, user_id) WHERE data IS NOT NULL OR current IS NOT NULL;
        CREATE INDEX ops_kept_received ON ops (received_at) WHERE data IS NOT NULL OR current IS NOT NULL;
      `),
  },
  {
    version: 6,
    name: 'the last change a backup holds (restored_seq): pulled changes up to it come from the backup',
    up: (db) => db.exec(`ALTER TABLE identity ADD COLUMN restored_seq INTEGER`),
  },
  {
    version: 7,
    name: 'merged people: duplicate → survivor (chains flattened at each merge)',
    up: (db) =>
      db.exec(`
        CREATE TABLE merges (
          duplicate_id TEXT PRIMARY KEY,
          survivor_id TEXT NOT NULL,
          merged_by TEXT NOT NULL,
          merged_at TEXT NOT NULL
        );
        CREATE INDEX merges_survivor ON merges (survivor_id);
      `),
  },
  {
    version: 8,
    name: 'privacy: audit log, erased records and the statistics kept of erased people',
    up: (db) =>
      db.exec(`
        -- Who did what, when (README "Audit log"): ids, action and counts only, never a personal value.
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          actor_id TEXT NOT NULL,
          actor_name TEXT NOT NULL,
          action TEXT NOT NULL,
          entity TEXT,
          record_id TEXT,
          counts TEXT
        );
        CREATE INDEX audit_at ON audit (at);
        -- Every record erased at a person's request (her, the ids merged into her, her mandates and
        -- follow-ups): pulled tombstones carry \`erased\`, and pushes of these ids are refused.
        CREATE TABLE erased (
          id TEXT PRIMARY KEY,
          entity TEXT NOT NULL,
          person_id TEXT NOT NULL,
          erased_at TEXT NOT NULL
        );
        CREATE INDEX erased_person ON erased (person_id);
        -- What tallies count of an erased person (no name, no contact): her accompaniments keep
        -- their opaque beneficiaryId, so past tallies give the same numbers.
        CREATE TABLE erased_people (
          id TEXT PRIMARY KEY,
          owner_id TEXT NOT NULL,
          birth_year INTEGER,
          gender TEXT NOT NULL,
          social_status TEXT NOT NULL,
          qpv INTEGER NOT NULL,
          public TEXT
        );
      `),
  },
  {
    version: 9,
    name: 'escrow key pair (one, shared by every server on this database) and escrow recoveries (one per blocked device)',
    up: (db) =>
      db.exec(`
        CREATE TABLE escrow_key (
          one INTEGER PRIMARY KEY CHECK (one = 1),
          key_id TEXT NOT NULL,
          public_jwk TEXT NOT NULL,
          private_jwk TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE escrow_recoveries (
          old_device_id TEXT PRIMARY KEY,
          new_device_id TEXT NOT NULL,
          user_id TEXT NOT NULL,
          recovered_at TEXT NOT NULL
        );
      `),
  },
  {
    version: 10,
    name: 'accompaniment facts keyed by date and change sequence (a push appends them), dropped by the change that replaces their record',
    up: (db) =>
      db.exec(`
        -- Keyed (date, id), a batch's facts landed all over their day (random ids) and so did
        -- those of its unique id index: each push rewrote most of the day's pages. Keyed by the
        -- seq of the change that wrote them, they are appended. A fact is found again by its seq
        -- (an index that is appended too), which its record holds until its next change.
        CREATE TABLE accompaniment_facts_v10 (
          date TEXT NOT NULL,
          seq INTEGER NOT NULL,
          id TEXT NOT NULL,
          owner_id TEXT NOT NULL,
          created_by TEXT NOT NULL,
          permanence_id TEXT,
          beneficiary_id TEXT,
          dims TEXT NOT NULL,
          PRIMARY KEY (date, seq)
        ) WITHOUT ROWID;
        -- The facts already current (written up to facts_seq) keep their row under their record's seq;
        -- a record changed since is derived again by the refresh at open.
        INSERT INTO accompaniment_facts_v10 (date, seq, id, owner_id, created_by, permanence_id, beneficiary_id, dims)
          SELECT f.date, r.seq, f.id, f.owner_id, f.created_by, f.permanence_id, f.beneficiary_id, f.dims
          FROM accompaniment_facts f JOIN records r ON r.id = f.id
          WHERE r.entity = 'accompaniment' AND r.deleted = 0 AND r.seq <= (SELECT value FROM counters WHERE name = 'facts_seq');
        DROP TABLE accompaniment_facts;
        ALTER TABLE accompaniment_facts_v10 RENAME TO accompaniment_facts;
        CREATE UNIQUE INDEX accompaniment_facts_seq ON accompaniment_facts (seq);
        CREATE INDEX accompaniment_facts_beneficiary ON accompaniment_facts (beneficiary_id, date) WHERE beneficiary_id IS NOT NULL;
        -- Whatever writes a record (push, merge, erasure, anonymisation, restore) gives it a new
        -- seq: its fact, written under the old one, goes in the same statement; the push or the
        -- refresh that follows writes the new one (or none, for a deletion).
        CREATE TRIGGER accompaniment_fact_replaced AFTER UPDATE OF seq ON records
          WHEN old.entity = 'accompaniment' AND new.seq IS NOT old.seq
          BEGIN DELETE FROM accompaniment_facts WHERE seq = old.seq; END;
        CREATE TRIGGER accompaniment_fact_removed AFTER DELETE ON records
          WHEN old.entity = 'accompaniment'
          BEGIN DELETE FROM accompaniment_facts WHERE seq = old.seq; END;
      `),
  },
  {
    version: 11,
    name: 'accompaniment facts found by their primary key (date, seq) alone: one index less to write per fact',
    up: (db) =>
      db.exec(`
        -- A fact's date is its record's date as of the change that wrote it (the fact is derived
        -- from that data): the triggers find it by (date, seq) in the primary key, and the
        -- unique seq index, written for every fact only to serve them, goes.
        DROP TRIGGER accompaniment_fact_replaced;
        DROP TRIGGER accompaniment_fact_removed;
        DROP INDEX accompaniment_facts_seq;
        CREATE TRIGGER accompaniment_fact_replaced AFTER UPDATE OF seq ON records
          WHEN old.entity = 'accompaniment' AND new.seq IS NOT old.seq AND old.deleted = 0
          BEGIN DELETE FROM accompaniment_facts WHERE date = json_extract(old.data, '$.date') AND seq = old.seq; END;
        CREATE TRIGGER accompaniment_fact_removed AFTER DELETE ON records
          WHEN old.entity = 'accompaniment' AND old.deleted = 0
          BEGIN DELETE FROM accompaniment_facts WHERE date = json_extract(old.data, '$.date') AND seq = old.seq; END;
      `),
  },
];

/**
 * Gives a backup (or a restored file) a fresh random identity: every cursor handed out before
 * gets `cursor_reset`. It also records the last change the file holds: after a restore, the pull
 * marks changes up to it `fromBackup`, so a tablet knows which versions predate the restore.
 */
export function stampNewIdentity(db: Database.Database): string {
  const hasRestoredSeq = (db.prepare(`SELECT COUNT(*) AS n FROM pragma_table_info('identity') WHERE name = 'restored_seq'`).get() as { n: number }).n > 0;
  if (hasRestoredSeq) db.prepare(`UPDATE identity SET restored_seq = (SELECT value FROM counters WHERE name = 'seq') WHERE one = 1`).run();
  return (db.prepare(`UPDATE identity SET db_id = lower(hex(randomblob(8))) WHERE one = 1 RETURNING db_id`).get() as { db_id: string }).db_id;
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Applies the migrations newer than the database, each in its own transaction. */
export function migrate(db: Database.Database, upTo = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
