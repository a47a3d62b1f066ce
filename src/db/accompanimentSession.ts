/**
 * The life of an accompaniment form over the database: what it resumes from, how it saves, how a
 * save is undone. Each step is one transaction, so a crash or a second tab never finds a draft and
 * a record disagreeing about an id.
 *
 * Guarantees:
 * - an edit draft carries the version the edit started from (`base`), also after a reload weeks
 *   later; a legacy draft without one counts as made on an older version if the record changed
 *   after the draft was saved (saving it then asks the user, and ends as a conflict if she insists);
 * - a new entry never overwrites a record: a resumed draft whose id is already saved, or a save
 *   racing another tab, gets a fresh id;
 * - the save deletes the draft in its own transaction; an entry put back by undo goes back into the
 *   draft in the transaction that deletes the record, and what had been typed for the next person
 *   meanwhile is set aside in that draft (`next`), never overwritten.
 *
 * - a follow-up proposed by « Doit revenir » is saved in the same transaction as the visit (it
 *   names it: `accompanimentId`), once: an edit does not add a second one; undoing the save of a
 *   new entry deletes it with the visit.
 *
 * The form's state is opaque here (`S`): the feature maps it to the record's data.
 */
import type { AccompanimentData, FollowupData } from '../domain/records';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { deleteRecord, editBaseOf, newId, saveRecord, writeScope, type EditBase } from './writes';

/** One entry as the form holds it. */
export interface EntryDraft<S> {
  id: string;
  state: S;
  /** Editing: the version the edit started from. */
  base?: EditBase;
  /** A new entry typed for the next person, set aside while an undone entry is back in the form. */
  next?: { id: string; state: S };
}

export type Resumed<S> =
  | { kind: 'missing' }
  | { kind: 'blank'; record: LocalRecord<'accompaniment'> | null }
  | { kind: 'draft'; draft: EntryDraft<S>; record: LocalRecord<'accompaniment'> | null };

/** A base no stored revision has: saving on it always asks first. */
const UNKNOWN_REVISION = -1;

/**
 * What the form under `key` starts from: its draft if one is kept (made safe to save), otherwise
 * nothing (`blank`: the feature builds the state from the record, or a new one).
 */
export async function resumeEntry<S>(key: string, id: string | undefined, db: RelaisDB = appDb): Promise<Resumed<S>> {
  return db.transaction('r', [db.drafts, db.accompaniments], async () => {
    const [row, record] = await Promise.all([db.drafts.get(key), id ? db.accompaniments.get(id) : undefined]);
    if (id && (!record || record.deleted)) return { kind: 'missing' };
    if (!row) return { kind: 'blank', record: record ?? null };
    const draft = { ...(row.value as EntryDraft<S>) };
    if (record) {
      // Legacy edit drafts (no base): made on the stored version unless it changed after them.
      // The version they saw is unknown: 0 makes the server answer `conflict` if it moved on.
      draft.base ??= record.updatedAt > row.savedAt ? { version: 0, rev: UNKNOWN_REVISION } : editBaseOf(record);
    } else {
      const taken = await db.accompaniments.get(draft.id);
      if (taken && !taken.deleted) draft.id = newId();
    }
    return { kind: 'draft', draft, record: record ?? null };
  });
}

export interface SaveRequest<S> {
  key: string;
  draft: EntryDraft<S>;
  data: AccompanimentData;
  /** The record being edited; null for a new entry. */
  editing: LocalRecord<'accompaniment'> | null;
  /** She was told the record changed since and saves her version anyway (ends as a conflict). */
  overwriteStale?: boolean;
  /** « Doit revenir »: the follow-up to save with it (`accompanimentId` is set here). */
  followup?: FollowupData | null;
}

export interface Saved {
  record: LocalRecord<'accompaniment'>;
  /** The record as it was before an edit (for undo). */
  previous: LocalRecord<'accompaniment'> | null;
}

