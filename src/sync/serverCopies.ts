/**
 * The server's versions of records the device could not install yet. The pull never overwrites a
 * record with a change waiting to be sent or refused ("busy"), but it keeps the latest server
 * version of it here, so that every resolution ("Prendre la version du serveur", "Renvoyer", a
 * conflict answer) uses the newest version known, and the record catches up once it is free.
 */
import { isStoredEntity, TABLE_OF, type LocalRecord, type RelaisDB, type StoredEntity } from '../db/database';
import type { Entity } from '../domain/records';
import type { ChangeRecord } from '../domain/sync';
import { mergedIntoOf } from './merges';

/** Every table a sync step may touch (one transaction scope for pull, settle and resolutions). */
export function syncTables(db: RelaisDB) {
  return [db.outbox, db.syncIssues, db.serverCopies, db.meta, db.drafts, db.otherRecords, ...Object.values(TABLE_OF).map((t) => db.table(t))];
}

type Key = { entity: Entity; id: string };

export const newer = (a: ChangeRecord | null | undefined, b: ChangeRecord | null | undefined): ChangeRecord | null =>
  !a ? (b ?? null) : !b ? a : b.version > a.version ? b : a;

/** The newest server version known for a record: `candidate`, its kept copy, or its issue's. */
export async function newestServerVersion(db: RelaisDB, key: Key, candidate: ChangeRecord | null): Promise<ChangeRecord | null> {
  const [copy, issues] = await Promise.all([
    db.serverCopies.get([key.entity, key.id]),
    db.syncIssues.where('[entity+id]').equals([key.entity, key.id]).toArray(),
  ]);
  return issues.reduce<ChangeRecord | null>((best, i) => newer(best, i.current), newer(candidate, copy));
}

/** Whether a record has a change waiting to be sent or refused. */
export async function isBusy(db: RelaisDB, key: Key): Promise<boolean> {
  const [queued, issues] = await Promise.all([
    db.outbox.where('[entity+id]').equals([key.entity, key.id]).count(),
    db.syncIssues.where('[entity+id]').equals([key.entity, key.id]).count(),
  ]);
  return queued + issues > 0;
}

/**
 * The local record for a server version (a tombstone keeps the last data the device knew; a merged
 * person's tombstone keeps the survivor's id, merges.ts).
 */
export function localFromServer<E extends StoredEntity>(change: ChangeRecord, old: LocalRecord<E> | undefined, now: string): LocalRecord<E> {
  const mergedInto = mergedIntoOf(change) ?? (change.deleted ? old?.mergedInto : undefined);
  return {
    entity: change.entity as E,
    id: change.id,
    version: change.version,
    deleted: change.deleted,
    data: (change.deleted && old ? old.data : change.data) as LocalRecord<E>['data'],
    // Extension of the pull: when the server first stored it (its time on every device).
    createdAt: old?.createdAt ?? change.createdAt ?? now,
    updatedAt: now,
    ...(change.createdBy ? { createdBy: change.createdBy } : old?.createdBy ? { createdBy: old.createdBy } : {}),
    rev: (old?.rev ?? 0) + 1,
    ...(mergedInto ? { mergedInto } : {}),
  };
}

/** Installs a server version over the local record, in the caller's transaction. */
export async function installServerVersion(db: RelaisDB, change: ChangeRecord, now: string): Promise<void> {
  if (!isStoredEntity(change.entity)) return;
  const table = db.tableOf(change.entity);
  const old = await table.get(change.id);
  await table.put(localFromServer(change, old, now));
}

/** Keeps the newest server version of a busy record. */
export async function keepServerCopy(db: RelaisDB, change: ChangeRecord): Promise<void> {
  const copy = await db.serverCopies.get([change.entity, change.id]);
  if (!copy || change.version > copy.version) await db.serverCopies.put(change);
}

/** For records that are no longer busy: installs a kept server version newer than the local one. */
export async function reconcileServerCopies(db: RelaisDB, keys: Key[], now = new Date().toISOString()): Promise<void> {
  for (const key of keys) {
    const copy = await db.serverCopies.get([key.entity, key.id]);
    if (!copy || (await isBusy(db, key))) continue;
    await db.serverCopies.delete([key.entity, key.id]);
    if (!isStoredEntity(key.entity)) continue;
    const local = await db.tableOf(key.entity).get(key.id);
    if (!local || copy.version > local.version) await installServerVersion(db, copy, now);
  }
}
