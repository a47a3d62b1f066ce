/**
 * Followed people (domain.md §2, ux.md "Personnes"), pure rules shared by the tablet's screens:
 * search keys (accents, case, hyphens, apostrophes and spaces ignored), age bracket on a date,
 * the statistics a visit takes from the person, possible duplicates, and the "Parcours vers
 * l'autonomie" (the postures of her visits over time, per domain).
 *
 * Search is meant to run per keystroke over 20,000 people: compute `personSearchKeys` once per
 * person (when records change) and test them with `keysMatch`; `matchesSearch` does both.
 * Duplicates are found by buckets of shared keys, never by comparing every pair.
 */
import { isAnonymisedPerson } from './anonymise';
import type { AnonymousStats, BeneficiaryData, IsoDate } from './records';
import type { AgeBracket, Posture } from './reference';
import { ageBracketOf } from './tally';

const MARKS = /[\u0300-\u036f]/g;
const SEPARATORS = /[\s\-‐‑–—'’‘`ʼ.]+/g;

/** The comparable form of a name or query: no accents, lower case, no hyphens, apostrophes or spaces. */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').toLowerCase().replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/ß/g, 'ss').replace(SEPARATORS, '');
}

/** The words of a name, each as a search key ("Jean-Pierre" → jean, pierre). */
function wordKeys(text: string): string[] {
  return text
    .split(SEPARATORS)
    .map(searchKey)
    .filter((w) => w !== '');
}

/**
 * The keys a person is found by: each word of her first and last names, the whole first and
 * last names ("jeanpierre", "ledantec"), and first+last / last+first.
 */
export function personSearchKeys(p: Pick<BeneficiaryData, 'firstName' | 'lastName'>): string[] {
  const first = searchKey(p.firstName);
  const last = searchKey(p.lastName);
  return [...new Set([...wordKeys(p.firstName), ...wordKeys(p.lastName), first, last, first + last, last + first])];
}

/** The query's words as search keys ("Leïla  mar" → leila, mar); empty when nothing to search. */
export function queryKeys(query: string): string[] {
  return query
    .split(/\s+/)
    .map(searchKey)
    .filter((w) => w !== '');
}

/** Whether every query word starts one of the person's keys. */
export function keysMatch(personKeys: readonly string[], query: readonly string[]): boolean {
  return query.length > 0 && query.every((q) => personKeys.some((k) => k.startsWith(q)));
}

/**
 * Whether a person is found by a query: 2–3 letters of her first or last name (the start of any
 * word), accents, case, hyphens and apostrophes ignored; several words must each match.
 */
export function matchesSearch(person: Pick<BeneficiaryData, 'firstName' | 'lastName'>, query: string): boolean {
  return keysMatch(personSearchKeys(person), queryKeys(query));
}

/** Her age bracket on a date: age = year of `date` − birth year (domain.md §4); under 18 or unknown → `unknown`. */
export function ageBracketOn(birthYear: number | null, date: IsoDate): AgeBracket {
  return ageBracketOf(birthYear, Number(date.slice(0, 4)));
}

/** What a visit's statistics are for a followed person, on the visit's date. */
export type PersonStats = Omit<AnonymousStats, 'alreadyHelped'>;

export function statsFromPerson(person: BeneficiaryData, date: IsoDate): PersonStats {
  return {
    ageBracket: ageBracketOn(person.birthYear, date),
    gender: person.gender,
    socialStatus: person.socialStatus,
    residenceInsee: person.residenceInsee,
    qpv: person.qpv,
  };
}

/** A phone number's digits, `+33 6…` and `0033 6…` written as `06…`; null without one. */
export function phoneKey(phone: string | null): string | null {
  if (!phone) return null;
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('0033')) digits = digits.slice(2);
  if (digits.startsWith('33') && digits.length === 11) digits = `0${digits.slice(2)}`;
  return digits.length >= 6 ? digits : null;
}

export type DuplicateCriterion = 'lastName' | 'firstName' | 'phone' | 'birthYear';