/**
 * Saves the form's entry and clears its draft in one transaction. An edit throws `StaleEditError`
 * when the record changed since `draft.base` (unless `overwriteStale`); a new entry whose id is
 * already taken is saved under a fresh id. A set-aside `next` entry becomes the draft. A « Fait à
 * sa place » visit whose mandate does not fit as held now throws `ValidationError` (`mandateId`)
 * before anything is written (the write path's check): the server would refuse it.
 */
export async function saveEntry<S>(request: SaveRequest<S>, db: RelaisDB = appDb): Promise<Saved> {
  const { key, draft, data, editing } = request;
  return db.transaction('rw', [...writeScope(db, 'accompaniment'), db.followups], async () => {
    let record: LocalRecord<'accompaniment'>;
    let previous: LocalRecord<'accompaniment'> | null = null;
    if (editing) {
      previous = (await db.accompaniments.get(editing.id)) ?? null;
      const base = draft.base ?? editBaseOf(editing);
      record = await saveRecord('accompaniment', editing.id, data, { db, base, overwriteStale: request.overwriteStale, draftKey: key });
    } else {
      // Checked here rather than by catching RecordExistsError: an error inside the write path's
      // (nested) transaction would abort this one too. `mustBeNew` still guards the write.
      const taken = await db.accompaniments.get(draft.id);
      const id = taken && !taken.deleted ? newId() : draft.id;
      record = await saveRecord('accompaniment', id, data, { db, mustBeNew: true, draftKey: key });
    }
    if (request.followup) await saveFollowupOf(record.id, request.followup, db);
    if (draft.next) await db.drafts.put({ key, value: draft.next, savedAt: new Date().toISOString() });
    return { record, previous };
  });
}

const followupsOfVisit = async (visitId: string, db: RelaisDB) =>
  (await db.followups.filter((f) => f.data.accompanimentId === visitId).toArray()).filter((f) => !f.deleted);

/** The visit's follow-up, unless it already has one (an edit saved again). */
async function saveFollowupOf(visitId: string, followup: FollowupData, db: RelaisDB): Promise<void> {
  if ((await followupsOfVisit(visitId, db)).length > 0) return;
  await saveRecord('followup', newId(), { ...followup, accompanimentId: visitId }, { db, mustBeNew: true });
}

/**
 * Undoes the save of a new entry: deletes the record and puts the entry back into the form's draft,
 * in one transaction. A draft typed meanwhile (for the next person) is set aside in it, not lost.
 * Returns whether something was set aside.
 */
export async function undoNewEntry<S>(key: string, entry: { id: string; state: S }, db: RelaisDB = appDb): Promise<{ setAside: boolean }> {
  return db.transaction('rw', [...writeScope(db, 'accompaniment'), db.followups], async () => {
    await deleteRecord('accompaniment', entry.id, { db });
    for (const f of await followupsOfVisit(entry.id, db)) await deleteRecord('followup', f.id, { db });
    const typed = (await db.drafts.get(key))?.value as EntryDraft<S> | undefined;
    const next = typed ? { id: typed.id, state: typed.state } : undefined;
    const value: EntryDraft<S> = { id: entry.id, state: entry.state, ...(next ? { next } : {}) };
    await db.drafts.put({ key, value, savedAt: new Date().toISOString() });
    return { setAside: next !== undefined };
  });
}

/**
 * Undoes an edit: the previous data, saved as an edit of the version the undone save produced, so
 * a change made since (another tab, a pull) is never clobbered (`StaleEditError`).
 */
export function undoEdit(
  previous: LocalRecord<'accompaniment'>,
  saved: LocalRecord<'accompaniment'>,
  db: RelaisDB = appDb,
): Promise<LocalRecord<'accompaniment'>> {
  return saveRecord('accompaniment', previous.id, previous.data, { db, base: editBaseOf(saved) });
}

/** The stored accompaniment (to show its current version again), or undefined if unknown. */
export function storedEntry(id: string, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'> | undefined> {
  return db.accompaniments.get(id);
}
