/**
 * Read queries on the device's database. Screens run them inside `useLiveQuery`, so what they show
 * follows the database (the database is the state). Each takes an optional `db` (the app's by
 * default). "Her" queries (open permanence, today's entries, recent ones) keep the records of the
 * tablet's user only: a coordinator's tablet also holds everyone else's (see `owner.ts`).
 */
import type { Entity } from '../domain/records';
import type { IsoDate } from '../domain/records';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { isOwnRecord } from '../domain/ownership';
import { ownerName } from './owner';
import { readAsStored } from './sealing/middleware';

const alive = <T extends { deleted: boolean }>(r: T) => !r.deleted;

/**
 * Runs the reads of `fn` for a list, count or tally that shows no personal value: rows come as
 * stored, their personal fields null and their blob left sealed (no decryption: listing a year
 * costs what it costs without encryption, and works while locked). Screens that show a personal
 * value read the record opened. Never write such rows back with a personal value (refused).
 */
export function readWithoutPersonal<T>(db: RelaisDB, tables: string[], fn: () => Promise<T>): Promise<T> {
  return readAsStored(db, 'r', tables, fn);
}

/**
 * Her records among `rows`. The owner is read alongside the rows (one level of awaits keeps the
 * live query watching both the rows and the enrolment).
 */
async function hers<R extends LocalRecord>(db: RelaisDB, rows: Promise<R[]>): Promise<R[]> {
  const [owner, all] = await Promise.all([ownerName(db), rows]);
  return all.filter((r) => isOwnRecord(r, owner));
}

/** Her open permanence, if any (the newest when several were left open by mistake). */
export async function findOpenPermanence(db: RelaisDB = appDb): Promise<LocalRecord<'permanence'> | undefined> {
  const open = await hers(db, db.permanences.where('data.status').equals('open').filter(alive).toArray());
  return open.sort((a, b) => (b.data.date + b.data.startTime).localeCompare(a.data.date + a.data.startTime))[0];
}

// The lists below (Aujourd'hui, Historique) show no personal value (AccompanimentSummary: time,
// procedures, posture, outcome, duration; a permanence's place and hours): they read rows as
// stored, personal fields null. Opening a visit (its form) reads it opened. Rows are read in one
// request (`toArray` on a plain range) and filtered here: a `.filter()` would walk a cursor.

/** Her accompaniments of one day, newest first; personal fields null (as stored). */
export async function accompanimentsOn(date: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await readWithoutPersonal(db, ['accompaniments', 'meta'], () => hers(db, db.accompaniments.where('data.date').equals(date).toArray()));
  return rows.filter(alive).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

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

export async function allRelays(db: RelaisDB = appDb): Promise<LocalRecord<'relay'>[]> {
  return (await db.relays.toArray()).filter(alive);
}

export async function catalogue(db: RelaisDB = appDb): Promise<LocalRecord<'procedure'>[]> {
  return (await db.procedures.toArray()).filter(alive);
}

/** Number of changes waiting for the server. */
export function pendingCount(db: RelaisDB = appDb): Promise<number> {
  return db.outbox.count();
}

/** Keys `entity:id` found in a table indexed by `[entity+id]` (the outbox, the sync issues). */
export async function recordKeys(table: RelaisDB['outbox'] | RelaisDB['syncIssues']): Promise<Set<string>> {
  const keys = await table.orderBy('[entity+id]').uniqueKeys();
  return new Set(keys.map((k) => (k as unknown as [Entity, string]).join(':')));
}

/** Keys `entity:id` of records with a change waiting for the server. */
export const pendingKeys = (db: RelaisDB = appDb): Promise<Set<string>> => recordKeys(db.outbox);

/** Keys `entity:id` of records whose last change the server refused. */
export const refusedKeys = (db: RelaisDB = appDb): Promise<Set<string>> => recordKeys(db.syncIssues);
