/**
 * Read queries on the device's database. Screens run them inside `useLiveQuery`, so what they show
 * follows the database (the database is the state).
 */
import type { Entity } from '../domain/records';
import type { IsoDate } from '../domain/records';
import { db, type LocalRecord, type RelaisDB } from './database';

const alive = <T extends { deleted: boolean }>(r: T) => !r.deleted;

/** The open permanence, if any (the newest when several were left open by mistake). */
export async function findOpenPermanence(): Promise<LocalRecord<'permanence'> | undefined> {
  const open = await db.permanences.where('data.status').equals('open').filter(alive).toArray();
  return open.sort((a, b) => (b.data.date + b.data.startTime).localeCompare(a.data.date + a.data.startTime))[0];
}

/** Accompaniments of one day, newest first. */
export async function accompanimentsOn(date: IsoDate): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await db.accompaniments.where('data.date').equals(date).filter(alive).toArray();
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Accompaniments between two dates (inclusive), newest first. */
export async function accompanimentsBetween(from: IsoDate, to: IsoDate): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await db.accompaniments.where('data.date').between(from, to, true, true).filter(alive).toArray();
  return rows.sort((a, b) => b.data.date.localeCompare(a.data.date) || b.createdAt.localeCompare(a.createdAt));
}

export async function permanencesBetween(from: IsoDate, to: IsoDate): Promise<LocalRecord<'permanence'>[]> {
  const rows = await db.permanences.where('data.date').between(from, to, true, true).filter(alive).toArray();
  return rows.sort((a, b) => (b.data.date + b.data.startTime).localeCompare(a.data.date + a.data.startTime));
}

/** Her latest accompaniments, newest first: they order durations and procedures. */
export function recentAccompaniments(limit = 100): Promise<LocalRecord<'accompaniment'>[]> {
  return db.accompaniments.orderBy('createdAt').reverse().filter(alive).limit(limit).toArray();
}

export function recentPermanences(limit = 60): Promise<LocalRecord<'permanence'>[]> {
  return db.permanences.orderBy('data.date').reverse().filter(alive).limit(limit).toArray();
}

export async function activeRelays(): Promise<LocalRecord<'relay'>[]> {
  return (await db.relays.toArray()).filter((r) => alive(r) && r.data.active);
}

export async function allRelays(): Promise<LocalRecord<'relay'>[]> {
  return (await db.relays.toArray()).filter(alive);
}

export async function catalogue(): Promise<LocalRecord<'procedure'>[]> {
  return (await db.procedures.toArray()).filter(alive);
}

/** Number of changes waiting for the server. */
export function pendingCount(): Promise<number> {
  return db.outbox.count();
}

/** Keys `entity:id` found in a table indexed by `[entity+id]` (the outbox, the sync issues). */
export async function recordKeys(table: RelaisDB['outbox'] | RelaisDB['syncIssues']): Promise<Set<string>> {
  const keys = await table.orderBy('[entity+id]').uniqueKeys();
  return new Set(keys.map((k) => (k as unknown as [Entity, string]).join(':')));
}

/** Keys `entity:id` of records with a change waiting for the server. */
export const pendingKeys = (): Promise<Set<string>> => recordKeys(db.outbox);

/** Keys `entity:id` of records whose last change the server refused. */
export const refusedKeys = (): Promise<Set<string>> => recordKeys(db.syncIssues);
