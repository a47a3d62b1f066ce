/**
 * Records erased at a person's request, as the pull brings them (pull extension: a tombstone with
 * `erased: true`, README "Her rights"). The coordinator erased her everywhere, so this device
 * keeps nothing of the record: not the row (an ordinary tombstone keeps the last data the device
 * knew, serverCopies.ts), not a change waiting to be sent or refused (the server refuses them for
 * good), not a kept server copy, not a form draft of it. For the person herself, her mandates and
 * follow-ups held here go too (a server tombstone may not reach this device for those it made
 * offline), and the visits naming her (live or deleted) lose their free text (note, referral note),
 * in the row, in their waiting or refused changes and in form drafts (a new visit naming her too). The
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
  const visits = (await db.accompaniments.where('data.beneficiaryId').equals(change.id).toArray()) as LocalRecord<'accompaniment'>[];
  for (const v of visits) await forgetVisitText(db, v);
  // A form being typed that names her (a new visit, or one whose person was just changed to her).
  const drafts = await db.drafts.filter((d) => d.key.startsWith('accompaniment:') && draftNames(d.value, change.id)).toArray();
  if (drafts.length) await db.drafts.bulkPut(drafts.map((d) => ({ ...d, value: blankDraft(d.value) })));
}

/** Whether an accompaniment form draft (`{ state: FormState }`) names this person. */
const draftNames = (value: unknown, personId: string): boolean => (value as { state?: { beneficiaryId?: unknown } } | null)?.state?.beneficiaryId === personId;

/** An accompaniment form draft without its free text (the form's `note` and `referralNote`). */
function blankDraft(value: unknown): unknown {
  const v = value as { state?: Record<string, unknown> } | null;
  if (!v?.state) return value;
  return { ...v, state: { ...v.state, note: '', referralNote: '' } };
}

/**
 * A visit naming an erased person stays (it is counted) but loses its free text here too: the
 * row, its changes waiting to be sent or refused, and its form draft.
 */
async function forgetVisitText(db: RelaisDB, v: LocalRecord<'accompaniment'>): Promise<void> {
  await db.accompaniments.update(v.id, { data: anonymisedData('accompaniment', v.data) });
  const key: [StoredEntity, string] = ['accompaniment', v.id];
  const ops = await db.outbox.where('[entity+id]').equals(key).toArray();
  const waiting = ops.filter((o) => !o.deleted && o.data && typeof o.data === 'object');
  if (waiting.length) await db.outbox.bulkPut(waiting.map((o) => ({ ...o, data: anonymisedData('accompaniment', o.data as object) }) as typeof o));
  const issues = await db.syncIssues.where('[entity+id]').equals(key).toArray();
  if (issues.length) {
    await db.syncIssues.bulkPut(issues.map((i) => ({ ...i, sent: { ...i.sent, data: anonymisedData('accompaniment', i.sent.data) } })));
  }
  const draft = await db.drafts.get(`accompaniment:${v.id}`);
  if (draft) await db.drafts.put({ ...draft, value: blankDraft(draft.value) });
}
