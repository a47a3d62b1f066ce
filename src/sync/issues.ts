/**
 * Resolving changes the server refused. Every resolution uses the newest server version the device
 * knows (the conflict's answer, or a newer one pulled since: serverCopies.ts).
 * - "Renvoyer" / "Garder ma version" queues the device's version again, on top of the server's
 *   version for a conflict;
 * - "Prendre la version du serveur" replaces the local record with the server's;
 * - "Abandonner" drops a refused change: a record the server never had is removed from the tablet;
 *   otherwise the server's version is installed (or fetched again when the device has none).
 */
import { isStoredEntity, type RelaisDB, type SyncIssue } from '../db/database';
import { deleteRecord, saveRecord, writeScope } from '../db/writes';
import { CURSOR_KEY } from './cursor';
import { installServerVersion, newestServerVersion, syncTables } from './serverCopies';

function tableFor(db: RelaisDB, issue: SyncIssue) {
  if (!isStoredEntity(issue.entity)) throw new Error(`entity ${issue.entity} is not stored on this device`);
  return db.tableOf(issue.entity);
}

async function clearIssue(db: RelaisDB, issue: SyncIssue) {
  await Promise.all([
    db.outbox.where('[entity+id]').equals([issue.entity, issue.id]).delete(),
    db.syncIssues.where('[entity+id]').equals([issue.entity, issue.id]).delete(),
    db.serverCopies.delete([issue.entity, issue.id]),
  ]);
}

export async function resend(db: RelaisDB, issue: SyncIssue): Promise<void> {
  const table = tableFor(db, issue);
  await db.transaction('rw', [...writeScope(db, issue.entity as 'accompaniment'), db.serverCopies], async () => {
    const local = await table.get(issue.id);
    if (!local) return void (await db.syncIssues.delete(issue.opId));
    const server = issue.kind === 'conflict' ? await newestServerVersion(db, issue, issue.current) : null;
    const base = issue.kind === 'conflict' ? (server?.version ?? 0) : local.version;
    await table.update(issue.id, { version: base });
    await db.serverCopies.delete([issue.entity, issue.id]);
    if (local.deleted) await deleteRecord(issue.entity as 'accompaniment', issue.id, db);
    else await saveRecord(issue.entity as 'accompaniment', issue.id, local.data as never, db);
  });
}

export async function takeServerVersion(db: RelaisDB, issue: SyncIssue): Promise<void> {
  const table = tableFor(db, issue);
  await db.transaction('rw', syncTables(db), async () => {
    const current = await newestServerVersion(db, issue, issue.current);
    if (current) await installServerVersion(db, current, new Date().toISOString());
    else await table.delete(issue.id);
    await clearIssue(db, issue);
  });
}

export async function abandon(db: RelaisDB, issue: SyncIssue): Promise<void> {
  const table = tableFor(db, issue);
  await db.transaction('rw', syncTables(db), async () => {
    const local = await table.get(issue.id);
    const server = await newestServerVersion(db, issue, issue.current);
    if (server) await installServerVersion(db, server, new Date().toISOString());
    else if (local && local.version === 0) await table.delete(issue.id);
    else if (local) {
      // The server has a version this device does not hold: fetch it again from the start.
      await table.update(issue.id, { version: 0 });
      await db.meta.put({ key: CURSOR_KEY, value: '' });
    }
    await clearIssue(db, issue);
  });
}
