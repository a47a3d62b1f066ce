/**
 * The in-memory search index of followed people ("Chercher une personne"): names are never indexed
 * in the database (a later version encrypts them at rest), so search runs here, offline and fast
 * among tens of thousands of people (a sorted array of name words, binary search on a prefix).
 *
 * - Names are compared by `searchKey` (src/domain/people.ts): accents, case, hyphens and apostrophes ignored.
 * - Every word of the first or the last name can be searched by its beginning, from 2 letters;
 *   a compound name also as one word ("Jean-Pierre": "jean", "pierre", "jeanpierre").
 * - Several words in the query must each begin a word of the person's names ("ma dup").
 * - Deleted and merged people are left out. `livePeopleIndex` rebuilds the index whenever the
 *   people table changes (Dexie `liveQuery`); `buildPeopleIndex` is the pure part.
 * Nothing here logs: the index holds personal fields. It is dropped when the app locks and built
 * again, from the opened people, when it unlocks.
 */
import { liveQuery } from 'dexie';
import { isUnlocked, LockedError, onLockChange } from '../crypto/keySession';
import { queryKeys, searchKey } from '../domain/people';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';

type Person = LocalRecord<'beneficiary'>;

/** The least number of letters of the longest query word before anything is searched. */
export const MIN_QUERY_LETTERS = 2;
export const DEFAULT_RESULTS = 20;

const SEPARATORS = /[\s\-\u2010-\u2015'\u2018\u2019\u02bc`´.,]+/u;

/** The searchable words of a text: each word, a compound word also joined, and the whole name joined. */
export function searchWords(text: string): string[] {
  const words = new Set<string>();
  for (const part of text.split(/\s+/)) {
    const key = part
      .split(SEPARATORS)
      .map(searchKey)
      .filter((w) => w !== '');
    key.forEach((w) => words.add(w));
    if (key.length > 1) words.add(key.join(''));
  }
  const whole = searchKey(text.replace(/\s+/g, ''));
  if (whole.length > 0) words.add(whole);
  return [...words];
}

export interface PeopleIndex {
  /** How many people are searchable. */
  readonly size: number;
  /** At most `limit` people whose names match `query`, by last then first name. */
  search(query: string, limit?: number): Person[];
}

interface Entry {
  person: Person;
  words: string[];
  sortKey: string;
}

/** First index of `tokens` (sorted) not below `prefix`. */
function lowerBound(tokens: readonly string[], prefix: string): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds the index of the living, unmerged people among `people`. */
export function buildPeopleIndex(people: readonly Person[]): PeopleIndex {
  const entries: Entry[] = [];
  const pairs: { token: string; entry: number }[] = [];
  for (const person of people) {
    if (person.deleted || person.mergedInto) continue;
    const words = [...new Set([...searchWords(person.data.lastName), ...searchWords(person.data.firstName)])];
    const entry = entries.push({ person, words, sortKey: `${searchKey(person.data.lastName)}\u0000${searchKey(person.data.firstName)}\u0000${person.id}` }) - 1;
    for (const token of words) pairs.push({ token, entry });
  }
  pairs.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : a.entry - b.entry));
  const tokens = pairs.map((p) => p.token);
  const owners = Int32Array.from(pairs, (p) => p.entry);

  return {
    size: entries.length,
    search(query, limit = DEFAULT_RESULTS) {
      const wanted = queryKeys(query);
      if (wanted.length === 0 || limit <= 0) return [];
      // The longest word narrows most; the others must each begin a word of the same person.
      const [first, ...others] = [...wanted].sort((a, b) => b.length - a.length);
      if (first.length < MIN_QUERY_LETTERS) return [];
      const found = new Set<number>();
      for (let i = lowerBound(tokens, first); i < tokens.length && tokens[i].startsWith(first); i++) found.add(owners[i]);
      const hits: Entry[] = [];
      for (const e of found) {
        const entry = entries[e];
        if (others.every((w) => entry.words.some((x) => x.startsWith(w)))) hits.push(entry);
      }
      hits.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      return hits.slice(0, limit).map((h) => h.person);
    },
  };
}

export interface LivePeopleIndex extends PeopleIndex {
  /** Resolves once the first build is done. */
  readonly ready: Promise<void>;
  /** Called after each rebuild (for `useSyncExternalStore`); returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Increases at each rebuild (a snapshot value for `useSyncExternalStore`). */
  readonly generation: number;
  /** Stops following the database. */
  dispose(): void;
}

/** An index kept current with the people table: rebuilt whenever it changes. */
export function livePeopleIndex(db: RelaisDB = appDb): LivePeopleIndex {
  let index = buildPeopleIndex([]);
  let generation = 0;
  const listeners = new Set<() => void>();
  let markReady: () => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  // Who awaits `ready` sees a failure; nobody waiting (the database closed under a screen being
  // left) is no unhandled rejection.
  ready.catch(() => undefined);
  // The index holds names in clear: it exists only while the app is unlocked. Locking drops it
  // (and stops reading the table); unlocking builds it again from the opened people.
  let subscription: { unsubscribe(): void } | null = null;
  const follow = () => {
    subscription = liveQuery(() => db.beneficiaries.toArray()).subscribe({
      next: (people) => {
        index = buildPeopleIndex(people);
        generation++;
        markReady();
        listeners.forEach((l) => l());
      },
      // Locked while reading: the lock listener has dropped the index already.
      error: (e: unknown) => (e instanceof LockedError ? undefined : fail(e)),
    });
  };
  const stopFollowingLock = onLockChange((unlocked) => {
    subscription?.unsubscribe();
    subscription = null;
    if (unlocked) return follow();
    index = buildPeopleIndex([]);
    generation++;
    listeners.forEach((l) => l());
  });
  if (isUnlocked()) follow();
  return {
    ready,
    get size() {
      return index.size;
    },
    get generation() {
      return generation;
    },
    search: (query, limit) => index.search(query, limit),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      stopFollowingLock();
      subscription?.unsubscribe();
    },
  };
}
