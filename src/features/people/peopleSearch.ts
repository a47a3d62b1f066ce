/**
 * "Chercher une personne", shared by the Personnes screen and the accompaniment form: one live
 * in-memory index of the people held here (src/db/peopleIndex.ts), built when a screen first needs
 * it and dropped when none does, and a hook giving the hits of a query with their commune and last
 * visit. Nothing here logs or puts a name anywhere but on screen.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useSyncExternalStore } from 'react';
import { peopleSummaries, type PersonSummary } from '../../db/people';
import { livePeopleIndex, MIN_QUERY_LETTERS, type LivePeopleIndex } from '../../db/peopleIndex';
import { queryKeys } from '../../domain/people';

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
    }
  };
}

const generation = () => shared?.generation ?? -1;

export interface PeopleSearch {
  /** False while the index is being built the first time. */
  ready: boolean;
  /** The query is too short to search (fewer than 2 letters in its longest word). */
  tooShort: boolean;
  /** Her hits (at most `limit`), with commune and last visit; undefined while they load. */
  results: PersonSummary[] | undefined;
  /** The hits shown are those of the current query (not the previous keystroke's). */
  current: boolean;
}

export function usePeopleSearch(query: string, limit = 20): PeopleSearch {
  const gen = useSyncExternalStore(subscribe, generation);
  const tooShort = Math.max(0, ...queryKeys(query).map((w) => w.length)) < MIN_QUERY_LETTERS;
  const ids = useMemo(() => (tooShort || !shared ? [] : shared.search(query, limit).map((p) => p.id)), [query, limit, tooShort, gen]);
  const key = ids.join(',');
  const loaded = useLiveQuery(async () => ({ key, results: await peopleSummaries(ids) }), [key]);
  // Until the new hits are read, the previous ones stay on screen (no flicker while typing).
  return { ready: gen > 0, tooShort, results: loaded?.results, current: loaded?.key === key };
}
