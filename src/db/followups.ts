/**
 * Reading follow-ups ("À suivre"): the open ones of a commune (shown first when a permanence opens
 * there) and the overdue ones (the home screen). Open = not deleted and not done (`doneOn` null).
 * Each function takes an optional `db`.
 */
import type { IsoDate } from '../domain/records';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { isOwnRecord } from '../domain/ownership';
import { ownerName } from './owner';
import { editBaseOf, saveRecord } from './writes';

const isOpen = (f: LocalRecord<'followup'>) => !f.deleted && f.data.doneOn === null;

/** The earliest due first; no due date last; then the oldest first. */
export const byDueDate = (a: LocalRecord<'followup'>, b: LocalRecord<'followup'>) =>
  (a.data.dueOn ?? '9999-12-31').localeCompare(b.data.dueOn ?? '9999-12-31') || a.createdAt.localeCompare(b.createdAt);

/** Open follow-ups of a commune (INSEE code), the earliest due first. */
export async function openFollowupsOf(communeInsee: string, db: RelaisDB = appDb): Promise<LocalRecord<'followup'>[]> {
  const rows = await db.followups.where('data.communeInsee').equals(communeInsee).filter(isOpen).toArray();
  return rows.sort(byDueDate);
}

/** Open follow-ups whose due date has passed (`dueOn < today`), the most overdue first. */
export async function overdueFollowups(today: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'followup'>[]> {
  const rows = await db.followups.where('data.dueOn').below(today).filter(isOpen).toArray();
  return rows.sort(byDueDate);
}

/** « Fait »: marks a follow-up done on `doneOn`, through the write path (it syncs like any edit). */
export async function markFollowupDone(id: string, doneOn: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'followup'>> {
  const followup = await db.followups.get(id);
  if (!followup || followup.deleted) throw new Error('unknown follow-up');
  return saveRecord('followup', id, { ...followup.data, doneOn }, { db, base: editBaseOf(followup) });
}

/** What the home screen's « À suivre » lists: hers only (a coordinator's tablet holds everyone's). */
export interface FollowupsToDo {
  /** Open ones in the open permanence's commune (none without an open permanence). */
  here: LocalRecord<'followup'>[];
  /** Open ones elsewhere whose due date has passed. */
  overdueElsewhere: LocalRecord<'followup'>[];
}

export async function followupsToDo(communeInsee: string | null, today: IsoDate, db: RelaisDB = appDb): Promise<FollowupsToDo> {
  const owner = await ownerName(db);
  const mine = (f: LocalRecord<'followup'>) => isOwnRecord(f, owner);
  const here = communeInsee ? (await openFollowupsOf(communeInsee, db)).filter(mine) : [];
  const overdue = (await overdueFollowups(today, db)).filter(mine);
  return { here, overdueElsewhere: overdue.filter((f) => !here.some((h) => h.id === f.id)) };
}

/** The live follow-up a visit saved (« Doit revenir »), if any. */
export async function followupOfVisit(visitId: string, db: RelaisDB = appDb): Promise<LocalRecord<'followup'> | undefined> {
  return (await db.followups.filter((f) => f.data.accompanimentId === visitId && !f.deleted).toArray())[0];
}
