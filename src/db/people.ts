/**
 * Reading followed people: a person's page (visits, mandates, open follow-ups), the summaries that
 * search results show (commune, last visit), and merged people (a lookup of a merged id finds the
 * survivor). Each function takes an optional `db` (the app's by default) and can run inside
 * `useLiveQuery`. Names are never queried here through an index (none exists: a later version
 * encrypts them at rest); search runs in memory (peopleIndex.ts).
 */
import type { EntityTable } from 'dexie';
import type { IsoDate } from '../domain/records';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { byDueDate } from './followups';
import { MAX_MERGE_CHAIN, survivorId } from './survivors';

export { survivorId };

const alive = <T extends { deleted: boolean }>(r: T) => !r.deleted;

/** The person an id names, following merges (undefined when unknown here, or deleted). */
export async function resolvePerson(id: string, db: RelaisDB = appDb): Promise<LocalRecord<'beneficiary'> | undefined> {
  const person = await db.beneficiaries.get(await survivorId(id, db));
  return person && alive(person) ? person : undefined;
}

/** The ids merged into `id` (directly or through a chain), with `id` itself first. */
export async function idsOfPerson(id: string, db: RelaisDB = appDb): Promise<string[]> {
  const ids = [id];
  for (let i = 0; i < ids.length && ids.length < 1 + MAX_MERGE_CHAIN * 4; i++) {
    const merged = await db.beneficiaries.where('mergedInto').equals(ids[i]).primaryKeys();
    for (const m of merged) if (!ids.includes(m)) ids.push(m);
  }
  return ids;
}

/** Visits newest first (date, then when they were recorded). */
export const newestVisitFirst = (a: LocalRecord<'accompaniment'>, b: LocalRecord<'accompaniment'>) =>
  b.data.date.localeCompare(a.data.date) || b.createdAt.localeCompare(a.createdAt);

export interface PersonPage {
  person: LocalRecord<'beneficiary'>;
  /** Her visits, newest first (those still naming a person merged into her included). */
  visits: LocalRecord<'accompaniment'>[];
  /** Her mandates, the most recently signed first (expired and revoked ones included). */
  mandates: LocalRecord<'mandate'>[];
  /** Her follow-ups not done yet, the earliest due first (no due date last). */
  openFollowups: LocalRecord<'followup'>[];
}

/** The person an id stands for (following merges) and every id her records may name. */
async function personAndIds(id: string, db: RelaisDB): Promise<{ person: LocalRecord<'beneficiary'>; ids: string[] } | undefined> {
  const person = await resolvePerson(id, db);
  return person && { person, ids: await idsOfPerson(person.id, db) };
}

/**
 * The live records of `table` naming any of `ids` (her id and the few merged into her): one bulk
 * read per id. (`anyOf(…).filter(…)` walks a cursor, one round trip per record: slow for hundreds
 * of visits.)
 */
async function namingAny<T extends { id: string; deleted: boolean }>(table: EntityTable<T, 'id'>, ids: readonly string[]): Promise<T[]> {
  const rows = await Promise.all(ids.map((id) => table.where('data.beneficiaryId').equals(id).toArray()));
  return rows.flat().filter(alive);
}

const mandatesOf = async (ids: string[], db: RelaisDB) => (await namingAny(db.mandates, ids)).sort((a, b) => b.data.signedOn.localeCompare(a.data.signedOn));

const openFollowupsOfIds = async (ids: string[], db: RelaisDB) => (await namingAny(db.followups, ids)).filter((f) => f.data.doneOn === null).sort(byDueDate);

