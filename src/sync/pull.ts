/**
 * Pulling changes: each page is applied in one transaction together with the new cursor, so an
 * interrupted pull resumes where it stopped.
 *
 * - A record with a change waiting to be sent, or refused, is not overwritten (the user's change
 *   goes first, and conflicts if the server's record moved on); its newest server version is kept
 *   aside (serverCopies.ts), never skipped for good.
 * - A record is installed only when the server's version is newer than the device's: a page
 *   pulled again (a retried page, a pull from the start) changes nothing and keeps open forms valid.
 * - During a resynchronisation after `cursor_reset` (resync.ts), a record the device holds at a
 *   version the server does not have is queued again instead of being replaced.
 * - A record of an entity this version does not know is kept as it came (`otherRecords`), never
 *   dropped: a later version uses it without pulling again.
 * - A merged person's tombstone keeps its pointer to the survivor, and this device's waiting
 *   records that name her are re-pointed (merges.ts).
 * - A record erased at the person's request (tombstone with `erased: true`) is dropped with
 *   everything kept about it, changes waiting to be sent included (erasure.ts).
 */
import Dexie from 'dexie';
import { isStoredEntity, TABLE_OF, type LocalRecord, type RelaisDB } from '../db/database';
import { asStoredWithin, presealRows, readAsStored } from '../db/sealing/middleware';
import { forgetErased, isErasure } from './erasure';
import { applyMerge, mergedIntoOf } from './merges';
import { recordKeys } from '../db/queries';
import type { ChangeRecord } from '../domain/sync';
import { CURSOR_KEY } from './cursor';
import { reconcileLocal, type ResyncContext } from './resync';
import { assertSameDevice } from './credentials';
import { keepServerCopy, localFromServer, syncTables } from './serverCopies';

const keyOf = (c: { entity: string; id: string }) => `${c.entity}:${c.id}`;

/** Keeps the newest version of a record of an entity this version has no table for. */
async function keepOtherRecord(db: RelaisDB, change: ChangeRecord, now: string): Promise<void> {
  const held = await db.otherRecords.get([change.entity, change.id]);
  if (!held || change.version > held.version) await db.otherRecords.put({ ...change, receivedAt: now });
}

/** The versions held here of a page's records (`entity:id` → version), read as stored. */
async function heldVersions(db: RelaisDB, changes: ChangeRecord[]): Promise<Map<string, number>> {
  const byTable = new Map<string, string[]>();
  for (const c of changes) {
    if (!isStoredEntity(c.entity)) continue;
    const ids = byTable.get(TABLE_OF[c.entity]);
    if (ids) ids.push(c.id);
    else byTable.set(TABLE_OF[c.entity], [c.id]);
  }
  const held = new Map<string, number>();
  if (byTable.size === 0) return held;
  await readAsStored(db, 'r', [...byTable.keys()], async () => {
    for (const [table, ids] of byTable) {
      const rows = (await db.table(table).bulkGet(ids)) as (LocalRecord | undefined)[];
      for (const r of rows) if (r) held.set(keyOf(r), r.version);
    }
  });
  return held;
}

/** Applies one page and stores its cursor, in one transaction. Returns how many records changed. */
export async function applyPulledPage(
  db: RelaisDB,
  changes: ChangeRecord[],
  cursor: string,
  now: string,
  resync?: ResyncContext,
  deviceId?: string,
): Promise<number> {
  let applied = 0;
  // The page's records are sealed before its transaction opens: inside it, the records installed
  // take their blobs without waiting for Web Crypto (copies of busy records are sealed there).
  // Only those it may install: a record already held at that version (the device's own changes
  // coming back after a push, a page pulled again) is skipped, and sealing it would be wasted.
  const forget = Dexie.currentTransaction
    ? () => {}
    : await heldVersions(db, changes).then((held) =>
        presealRows(
          changes.flatMap((c) =>
            isStoredEntity(c.entity) && !c.deleted && !(c.version <= (held.get(keyOf(c)) ?? -1))
              ? [{ store: TABLE_OF[c.entity], row: { entity: c.entity, id: c.id, data: c.data } }]
              : [],
          ),
        ),
      );
  try {
    await applyPage();
  } finally {
    forget();
  }
  return applied;

  async function applyPage() {
    await db.transaction('rw', syncTables(db), async () => {
      await assertSameDevice(db, deviceId);
      const [queued, refused] = await Promise.all([recordKeys(db.outbox), recordKeys(db.syncIssues)]);
      for (const change of changes) {
        if (!isStoredEntity(change.entity)) {
          await keepOtherRecord(db, change, now);
          continue;
        }
        if (isErasure(change)) {
          // Erased at her request: nothing of it stays here, waiting changes included (erasure.ts).
          await forgetErased(db, change);
          applied++;
          continue;
        }
        const survivor = mergedIntoOf(change);
        if (survivor) await applyMerge(db, change.id, survivor);
        const table = db.tableOf(change.entity);
        const key = keyOf(change);
        const busy = queued.has(key) || refused.has(key);
        if (busy) await keepServerCopy(db, change);
        // Its version is read as stored first: a record held at this version or a newer one, or
        // busy, is left as it is without opening (and re-sealing) its personal values.
        const stored = await asStoredWithin(() => table.get(change.id));
        if (!resync && stored && (busy || change.version <= stored.version)) continue;
        // Installing a live version needs only the stored row's unsealed fields (createdAt,
        // createdBy, rev, mergedInto); a tombstone keeps the old data, and a resync compares it.
        const local = resync || change.deleted ? stored && (await table.get(change.id)) : stored;
        let install = !busy && (!local || change.version > local.version);
        if (resync && local) {
          if (refused.has(key)) {
            await table.update(change.id, { resyncSeen: resync.id });
            continue;
          }
          const reconciled = await reconcileLocal(db, local as LocalRecord, change, busy, resync, now);
          install = !busy && reconciled === 'install';
        }
        if (install) {
          await table.put({ ...localFromServer(change, local, now), ...(resync ? { resyncSeen: resync.id } : {}) } as never);
          applied++;
        }
      }
      await db.meta.put({ key: CURSOR_KEY, value: cursor });
    });
  }
}
