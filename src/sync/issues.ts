/**
 * Resolving changes the server refused. "Renvoyer" queues the device's version again (on top of
 * the server's version for a conflict); "Prendre la version du serveur" replaces the local record
 * with the server's; "Abandonner" drops a rejected change (a record the server never had is
 * removed from the tablet; otherwise the next sync fetches the server's version again).
 */
import { isStoredEntity, type RelaisDB, type SyncIssue } from '../db/database';
import { deleteRecord, saveRecord } from '../db/writes';
import { CURSOR_KEY } from './pull';

function tablesFor(db: RelaisDB, issue: SyncIssue) {
  if (!isStoredEntity(issue.entity)) throw new Error(`entity ${issue.entity} is not stored on this device`);
  return db.tableOf(issue.entity);
}

export async function resend(db: RelaisDB, issue: SyncIssue): Promise<void> {
  const table = tablesFor(db, issue);
  await db.transaction('rw', [table, db.outbox, db.syncIssues], async () => {
    const local = await table.get(issue.id);
    if (!local) return void (await db.syncIssues.delete(issue.opId));
    const base = issue.kind === 'conflict' ? (issue.current?.version ?? 0) : local.version;
    await table.update(issue.id, { version: base });
    if (local.deleted) await deleteRecord(issue.entity as 'accompaniment', issue.id, db);
    else await saveRecord(issue.entity as 'accompaniment', issue.id, local.data as never, db);
  });
}

export async function takeServerVersion(db: RelaisDB, issue: SyncIssue): Promise<void> {
  const table = tablesFor(db, issue);
  await db.transaction('rw', [table, db.outbox, db.syncIssues], async () => {
    const current = issue.current;
    const local = await table.get(issue.id);
    if (current) {
      await table.put({
        ...current,
        data: current.deleted && local ? local.data : current.data,
        createdAt: local?.createdAt ?? new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      } as never);
    } else {
      await table.delete(issue.id);
    }
    await db.outbox.where('[entity+id]').equals([issue.entity, issue.id]).delete();
    await db.syncIssues.where('[entity+id]').equals([issue.entity, issue.id]).delete();
  });
}

export async function abandon(db: RelaisDB, issue: SyncIssue): Promise<void> {
  const table = tablesFor(db, issue);
  await db.transaction('rw', [table, db.outbox, db.syncIssues, db.meta], async () => {
    const local = await table.get(issue.id);
    if (local && local.version === 0) await table.delete(issue.id);
    else await db.meta.put({ key: CURSOR_KEY, value: '' }); // fetch the server's version again
    await db.outbox.where('[entity+id]').equals([issue.entity, issue.id]).delete();
    await db.syncIssues.where('[entity+id]').equals([issue.entity, issue.id]).delete();
  });
}
