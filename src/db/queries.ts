/**
 * Read queries on the device's database. Screens run them inside `useLiveQuery`, so what they show
 * follows the database (the database is the state). Each takes an optional `db` (the app's by
 * default). "Her" queries (open permanence, today's entries, recent ones) keep the records of the
 * tablet's user only: a coordinator's tablet also holds everyone else's (see `owner.ts`). These are
 * today's screen's; the queries of the screens loaded on demand are in listQueries.ts.
 */
import type { Entity } from '../domain/records';
import type { IsoDate } from '../domain/records';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { isOwnRecord } from '../domain/ownership';
import { ownerName } from './owner';
import { readAsStored } from './sealing/middleware';

export const alive = <T extends { deleted: boolean }>(r: T) => !r.deleted;

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

// The lists here and in listQueries.ts (Aujourd'hui, Historique) show no personal value
// (AccompanimentSummary: time, procedures, posture, outcome, duration; a permanence's place and
// hours): they read rows as stored, personal fields null. Opening a visit (its form) reads it
// opened. Rows are read in one request (`toArray` on a plain range) and filtered here: a
// `.filter()` would walk a cursor.

/** Her accompaniments of one day, newest first; personal fields null (as stored). */
export async function accompanimentsOn(date: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await readWithoutPersonal(db, ['accompaniments', 'meta'], () => hers(db, db.accompaniments.where('data.date').equals(date).toArray()));
  return rows.filter(alive).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** When the latest live visit of a permanence was logged (null for none); read as stored. */
export async function lastVisitAt(permanenceId: string, db: RelaisDB = appDb): Promise<string | null> {
  const rows = await readWithoutPersonal(db, ['accompaniments'], () => db.accompaniments.where('data.permanenceId').equals(permanenceId).toArray());
  return rows.filter(alive).reduce<string | null>((last, r) => (last === null || r.createdAt > last ? r.createdAt : last), null);
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
