/**
 * Read queries of the screens loaded on demand (history, opening a permanence, the visit form):
 * periods, her recent records, the active relays. Same rules as queries.ts (today's screen's).
 */
import type { IsoDate } from '../domain/records';
import { isOwnRecord } from '../domain/ownership';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { ownerName } from './owner';
import { alive, readWithoutPersonal } from './queries';

/** Accompaniments between two dates (inclusive), everyone's, newest first; personal fields null (as stored). */
export async function accompanimentsBetween(from: IsoDate, to: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await readWithoutPersonal(db, ['accompaniments'], () => db.accompaniments.where('data.date').between(from, to, true, true).toArray());
  return rows.filter(alive).sort((a, b) => b.data.date.localeCompare(a.data.date) || b.createdAt.localeCompare(a.createdAt));
}

/**
 * Every accompaniment, opened (notes in clear), newest first: Historique's search looks in the
 * notes. Read in one request and opened together (a reverse read would walk a cursor).
 */
export async function allAccompanimentsOpened(db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await db.accompaniments.orderBy('data.date').toArray();
  return rows.reverse().filter(alive);
}

/** Permanences between two dates (inclusive), everyone's, newest first; personal fields null (as stored). */
export async function permanencesBetween(from: IsoDate, to: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'permanence'>[]> {
  const rows = await readWithoutPersonal(db, ['permanences'], () => db.permanences.where('data.date').between(from, to, true, true).toArray());
  return rows.filter(alive).sort((a, b) => (b.data.date + b.data.startTime).localeCompare(a.data.date + a.data.startTime));
}

/**
 * What Bilan counts, read as stored (no personal value: tallies need dates, codes, durations,
 * birth years, communes): every accompaniment and permanence, and the people (demographics,
 * merges). Mapped to tally facts by `useReportFacts`.
 */
export function reportRows(db: RelaisDB = appDb): Promise<{
  accompaniments: LocalRecord<'accompaniment'>[];
  permanences: LocalRecord<'permanence'>[];
  people: LocalRecord<'beneficiary'>[];
}> {
  return readWithoutPersonal(db, ['accompaniments', 'permanences', 'beneficiaries'], async () => {
    const [accompaniments, permanences, people] = await Promise.all([db.accompaniments.toArray(), db.permanences.toArray(), db.beneficiaries.toArray()]);
    return { accompaniments, permanences, people };
  });
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
