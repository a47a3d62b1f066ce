/**
 * Weekly tallies (domain.md §4), one pure function shared by the server and the tablet.
 *
 * It counts "facts": a flat view of each live accompaniment and permanence (see tallyFacts.ts),
 * so the server can keep them in a narrow table and the tablet can derive them from its records.
 * Rules: a period is inclusive; deleted records never count; people are distinct followed
 * beneficiaries plus one per anonymous accompaniment; a multi-procedure accompaniment counts
 * once in totals and once per distinct procedure, domain and partner; age, gender and status count
 * people; age is (year of the period's last day) − birth year. Merged people count once: an id
 * merged into another (`mergedInto`) is counted as its survivor.
 */
import type { Period } from './dates';
import { survivorOf } from './merge';
import type { AgeBracket, Gender, SocialStatus } from './reference';

export interface AccompanimentFact {
  id: string;
  date: string;
  communeInsee: string;
  placeType: string;
  durationMinutes: number;
  permanenceId: string | null;
  beneficiaryId: string | null;
  /** Anonymous statistics (null for a followed beneficiary). */
  anonymous: { alreadyHelped: boolean; gender: Gender; ageBracket: AgeBracket; socialStatus: SocialStatus; qpv: boolean } | null;
  procedures: string[];
  domains: string[];
  partners: string[];
  posture: string;
  outcome: string;
  referralTarget: string | null;
  /** Name of the user who created it. */
  mediator: string;
  /**
   * How many identical accompaniments this fact stands for (default 1). The server groups the
   * accompaniments of a period by everything the tally counts, so it reads hundreds of rows, not
   * hundreds of thousands; the rules below stay the same.
   */
  count?: number;
}

export interface PermanenceFact {
  id: string;
  date: string;
  communeInsee: string;
  relayId: string;
  /** Name of the user who opened it. */
  mediator?: string;
}

/** Filters of the coordinator's screen (an extension of api.md's tallies: `mediator`, `commune`, `relay`). */
export interface TallyFilter {
  mediator?: string;
  commune?: string;
  relay?: string;
}

export function filterFacts(
  accompaniments: readonly AccompanimentFact[],
  permanences: readonly PermanenceFact[],
  f: TallyFilter,
): { accompaniments: AccompanimentFact[]; permanences: PermanenceFact[] } {
  let acc = [...accompaniments];
  let perms = [...permanences];
  if (f.mediator) {
    acc = acc.filter((a) => a.mediator === f.mediator);
    perms = perms.filter((p) => p.mediator === f.mediator);
  }
  if (f.commune) {
    acc = acc.filter((a) => a.communeInsee === f.commune);
    perms = perms.filter((p) => p.communeInsee === f.commune);
  }
  if (f.relay) {
    perms = perms.filter((p) => p.relayId === f.relay);
    const ids = new Set(perms.map((p) => p.id));
    acc = acc.filter((a) => a.permanenceId !== null && ids.has(a.permanenceId));
  }
  return { accompaniments: acc, permanences: perms };
}

/** What a followed beneficiary contributes (when known; otherwise counted as "unknown"). */
export interface BeneficiaryFact {
  birthYear: number | null;
  gender: Gender;
  socialStatus: SocialStatus;
  qpv: boolean;
  public: string | null;
}

export type Counts = Record<string, number>;

export interface CommuneCounts {
  permanences: number;
  accompaniments: number;
  people: number;
  minutes: number;
}

export interface Tally {
  period: Period;
  totals: { permanences: number; accompaniments: number; people: number; newPeople: number; minutes: number; qpvPeople: number };
  byCommune: Record<string, CommuneCounts>;
  byProcedure: Counts;
  byDomain: Counts;
  byPartner: Counts;
  byPosture: Counts;
  byOutcome: Counts;
  byPlaceType: Counts;
  byMediator: Counts;
  byAgeBracket: Counts;
  byGender: Counts;
  bySocialStatus: Counts;
  byDuration: { lt30: number; '30to60': number; '60to120': number; ge120: number };
  /** Extensions (documented in the README): by relay, referral target, public, new vs returning. */
  byRelay: Counts;
  byReferral: Counts;
  byPublic: Counts;
  newVsReturning: { new: number; returning: number };
  peoplePerPermanence: number | null;
}

export interface TallyOptions {
  beneficiaries?: ReadonlyMap<string, BeneficiaryFact>;
  /**
   * First accompaniment ever of each followed beneficiary (keyed by survivor when people were
   * merged); derived from `accompaniments` if absent.
   */
  firstVisits?: ReadonlyMap<string, string>;
  /** Merged people, duplicate id → survivor id (the `mergedInto` of pulled tombstones). */
  mergedInto?: ReadonlyMap<string, string>;
}

export function ageBracketOf(birthYear: number | null, atYear: number): AgeBracket {
  if (birthYear === null) return 'unknown';
  const age = atYear - birthYear;
  if (age < 18) return 'unknown';
  if (age <= 24) return '18-24';
  if (age <= 39) return '25-39';
  if (age <= 59) return '40-59';
  if (age <= 69) return '60-69';
  return '70+';
}

export function durationBucket(minutes: number): keyof Tally['byDuration'] {
  if (minutes < 30) return 'lt30';
  if (minutes < 60) return '30to60';
  if (minutes < 120) return '60to120';
  return 'ge120';
}

