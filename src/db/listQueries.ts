/**
 * Read queries of the screens loaded on demand (history, opening a permanence, the visit form):
 * periods, her recent records, the active relays. Same rules as queries.ts (today's screen's).
 */
import type { IsoDate } from '../domain/records';
import { isOwnRecord } from '../domain/ownership';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { ownerName } from './owner';
import { alive } from './queries';

/** Accompaniments between two dates (inclusive), everyone's, newest first. */
export async function accompanimentsBetween(from: IsoDate, to: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await db.accompaniments.where('data.date').between(from, to, true, true).filter(alive).toArray();
  return rows.sort((a, b) => b.data.date.localeCompare(a.data.date) || b.createdAt.localeCompare(a.createdAt));
}

/** Permanences between two dates (inclusive), everyone's, newest first. */
export async function permanencesBetween(from: IsoDate, to: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'permanence'>[]> {
  const rows = await db.permanences.where('data.date').between(from, to, true, true).filter(alive).toArray();
  return rows.sort((a, b) => (b.data.date + b.data.startTime).localeCompare(a.data.date + a.data.startTime));
}

/** Her latest accompaniments, newest first: they order durations and procedures. */
export async function recentAccompaniments(limit = 100, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const owner = await ownerName(db);
  return db.accompaniments
    .orderBy('createdAt')
    .reverse()
    .filter((r) => alive(r) && isOwnRecord(r, owner))
    .limit(limit)
    .toArray();
}

/** Her latest permanences: they order the relays offered when she opens one. */
export async function recentPermanences(limit = 60, db: RelaisDB = appDb): Promise<LocalRecord<'permanence'>[]> {
  const owner = await ownerName(db);
  return db.permanences
    .orderBy('data.date')
    .reverse()
    .filter((r) => alive(r) && isOwnRecord(r, owner))
    .limit(limit)
    .toArray();
}

export async function activeRelays(db: RelaisDB = appDb): Promise<LocalRecord<'relay'>[]> {
  return (await db.relays.toArray()).filter((r) => alive(r) && r.data.active);
}
