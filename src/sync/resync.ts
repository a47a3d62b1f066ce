/**
 * Resynchronisation after `409 cursor_reset` (api.md, Pull): the server's database is not the one
 * the device's cursor came from (restored from a backup, or replaced). The device pulls again from
 * the start, and sends again what it holds that the server does not have:
 * - a record at a version newer than the server's is queued again on the server's version;
 * - a record the server holds at the same version with other content (the restore lost the
 *   device's change and another device wrote over it) becomes a conflict the user resolves;
 * - a record the full pull never mentioned is queued again as new (once the pull is complete).
 * The state lives in `meta`, so an interrupted resynchronisation resumes; nothing is skipped.
 */
import { isStoredEntity, TABLE_OF, type LocalRecord, type RelaisDB } from '../db/database';
import { newId } from '../db/writes';
import { shapeOp } from '../domain/outbox';
import { REFERENCE_ENTITIES } from '../domain/records';
import { stableJson } from '../domain/stableJson';
import type { ChangeRecord, Role } from '../domain/sync';
import { CURSOR_KEY } from './cursor';
import { isBusy } from './serverCopies';

export const RESYNC_KEY = 'resync';

export interface Resync {
  id: string;
  startedAt: string;
}

export async function loadResync(db: RelaisDB): Promise<Resync | undefined> {
  return (await db.meta.get(RESYNC_KEY))?.value as Resync | undefined;
}

/** Starts (or restarts) a resynchronisation: the pull starts again from the beginning. */
export async function startResync(db: RelaisDB, now: string): Promise<Resync> {
  const resync: Resync = { id: newId(), startedAt: now };
  await db.transaction('rw', db.meta, async () => {
    await db.meta.put({ key: RESYNC_KEY, value: resync });
    await db.meta.put({ key: CURSOR_KEY, value: '' });
  });
  return resync;
}

const sameContent = (local: LocalRecord, change: ChangeRecord) =>
  local.deleted === change.deleted && (local.deleted || stableJson(local.data) === stableJson(change.data));

/** Queues the device's version of a record again, on the server's version `baseVersion`. */
async function requeue(db: RelaisDB, local: LocalRecord, baseVersion: number, resync: Resync, now: string) {
  if (!isStoredEntity(local.entity)) return;
  await db.tableOf(local.entity).update(local.id, { version: baseVersion, resyncSeen: resync.id });
  await db.outbox.add({ ...shapeOp(local, newId(), baseVersion), queuedAt: now, sentAt: null });
}

/**
 * Compares a pulled record with the device's during a resynchronisation. Returns true when it was
 * handled here (kept, queued again, or turned into a conflict), false when the server's version
 * is newer and should simply be installed.
 */
export async function reconcileLocal(db: RelaisDB, local: LocalRecord, change: ChangeRecord, resync: Resync, now: string): Promise<boolean> {
  if (!isStoredEntity(local.entity)) return false;
  if (local.version < change.version) return false;
  if (local.version > change.version) {
    await requeue(db, local, change.version, resync, now);
    return true;
  }
  await db.tableOf(local.entity).update(local.id, { resyncSeen: resync.id });
  if (!sameContent(local, change)) {
    await db.syncIssues.put({
      opId: newId(),
      entity: local.entity,
      id: local.id,
      kind: 'conflict',
      fields: [],
      current: change,
      sent: { baseVersion: change.version, deleted: local.deleted, data: local.data as unknown as Record<string, unknown> },
      at: now,
    });
  }
  return true;
}

/**
 * Ends a resynchronisation once the full pull is stored: what the server never mentioned is
 * queued again as new (reference data only from a coordinator's device).
 */
export async function finishResync(db: RelaisDB, resync: Resync, role: Role | undefined, now: string): Promise<number> {
  let queued = 0;
  const tables = Object.values(TABLE_OF).map((t) => db.table(t));
  await db.transaction('rw', [db.meta, db.outbox, db.syncIssues, ...tables], async () => {
    for (const name of Object.values(TABLE_OF)) {
      const rows = (await db.table(name).toArray()) as LocalRecord[];
      for (const local of rows) {
        if (local.version === 0 || local.resyncSeen === resync.id) continue;
        if (REFERENCE_ENTITIES.has(local.entity) && role !== 'coordinator') continue;
        if (await isBusy(db, local)) continue;
        await requeue(db, local, 0, resync, now);
        queued++;
      }
    }
    await db.meta.delete(RESYNC_KEY);
  });
  return queued;
}