/** Everything a person's page shows; a merged id opens the survivor's page. */
export function personPage(id: string, db: RelaisDB = appDb): Promise<PersonPage | undefined> {
  // One read transaction for all its reads (each read outside one opens its own).
  return db.transaction('r', [db.beneficiaries, db.accompaniments, db.mandates, db.followups], async () => {
    const found = await personAndIds(id, db);
    if (!found) return undefined;
    const { person, ids } = found;
    const [visits, mandates, openFollowups] = await Promise.all([namingAny(db.accompaniments, ids), mandatesOf(ids, db), openFollowupsOfIds(ids, db)]);
    return { person, visits: visits.sort(newestVisitFirst), mandates, openFollowups };
  });
}

/**
 * Her mandates only (the most recently signed first), without reading her visits: for the parts
 * of her page and the form that need no more (a person may have hundreds of visits).
 */
export async function personMandates(
  id: string,
  db: RelaisDB = appDb,
): Promise<(Pick<PersonPage, 'person' | 'mandates'> & { survivorOf: (id: string) => string }) | undefined> {
  const found = await personAndIds(id, db);
  if (!found) return undefined;
  const { person, ids } = found;
  // A mandate may still name a person merged into her (until the server's re-pointed versions
  // arrive): the merges held here say who she is now.
  const merged = new Set(ids);
  return { person, mandates: await mandatesOf(ids, db), survivorOf: (other) => (merged.has(other) ? person.id : other) };
}

/** Her open follow-ups only (the earliest due first), without reading her visits. */
export async function personOpenFollowups(id: string, db: RelaisDB = appDb): Promise<LocalRecord<'followup'>[]> {
  const found = await personAndIds(id, db);
  return found ? openFollowupsOfIds(found.ids, db) : [];
}

/** What a search result shows of a person. */
export interface PersonSummary {
  person: LocalRecord<'beneficiary'>;
  /** Her commune of residence (INSEE code), if given. */
  residenceInsee: string | null;
  /** The date of her latest visit, null when none is held here. */
  lastVisitOn: IsoDate | null;
}

/**
 * Summaries of the given people (search hits), in the given order; unknown or deleted ids are
 * left out. One indexed read of their visits.
 */
export async function peopleSummaries(ids: readonly string[], db: RelaisDB = appDb): Promise<PersonSummary[]> {
  if (ids.length === 0) return [];
  const [people, visits] = await Promise.all([
    db.beneficiaries.bulkGet([...ids]),
    db.accompaniments
      .where('data.beneficiaryId')
      .anyOf([...ids])
      .filter(alive)
      .toArray(),
  ]);
  const last = new Map<string, IsoDate>();
  for (const v of visits) {
    const who = v.data.beneficiaryId!;
    const seen = last.get(who);
    if (seen === undefined || v.data.date > seen) last.set(who, v.data.date);
  }
  return people
    .filter((p): p is LocalRecord<'beneficiary'> => p !== undefined && alive(p))
    .map((person) => ({ person, residenceInsee: person.data.residenceInsee, lastVisitOn: last.get(person.id) ?? null }));
}

/**
 * The date of the latest visit of each given person (null: none held here), by one indexed read
 * of their visits. Search hits take the people from the in-memory index and only this from disk.
 */
export async function lastVisitsOf(ids: readonly string[], db: RelaisDB = appDb): Promise<Map<string, IsoDate | null>> {
  const last = new Map<string, IsoDate | null>(ids.map((id) => [id, null]));
  if (ids.length === 0) return last;
  // One query for all hits (20 separate reads cost 20 implicit transactions: measured slower).
  const visits = await db.accompaniments
    .where('data.beneficiaryId')
    .anyOf([...ids])
    .toArray();
  for (const v of visits) {
    if (v.deleted) continue;
    const seen = last.get(v.data.beneficiaryId!);
    if (!seen || v.data.date > seen) last.set(v.data.beneficiaryId!, v.data.date);
  }
  return last;
}

/** Every followed person held here (alive), for lists and the search index. */
export async function allPeople(db: RelaisDB = appDb): Promise<LocalRecord<'beneficiary'>[]> {
  return (await db.beneficiaries.toArray()).filter(alive);
}