const add = (counts: Counts, key: string, n = 1) => {
  counts[key] = (counts[key] ?? 0) + n;
};

/** The first visit of each followed person (merged ids counted as their survivor). */
export function firstVisitsOf(accompaniments: Iterable<AccompanimentFact>, mergedInto?: ReadonlyMap<string, string>): Map<string, string> {
  const first = new Map<string, string>();
  for (const a of accompaniments) {
    if (!a.beneficiaryId) continue;
    const id = mergedInto ? survivorOf(mergedInto, a.beneficiaryId) : a.beneficiaryId;
    const known = first.get(id);
    if (known === undefined || a.date < known) first.set(id, a.date);
  }
  return first;
}

export function computeTally(
  accompaniments: readonly AccompanimentFact[],
  permanences: readonly PermanenceFact[],
  period: Period,
  options: TallyOptions = {},
): Tally {
  const inPeriod = (date: string) => date >= period.from && date <= period.to;
  const atYear = Number(period.to.slice(0, 4));
  const merged = options.mergedInto;
  const personOf = (id: string) => (merged ? survivorOf(merged, id) : id);
  const firstVisits = options.firstVisits ?? firstVisitsOf(accompaniments, merged);
  const t: Tally = {
    period,
    totals: { permanences: 0, accompaniments: 0, people: 0, newPeople: 0, minutes: 0, qpvPeople: 0 },
    byCommune: {},
    byProcedure: {},
    byDomain: {},
    byPartner: {},
    byPosture: {},
    byOutcome: {},
    byPlaceType: {},
    byMediator: {},
    byAgeBracket: {},
    byGender: {},
    bySocialStatus: {},
    byDuration: { lt30: 0, '30to60': 0, '60to120': 0, ge120: 0 },
    byRelay: {},
    byReferral: {},
    byPublic: {},
    newVsReturning: { new: 0, returning: 0 },
    peoplePerPermanence: null,
  };
  const commune = (insee: string) => (t.byCommune[insee] ??= { permanences: 0, accompaniments: 0, people: 0, minutes: 0 });
  const relayOfPermanence = new Map<string, string>();

  for (const p of permanences) {
    relayOfPermanence.set(p.id, p.relayId);
    if (!inPeriod(p.date)) continue;
    t.totals.permanences++;
    commune(p.communeInsee).permanences++;
  }

  const followed = new Set<string>();
  const followedInCommune = new Map<string, Set<string>>();
  for (const a of accompaniments) {
    if (!inPeriod(a.date)) continue;
    const k = a.count ?? 1;
    t.totals.accompaniments += k;
    t.totals.minutes += a.durationMinutes * k;
    const c = commune(a.communeInsee);
    c.accompaniments += k;
    c.minutes += a.durationMinutes * k;
    for (const code of new Set(a.procedures)) add(t.byProcedure, code, k);
    for (const code of new Set(a.domains)) add(t.byDomain, code, k);
    for (const code of new Set(a.partners)) add(t.byPartner, code, k);
    add(t.byPosture, a.posture, k);
    add(t.byOutcome, a.outcome, k);
    add(t.byPlaceType, a.placeType, k);
    add(t.byMediator, a.mediator, k);
    t.byDuration[durationBucket(a.durationMinutes)] += k;
    if (a.referralTarget) add(t.byReferral, a.referralTarget, k);
    const relay = a.permanenceId ? relayOfPermanence.get(a.permanenceId) : undefined;
    if (relay) add(t.byRelay, relay, k);

    if (a.beneficiaryId) {
      const person = personOf(a.beneficiaryId);
      followed.add(person);
      let set = followedInCommune.get(a.communeInsee);
      if (!set) followedInCommune.set(a.communeInsee, (set = new Set()));
      set.add(person);
    } else {
      // An anonymous accompaniment is one person, described by what was recorded on it.
      const s = a.anonymous;
      t.totals.people += k;
      c.people += k;
      const isNew = !s?.alreadyHelped;
      if (isNew) t.totals.newPeople += k;
      t.newVsReturning[isNew ? 'new' : 'returning'] += k;
      if (s?.qpv) t.totals.qpvPeople += k;
      add(t.byAgeBracket, s?.ageBracket ?? 'unknown', k);
      add(t.byGender, s?.gender ?? 'unknown', k);
      add(t.bySocialStatus, s?.socialStatus ?? 'unknown', k);
      add(t.byPublic, 'unknown', k);
    }
  }

  for (const id of followed) {
    const b = options.beneficiaries?.get(id);
    t.totals.people++;
    const first = firstVisits.get(id);
    const isNew = first !== undefined && inPeriod(first);
    if (isNew) t.totals.newPeople++;
    t.newVsReturning[isNew ? 'new' : 'returning']++;
    if (b?.qpv) t.totals.qpvPeople++;
    add(t.byAgeBracket, ageBracketOf(b?.birthYear ?? null, atYear));
    add(t.byGender, b?.gender ?? 'unknown');
    add(t.bySocialStatus, b?.socialStatus ?? 'unknown');
    add(t.byPublic, b?.public ?? 'unknown');
  }
  for (const [insee, set] of followedInCommune) commune(insee).people += set.size;
  t.peoplePerPermanence = t.totals.permanences > 0 ? Math.round((t.totals.people / t.totals.permanences) * 10) / 10 : null;
  return t;
}
