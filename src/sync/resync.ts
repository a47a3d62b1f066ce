/**
 * Resynchronisation after `409 cursor_reset` (api.md, Pull): the server's database is not the one
 * the device's cursor came from (restored from a backup, or replaced). The device pulls again from
 * the start, and sends again what it holds that the server does not have. For a record of her own:
 * - the server holds an older version restored from the backup (`fromBackup`): the device's newer
 *   version is queued again on the server's version (a change waiting to be sent is rebased on it);
 * - the server holds an older version written since the restore, or the same version with other
 *   content: someone changed it on the restored server — a conflict the user resolves;
 * - the full pull never mentioned it: it is queued again as new (once the pull is complete).
 * Records of other users (a coordinator's tablet) and reference data on a mediator's tablet take
 * the server's version: their owners' tablets resend their own. The state lives in `meta`, so an
 * interrupted resynchronisation resumes; nothing is skipped.
 */
import { isStoredEntity, TABLE_OF, type LocalRecord, type RelaisDB } from '../db/database';
import { RESYNC_META_KEY } from '../db/schema';
import { newId } from '../db/writes';
import { shapeOp } from '../domain/outbox';
import { isOwnRecord } from '../domain/ownership';
import { REFERENCE_ENTITIES } from '../domain/records';
import { stableJson } from '../domain/stableJson';
import type { ChangeRecord, Role } from '../domain/sync';
import { CURSOR_KEY } from './cursor';
import { isBusy } from './serverCopies';

export const RESYNC_KEY = RESYNC_META_KEY;

export interface Resync {
  id: string;
  startedAt: string;
}

/** Who the device works for, during a resynchronisation. */
export interface ResyncContext extends Resync {
  role: Role | undefined;
  /** The enrolled user's name (null: not enrolled). */
  user: string | null;
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

/** Whether the device answers for this record: her own, and not reference data she cannot write. */
function answersFor(local: LocalRecord, ctx: ResyncContext): boolean {
  if (REFERENCE_ENTITIES.has(local.entity)) return ctx.role === 'coordinator';
  return isOwnRecord(local, ctx.user);
}

/** Queues the device's version of a record again, on the server's version `baseVersion`. */
async function requeue(db: RelaisDB, local: LocalRecord, baseVersion: number, ctx: ResyncContext, now: string) {
  if (!isStoredEntity(local.entity)) return;
  await db.tableOf(local.entity).update(local.id, { version: baseVersion, resyncSeen: ctx.id });
  await db.outbox.add({ ...shapeOp(local, newId(), baseVersion), queuedAt: now, sentAt: null });
}

/** Rebases the changes of a record still waiting to be sent on the server's version `baseVersion`. */
async function rebasePending(db: RelaisDB, local: LocalRecord, baseVersion: number) {
  if (!isStoredEntity(local.entity)) return;
  await db.outbox
    .where('[entity+id]')
    .equals([local.entity, local.id])
    .modify((o) => {
      if (o.sentAt === null && o.baseVersion > baseVersion) o.baseVersion = baseVersion;
    });
  await db.tableOf(local.entity).update(local.id, { version: baseVersion });
}

export type Reconciled = 'install' | 'handled';

/**
 * Compares a pulled record with the device's during a resynchronisation (the record has no
 * refused change; its waiting changes, if any, are rebased when the server's version comes from
 * the backup). `install`: take the server's version, even if older.
 */
export async function reconcileLocal(
  db: RelaisDB,
  local: LocalRecord,
  change: ChangeRecord,
  busy: boolean,
  ctx: ResyncContext,
  now: string,
): Promise<Reconciled> {
  if (!isStoredEntity(local.entity)) return 'install';
  const table = db.tableOf(local.entity);
  if (!answersFor(local, ctx)) return busy ? 'handled' : local.version === change.version && sameContent(local, change) ? 'handled' : 'install';
  await table.update(local.id, { resyncSeen: ctx.id });
  if (busy) {
    if (local.version > change.version && change.fromBackup) await rebasePending(db, local, change.version);
    return 'handled'; // her waiting change goes first, and conflicts if the record moved on
  }
  if (local.version < change.version) return 'install';
  if (local.version > change.version && change.fromBackup) {
    await requeue(db, local, change.version, ctx, now);
    return 'handled';
  }
  if (local.version === change.version && sameContent(local, change)) return 'handled';
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
  return 'handled';
}

/**
 * Ends a resynchronisation once the full pull is stored: what the server never mentioned is
 * queued again as new (her own records; reference data only from a coordinator's tablet), and
 * her changes still waiting to be sent are rebased on "new".
 */
export async function finishResync(db: RelaisDB, ctx: ResyncContext, now: string): Promise<void> {
  const tables = Object.values(TABLE_OF).map((t) => db.table(t));
  await db.transaction('rw', [db.meta, db.outbox, db.syncIssues, ...tables], async () => {
    for (const name of Object.values(TABLE_OF)) {
      const rows = (await db.table(name).toArray()) as LocalRecord[];
      for (const local of rows) {
        if (local.version === 0 || local.resyncSeen === ctx.id || !answersFor(local, ctx)) continue;
        if (await isBusy(db, local)) {
          if ((await db.syncIssues.where('[entity+id]').equals([local.entity, local.id]).count()) === 0) await rebasePending(db, local, 0);
          continue;
        }
        await requeue(db, local, 0, ctx, now);
      }
    }
    await db.meta.delete(RESYNC_KEY);
  });
}