export interface PossibleDuplicate {
  /** The two ids, `a` < `b`. */
  a: string;
  b: string;
  /** What they share (two at least). */
  matches: DuplicateCriterion[];
}

const CRITERIA: readonly DuplicateCriterion[] = ['lastName', 'firstName', 'phone', 'birthYear'];

function criterionKeys(p: BeneficiaryData): Partial<Record<DuplicateCriterion, string>> {
  const keys: Partial<Record<DuplicateCriterion, string>> = {};
  const last = searchKey(p.lastName);
  const first = searchKey(p.firstName);
  const phone = phoneKey(p.phone);
  if (last) keys.lastName = last;
  if (first) keys.firstName = first;
  if (phone) keys.phone = phone;
  if (p.birthYear !== null) keys.birthYear = String(p.birthYear);
  return keys;
}

/**
 * Possible duplicates (domain.md §2): pairs of live people sharing at least two of normalised
 * last name, normalised first name, phone (digits) and birth year. People are bucketed by each
 * pair of criteria, so the work grows with the people and the pairs found, never with n².
 * People anonymised by the retention job (names « Anonyme ») are left out.
 * Strongest first (more criteria shared), then by ids.
 */
export function possibleDuplicates(people: readonly { id: string; deleted?: boolean; data: BeneficiaryData }[]): PossibleDuplicate[] {
  const keys = new Map<string, Partial<Record<DuplicateCriterion, string>>>();
  const buckets = new Map<string, string[]>();
  for (const p of people) {
    // Anonymised people all share the same names: never duplicates (and never n² pairs of them).
    if (p.deleted || isAnonymisedPerson(p.data)) continue;
    const k = criterionKeys(p.data);
    keys.set(p.id, k);
    for (let i = 0; i < CRITERIA.length; i++) {
      for (let j = i + 1; j < CRITERIA.length; j++) {
        const x = k[CRITERIA[i]];
        const y = k[CRITERIA[j]];
        if (x === undefined || y === undefined) continue;
        const bucket = `${i}${j}\u001f${x}\u001f${y}`;
        const ids = buckets.get(bucket);
        if (ids) ids.push(p.id);
        else buckets.set(bucket, [p.id]);
      }
    }
  }
  const pairs = new Map<string, PossibleDuplicate>();
  for (const ids of buckets.values()) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = ids[i] < ids[j] ? [ids[i], ids[j]] : [ids[j], ids[i]];
        const pair = `${a}\u001f${b}`;
        if (pairs.has(pair) || a === b) continue;
        const ka = keys.get(a) ?? {};
        const kb = keys.get(b) ?? {};
        pairs.set(pair, { a, b, matches: CRITERIA.filter((c) => ka[c] !== undefined && ka[c] === kb[c]) });
      }
    }
  }
  return [...pairs.values()].sort((x, y) => y.matches.length - x.matches.length || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
}

export interface AutonomyPath {
  domain: string;
  /** Her visits touching this domain, oldest first, with their posture. */
  steps: { date: IsoDate; posture: Posture }[];
}

/**
 * "Parcours vers l'autonomie": per domain, the postures of her successive visits in date order
 * (fait à sa place → fait avec → seule). A visit with several procedures of one domain is one
 * step of it; domains come in the order she first met them. Pass live visits only.
 */
export function autonomyPath(visits: readonly { date: IsoDate; posture: Posture; procedures: readonly { domain: string }[] }[]): AutonomyPath[] {
  const paths = new Map<string, AutonomyPath>();
  const ordered = visits.map((v, i) => ({ v, i })).sort((x, y) => x.v.date.localeCompare(y.v.date) || x.i - y.i);
  for (const { v } of ordered) {
    for (const domain of new Set(v.procedures.map((p) => p.domain))) {
      let path = paths.get(domain);
      if (!path) paths.set(domain, (path = { domain, steps: [] }));
      path.steps.push({ date: v.date, posture: v.posture });
    }
  }
  return [...paths.values()];
}
