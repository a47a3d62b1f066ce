/**
 * "Chercher une personne", shared by the Personnes screen and the accompaniment form: one live
 * in-memory index of the people held here (src/db/peopleIndex.ts), built when a screen first needs
 * it and dropped when none does, and a hook giving the hits of a query with their commune and last
 * visit. The hits come from the index in the keystroke's own render; only their last visits are
 * read from the database after. Nothing here logs or puts a name anywhere but on screen.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useSyncExternalStore } from 'react';
import { lastVisitsOf, type PersonSummary } from '../../db/people';
import { livePeopleIndex, MIN_QUERY_LETTERS, type LivePeopleIndex } from '../../db/peopleIndex';
import { onLockChange } from '../../crypto/keySession';
import { queryKeys } from '../../domain/people';
import type { IsoDate } from '../../domain/records';

/**
 * The last visit of people already shown, kept while a search screen lives (dropped with the
 * index): narrowing a query ("ma" → "mar") shows the same people again at once, complete, in the
 * keystroke's own render; the live read that follows corrects any date that changed meanwhile.
 * Dates only, never names.
 */
const lastVisitSeen = new Map<string, IsoDate | null>();
// Nothing learnt while unlocked outlives a lock (the index drops its names itself).
onLockChange((unlocked) => void (unlocked || lastVisitSeen.clear()));

let shared: LivePeopleIndex | null = null;
let users = 0;

function subscribe(listener: () => void): () => void {
  users++;
  shared ??= livePeopleIndex();
  const index = shared;
  const stop = index.subscribe(listener);
  return () => {
    stop();
    if (--users === 0) {
      index.dispose();
      if (shared === index) shared = null;
      lastVisitSeen.clear();
    }
  };
}

const generation = () => shared?.generation ?? -1;

/** A hit: the person (from the index), her commune, and her last visit (undefined while it is read). */
export interface PersonHit {
  person: PersonSummary['person'];
  residenceInsee: string | null;
  lastVisitOn: IsoDate | null | undefined;
}

export interface PeopleSearch {
  /** False while the index is being built the first time. */
  ready: boolean;
  /** The query is too short to search (fewer than 2 letters in its longest word). */
  tooShort: boolean;
  /** Her hits (at most `limit`), from the in-memory index: always those of the current query. */
  results: PersonHit[] | undefined;
  /** More people match than are shown (she should type more letters). */
  more: boolean;
  /** Every hit's last visit is known (the hits are shown complete). */
  current: boolean;
}

export function usePeopleSearch(query: string, limit = 20): PeopleSearch {
  const gen = useSyncExternalStore(subscribe, generation);
  const tooShort = Math.max(0, ...queryKeys(query).map((w) => w.length)) < MIN_QUERY_LETTERS;
  // One more than shown, to know whether there are more (the index sorts before it cuts).
  const found = useMemo(() => (tooShort || !shared ? [] : shared.search(query, limit + 1)), [query, limit, tooShort, gen]);
  const people = found.length > limit ? found.slice(0, limit) : found;
  const key = people.map((p) => p.id).join(',');
  const read = useLiveQuery(async () => {
    const last = await lastVisitsOf(key ? key.split(',') : []);
    last.forEach((date, id) => lastVisitSeen.set(id, date));
    return { key, last };
  }, [key]);
  const fresh = read?.key === key ? read.last : undefined;
  const results = useMemo(
    () =>
      people.map((person): PersonHit => ({
        person,
        residenceInsee: person.data.residenceInsee,
        lastVisitOn: fresh ? fresh.get(person.id) : lastVisitSeen.get(person.id),
      })),
    // `people` changes with `found`; `fresh` with the read.
    [found, fresh],
  );
  return {
    ready: gen > 0,
    tooShort,
    results: gen > 0 ? results : undefined,
    more: found.length > limit,
    current: results.every((r) => r.lastVisitOn !== undefined),
  };
}
