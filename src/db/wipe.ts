/**
 * Wiping the device's data, for a tablet handed to another person: her records (people, mandates
 * and follow-ups too, and records of entities this version does not know), what waits to be
 * sent, refused changes, drafts, server copies and the pull cursor go, in one transaction; the
 * reference data (relays, catalogue) stays, and the next pull starts from the beginning. Callers
 * make sure nothing waits to be sent first (`hasUnsentWork`).
 */
import { REFERENCE_ENTITIES } from '../domain/records';
import { TABLE_OF, type MetaRow, type RelaisDB, type StoredEntity } from './database';

/** The tables of the user's records (every stored entity but reference data), and unknown entities. */
export function userRecordTables(db: RelaisDB) {
  const entities = Object.keys(TABLE_OF) as StoredEntity[];
  return [...entities.filter((e) => !REFERENCE_ENTITIES.has(e)).map((e) => db.tableOf(e)), db.otherRecords];
}

/** Whether anything on this tablet has not reached the server (queued or refused changes). */
export async function hasUnsentWork(db: RelaisDB): Promise<boolean> {
  const [queued, refused] = await Promise.all([db.outbox.count(), db.syncIssues.count()]);
  return queued + refused > 0;
}

export class UnsentWorkError extends Error {
  constructor() {
    super('Des saisies de cette tablette n’ont pas encore été envoyées au serveur.');
    this.name = 'UnsentWorkError';
  }
}

/** Wipes, then writes `meta` rows of the new state (e.g. the new enrolment), in one transaction. */
export async function wipeLocalData(db: RelaisDB, then: MetaRow[] = []): Promise<void> {
  const records = userRecordTables(db);
  await db.transaction('rw', [...records, db.outbox, db.syncIssues, db.drafts, db.serverCopies, db.meta], async () => {
    if ((await db.outbox.count()) + (await db.syncIssues.count()) > 0) throw new UnsentWorkError();
    const meta = await db.meta.toCollection().primaryKeys();
    await Promise.all([...records.map((t) => t.clear()), db.drafts.clear(), db.serverCopies.clear(), db.meta.bulkDelete(meta)]);
    if (then.length > 0) await db.meta.bulkPut(then);
  });
}
