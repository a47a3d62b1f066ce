// Properties of the tally: it agrees with a slow, obviously-correct re-implementation on random
// data, and for additive counts a period's tally is the sum of its days' tallies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../src/domain/dates';
import {
  ageBracketOf,
  computeTally,
  durationBucket,
  firstVisitsOf,
  type AccompanimentFact,
  type BeneficiaryFact,
  type PermanenceFact,
} from '../../src/domain/tally';
import { decodeDims, encodeDims } from '../../src/domain/tallyFacts';

const DAYS = 40;
const START = '2026-12-10'; // spans week 53 and the new year
const day = fc.integer({ min: 0, max: DAYS - 1 }).map((i) => addDays(START, i));
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

const accompanimentArb = (i: number): fc.Arbitrary<AccompanimentFact> =>
  fc
    .record({
      date: day,
      communeInsee: pick(['34157', '34150', '34108']),
      placeType: pick(['relay', 'agency', 'home']),
      durationMinutes: fc.integer({ min: 1, max: 600 }),
      permanenceId: fc.option(pick(['p0', 'p1', 'p2', 'p3']), { nil: null }),
      beneficiaryId: fc.option(pick(['b0', 'b1', 'b2', 'b3', 'b4']), { nil: null }),
      anon: fc.record({
        alreadyHelped: fc.boolean(),
        gender: pick(['female', 'male', 'unknown'] as const),
        ageBracket: pick(['18-24', '40-59', 'unknown'] as const),
        socialStatus: pick(['employed', 'unknown'] as const),
        qpv: fc.boolean(),
      }),
      procs: fc.array(fc.record({ code: pick(['a', 'b', 'c']), domain: pick(['social', 'travail']), partner: pick(['caf', 'cpam', 'aucun']) }), {
        minLength: 1,
        maxLength: 3,
      }),
      posture: pick(['laisse_faire', 'fait_avec']),
      outcome: pick(['finalisee', 'orientee']),
      mediator: pick(['Anne', 'Béa']),
    })
    .map((r) => ({
      id: `a${i}`,
      date: r.date,
      communeInsee: r.communeInsee,
      placeType: r.placeType,
      durationMinutes: r.durationMinutes,
      permanenceId: r.permanenceId,
      beneficiaryId: r.beneficiaryId,
      anonymous: r.beneficiaryId ? null : r.anon,
      procedures: r.procs.map((p) => p.code),
      domains: r.procs.map((p) => p.domain),
      partners: r.procs.map((p) => p.partner),
      posture: r.posture,
      outcome: r.outcome,
      referralTarget: r.outcome === 'orientee' ? 'autre' : null,
      mediator: r.mediator,
    }));

const dataset = fc
  .integer({ min: 0, max: 60 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => accompanimentArb(i))))
  .chain((acc) =>
    fc.record({
      acc: fc.constant(acc as AccompanimentFact[]),
      perms: fc
        .array(fc.record({ id: pick(['p0', 'p1', 'p2', 'p3', 'p4']), date: day, communeInsee: pick(['34157', '34150']), relayId: pick(['r1', 'r2']) }), {
          maxLength: 8,
        })
        .map((ps) => [...new Map(ps.map((p) => [p.id, p])).values()] as PermanenceFact[]),
      beneficiaries: fc.array(
        fc.record({
          birthYear: fc.option(fc.integer({ min: 1930, max: 2012 }), { nil: null }),
          gender: pick(['female', 'male'] as const),
          socialStatus: pick(['retired', 'unknown'] as const),
          qpv: fc.boolean(),
          public: fc.constant(null),
        }),
        { minLength: 5, maxLength: 5 },
      ),
      from: fc.integer({ min: 0, max: DAYS - 1 }),
      length: fc.integer({ min: 0, max: DAYS - 1 }),
    }),
  );

/** The slow version: each figure computed on its own, straight from the rules' wording. */
function slowTally(acc: AccompanimentFact[], perms: PermanenceFact[], from: string, to: string, benef: Map<string, BeneficiaryFact>) {
  const within = (d: string) => d >= from && d <= to;
  const period = acc.filter((a) => within(a.date));
  const personOf = (a: AccompanimentFact) => a.beneficiaryId ?? `anonymous:${a.id}`;
  const people = new Set(period.map(personOf));
  const firstEver = (b: string) =>
    acc
      .filter((a) => a.beneficiaryId === b)
      .map((a) => a.date)
      .sort()[0];
  const newPeople = [...people].filter((p) =>
    p.startsWith('anonymous:') ? !period.find((a) => personOf(a) === p)!.anonymous!.alreadyHelped : within(firstEver(p)),
  ).length;
  const countBy = (keys: string[]) => keys.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});
  const year = Number(to.slice(0, 4));
  const personAge = (p: string) =>
    p.startsWith('anonymous:') ? period.find((a) => personOf(a) === p)!.anonymous!.ageBracket : ageBracketOf(benef.get(p)?.birthYear ?? null, year);
  return {
    permanences: perms.filter((p) => within(p.date)).length,
    accompaniments: period.length,
    minutes: period.reduce((s, a) => s + a.durationMinutes, 0),
    people: people.size,
    newPeople,
    byProcedure: countBy(period.flatMap((a) => [...new Set(a.procedures)])),
    byPartner: countBy(period.flatMap((a) => [...new Set(a.partners)])),
    byDuration: countBy(period.map((a) => durationBucket(a.durationMinutes))),
    byAgeBracket: countBy([...people].map(personAge)),
    byCommunePeople: Object.fromEntries(
      [...new Set(period.map((a) => a.communeInsee))].map((c) => [c, new Set(period.filter((a) => a.communeInsee === c).map(personOf)).size]),
    ),
  };
}

