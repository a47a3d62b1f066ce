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

export const LATEST_SCHEMA_VERSION = 4;

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
}
