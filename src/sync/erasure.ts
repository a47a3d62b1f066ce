/**
 * Records erased at a person's request, as the pull brings them (pull extension: a tombstone with
 * `erased: true`, README "Her rights"). The coordinator erased her everywhere, so this device
 * keeps nothing of the record: not the row (an ordinary tombstone keeps the last data the device
 * knew, serverCopies.ts), not a change waiting to be sent or refused (the server refuses them for
 * good), not a kept server copy, not a form draft of it. For the person herself, her mandates and
 * follow-ups held here go too (a server tombstone may not reach this device for those it made
 * offline), and the deleted visits naming her lose their free text (note, referral note). The
 * people search index follows the people table (peopleIndex.ts), so she leaves it at once.
 * Runs inside the pull's transaction (syncTables scope). Nothing here logs.
 */
import { anonymisedData } from '../domain/anonymise';
import type { ChangeRecord } from '../domain/sync';
import { isStoredEntity, type LocalRecord, type RelaisDB, type StoredEntity } from '../db/database';

/** Whether a pulled change is the tombstone of a record erased at the person's request. */
export const isErasure = (change: ChangeRecord): boolean => change.deleted && (change as ChangeRecord & { erased?: unknown }).erased === true;

/** Drops one record and everything kept about it on this device. */
async function forgetRecord(db: RelaisDB, entity: StoredEntity, id: string): Promise<void> {
  await Promise.all([
    db.tableOf(entity).delete(id),
    db.outbox.where('[entity+id]').equals([entity, id]).delete(),
    db.syncIssues.where('[entity+id]').equals([entity, id]).delete(),
    db.serverCopies.delete([entity, id]),
    db.drafts.filter((d) => d.key.endsWith(`:${id}`)).delete(),
  ]);
}

/** Applies an erased tombstone: nothing of the record (and, for a person, of her mandates and follow-ups) stays here. */
export async function forgetErased(db: RelaisDB, change: ChangeRecord): Promise<void> {
  if (!isStoredEntity(change.entity)) return void (await db.otherRecords.delete([change.entity, change.id]));
  await forgetRecord(db, change.entity, change.id);
  if (change.entity !== 'beneficiary') return;
  for (const entity of ['mandate', 'followup'] as const) {
    const ids = await db.tableOf(entity).where('data.beneficiaryId').equals(change.id).primaryKeys();
    for (const id of ids) await forgetRecord(db, entity, id);
  }
  const visits = await db.accompaniments.where('data.beneficiaryId').equals(change.id).toArray();
  for (const v of visits as LocalRecord<'accompaniment'>[]) {
    if (v.deleted) await db.accompaniments.update(v.id, { data: anonymisedData('accompaniment', v.data) });
  }
}
