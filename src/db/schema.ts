/**
 * The Dexie schema, versioned from day one. Each version lists every table's indexes; an upgrade
 * function migrates rows written by the previous version. Never edit a shipped version: add one.
 *
 * Invariants:
 * - record tables hold api.md envelopes (`entity`, `id`, `version`, `deleted`, `data`) plus local
 *   timestamps; deleted records stay as tombstones until the server has them;
 * - personal fields are never indexed (a later version encrypts them at rest);
 * - the outbox holds push operations in queue order (`seq`).
 */
import type Dexie from 'dexie';

export const SCHEMA_V1 = {
  permanences: 'id, data.date, data.status',
  accompaniments: 'id, data.date, data.permanenceId',
  relays: 'id',
  procedures: 'id',
  outbox: '++seq, &opId, id',
  drafts: 'key',
};

/** v2: accompaniments get `createdAt` (newest-first lists, recent use); outbox by record; meta. */
export const SCHEMA_V2 = {
  ...SCHEMA_V1,
  accompaniments: 'id, data.date, data.permanenceId, createdAt',
  outbox: '++seq, &opId, [entity+id]',
  meta: 'key',
};

/** v3: changes the server refused (rejected or in conflict), kept until the user resolves them. */
export const SCHEMA_V3 = {
  ...SCHEMA_V2,
  syncIssues: '&opId, [entity+id]',
};

/**
 * v4: the latest server version of a record the pull could not install (a change of the user's was
 * waiting, or refused): kept so that every resolution uses it (never an older copy).
 */
export const SCHEMA_V4 = {
  ...SCHEMA_V3,
  serverCopies: '[entity+id]',
};

/**
 * v5: followed people, mandates and follow-ups (until now skipped by the pull), a generic table
 * for entities this version does not know (never dropped again: a later version moves them to
 * their own table without pulling again), and accompaniments by person and by mandate.
 * No personal field is indexed: `mergedInto` (a merged person's survivor) and the references
 * between records are ids; names are searched in memory (peopleIndex.ts).
 */
export const SCHEMA_V5 = {
  ...SCHEMA_V4,
  accompaniments: 'id, data.date, data.permanenceId, createdAt, data.beneficiaryId, data.mandateId',
  beneficiaries: 'id, mergedInto',
  mandates: 'id, data.beneficiaryId, data.expiresOn',
  followups: 'id, data.beneficiaryId, data.communeInsee, data.dueOn',
  otherRecords: '[entity+id]',
};

/**
 * v6: no store change. Personal fields are sealed at rest from this version on (src/db/sealing):
 * opening v6 tells every tab still running an older version (which would write them in clear) to
 * close its database and reload (`versionchange` → RelaisDB.onNewerVersion).
 */
export const SCHEMA_V6 = SCHEMA_V5;

/** Where the pull cursor is kept in `meta` (src/sync/cursor.ts; the db layer cannot import sync). */
export const PULL_CURSOR_KEY = 'pullCursor';

/** Where a resynchronisation under way is kept in `meta` (src/sync/resync.ts; read by the lock's wrong-code policy too). */
export const RESYNC_META_KEY = 'resync';

/** Where the escrow copy of the data key is kept in `meta` (src/crypto/escrow.ts; the lock screen checks it is there). */
export const ESCROW_COPY_META_KEY = 'escrow';

export const LATEST_SCHEMA_VERSION = 6;

export function declareVersions(db: Dexie): void {
  db.version(1).stores(SCHEMA_V1);
  db.version(2)
    .stores(SCHEMA_V2)
    .upgrade(async (tx) => {
      await tx
        .table('accompaniments')
        .toCollection()
        .modify((row: { createdAt?: string; updatedAt: string }) => {
          row.createdAt ??= row.updatedAt;
        });
    });
  db.version(3).stores(SCHEMA_V3);
  db.version(4).stores(SCHEMA_V4);
  db.version(5)
    .stores(SCHEMA_V5)
    .upgrade(async (tx) => {
      // Versions 1–4 skipped people, mandates and follow-ups when pulling: pull once more from the
      // start. Records held at the same version are skipped by the pull, and records with a change
      // waiting or refused are never overwritten (their server version is kept aside), so nothing
      // is lost; an interrupted resynchronisation simply restarts its full pull.
      const meta = tx.table('meta');
      if ((await meta.get(PULL_CURSOR_KEY)) !== undefined) await meta.put({ key: PULL_CURSOR_KEY, value: '' });
    });
  db.version(6).stores(SCHEMA_V6);
}
