/**
 * Merged people, as the pull brings them (pull extension): the coordinator merged a duplicate into
 * a survivor; the duplicate arrives as a tombstone carrying `mergedInto: <survivor id>`, and the
 * server re-versions her visits, mandates and follow-ups with the survivor's id (the pull brings
 * those too). On this device:
 * - the pointer is kept on the duplicate's local record (`mergedInto`), even when a change of hers
 *   waits (then her tombstone is kept aside, serverCopies.ts), so `resolvePerson` finds the survivor;
 * - this device's own records that still name the duplicate and have a change waiting to be sent
 *   (created or edited offline: the server could not re-point them) are re-pointed through the
 *   write path, so the re-pointing syncs like any edit. Records the server already holds come back
 *   re-pointed by the pull; refused changes are left for the user to resolve.
 * Everything runs in the pull's transaction: a page and its merges are applied together.
 */
import { TABLE_OF, type LocalRecord, type RelaisDB } from '../db/database';
import { saveRecord, ValidationError } from '../db/writes';
import type { ChangeRecord } from '../domain/sync';
import { UUID_RE } from '../domain/validation';

/** The survivor a pulled change names, when it is the tombstone of a merged person. */
export function mergedIntoOf(change: ChangeRecord): string | null {
  const survivor = (change as ChangeRecord & { mergedInto?: unknown }).mergedInto;
  if (change.entity !== 'beneficiary' || !change.deleted || typeof survivor !== 'string') return null;
  return UUID_RE.test(survivor) && survivor !== change.id ? survivor : null;
}

/** The entities whose records name a person (`data.beneficiaryId`, indexed). */
const REFERRING: readonly ('accompaniment' | 'mandate' | 'followup')[] = ['accompaniment', 'mandate', 'followup'];

/**
 * Keeps the pointer of a merged person and re-points this device's waiting records that name her.
 * Runs inside the pull's transaction (its scope holds every record table and the outbox). Returns
 * how many records were re-pointed.
 */
export async function applyMerge(db: RelaisDB, duplicate: string, survivor: string): Promise<number> {
  await db.beneficiaries.update(duplicate, { mergedInto: survivor });
  let repointed = 0;
  for (const entity of REFERRING) {
    const table = db.table<LocalRecord<(typeof REFERRING)[number]>, string>(TABLE_OF[entity]);
    const rows = await table.where('data.beneficiaryId').equals(duplicate).toArray();
    for (const row of rows) {
      if (row.deleted) continue;
      const waiting = await db.outbox.where('[entity+id]').equals([entity, row.id]).count();
      if (waiting === 0) continue;
      try {
        await saveRecord(entity, row.id, { ...row.data, beneficiaryId: survivor } as never, { db });
        repointed++;
      } catch (error) {
        // Data that no longer validates (an older app's rules) stays as it is: the user corrects it.
        if (!(error instanceof ValidationError)) throw error;
      }
    }
  }
  return repointed;
}