describe('tally properties', () => {
  it('agrees with an independent slow implementation on random datasets', () => {
    fc.assert(
      fc.property(dataset, ({ acc, perms, beneficiaries, from, length }) => {
        const period = { from: addDays(START, from), to: addDays(START, Math.min(DAYS - 1, from + length)) };
        const benef = new Map(beneficiaries.map((b, i) => [`b${i}`, b]));
        const fast = computeTally(acc, perms, period, { beneficiaries: benef });
        const slow = slowTally(acc, perms, period.from, period.to, benef);
        expect(fast.totals).toMatchObject({
          permanences: slow.permanences,
          accompaniments: slow.accompaniments,
          minutes: slow.minutes,
          people: slow.people,
          newPeople: slow.newPeople,
        });
        expect(fast.byProcedure).toEqual(slow.byProcedure);
        expect(fast.byPartner).toEqual(slow.byPartner);
        expect(Object.fromEntries(Object.entries(fast.byDuration).filter(([, v]) => v > 0))).toEqual(slow.byDuration);
        expect(fast.byAgeBracket).toEqual(slow.byAgeBracket);
        expect(
          Object.fromEntries(
            Object.entries(fast.byCommune)
              .filter(([, c]) => c.accompaniments > 0)
              .map(([k, c]) => [k, c.people]),
          ),
        ).toEqual(slow.byCommunePeople);
      }),
      { numRuns: 300 },
    );
  });

  it('counts weighted groups of identical accompaniments exactly like the accompaniments one by one', () => {
    fc.assert(
      fc.property(dataset, ({ acc, perms, beneficiaries, from, length }) => {
        const period = { from: addDays(START, from), to: addDays(START, Math.min(DAYS - 1, from + length)) };
        const benef = new Map(beneficiaries.map((b, i) => [`b${i}`, b]));
        const firstVisits = firstVisitsOf(acc);
        // What the server does: group the period's accompaniments by everything counted.
        const groups = new Map<string, AccompanimentFact>();
        for (const a of acc.filter((x) => x.date >= period.from && x.date <= period.to)) {
          const key = JSON.stringify([encodeDims(a), a.mediator, a.permanenceId, a.beneficiaryId]);
          const g = groups.get(key);
          if (g) g.count = (g.count ?? 1) + 1;
          else groups.set(key, { ...a, ...decodeDims(encodeDims(a)), id: key, date: period.from, count: 1 });
        }
        expect(computeTally([...groups.values()], perms, period, { beneficiaries: benef, firstVisits })).toEqual(
          computeTally(acc, perms, period, { beneficiaries: benef }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('sums day tallies to the period tally for additive counts', () => {
    fc.assert(
      fc.property(dataset, ({ acc, perms, from, length }) => {
        const period = { from: addDays(START, from), to: addDays(START, Math.min(DAYS - 1, from + length)) };
        const whole = computeTally(acc, perms, period);
        const days = Array.from({ length: daysBetween(period.from, period.to) + 1 }, (_, i) =>
          computeTally(acc, perms, { from: addDays(period.from, i), to: addDays(period.from, i) }),
        );
        const sum = (f: (t: typeof whole) => number) => days.reduce((s, t) => s + f(t), 0);
        expect(sum((t) => t.totals.permanences)).toBe(whole.totals.permanences);
        expect(sum((t) => t.totals.accompaniments)).toBe(whole.totals.accompaniments);
        expect(sum((t) => t.totals.minutes)).toBe(whole.totals.minutes);
        for (const key of ['byProcedure', 'byDomain', 'byPartner', 'byPosture', 'byOutcome', 'byPlaceType', 'byMediator', 'byRelay'] as const) {
          const summed: Record<string, number> = {};
          for (const t of days) for (const [k, v] of Object.entries(t[key])) summed[k] = (summed[k] ?? 0) + v;
          expect(summed).toEqual(whole[key]);
        }
        // Anonymous people are one per accompaniment, so they add up too.
        const anonymous = (t: typeof whole, f: (a: AccompanimentFact) => boolean) =>
          acc.filter((a) => !a.beneficiaryId && a.date >= t.period.from && a.date <= t.period.to && f(a)).length;
        expect(days.reduce((s, t) => s + anonymous(t, () => true), 0)).toBe(anonymous(whole, () => true));
      }),
      { numRuns: 150 },
    );
  });
});
