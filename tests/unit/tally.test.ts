import { describe, expect, it } from 'vitest';
import { parsePeriodQuery, weekPeriod } from '../../src/domain/dates';
import { ageBracketOf, computeTally, filterFacts, type AccompanimentFact, type PermanenceFact } from '../../src/domain/tally';
import { accompanimentFact } from '../../src/domain/tallyFacts';
import { accompaniment } from './fixtures';

let n = 0;
function fact(over: Partial<AccompanimentFact> = {}): AccompanimentFact {
  n++;
  return { ...accompanimentFact(`a${n}`, accompaniment(), 'Anne'), ...over };
}
const perm = (id: string, date: string, communeInsee = '34157', relayId = 'r-meze'): PermanenceFact => ({ id, date, communeInsee, relayId, mediator: 'Anne' });
const W48 = weekPeriod({ year: 2026, week: 48 }); // 23–29 Nov 2026

describe('tally counting rules', () => {
  it('counts permanences, accompaniments and minutes of the period, both ends included', () => {
    const t = computeTally(
      [
        fact({ date: '2026-11-23', durationMinutes: 30 }),
        fact({ date: '2026-11-29', durationMinutes: 45 }),
        fact({ date: '2026-11-30' }),
        fact({ date: '2026-11-22' }),
      ],
      [perm('p1', '2026-11-23'), perm('p2', '2026-11-29'), perm('p3', '2026-11-30')],
      W48,
    );
    expect(t.totals).toMatchObject({ permanences: 2, accompaniments: 2, minutes: 75 });
    expect(t.byCommune['34157']).toEqual({ permanences: 2, accompaniments: 2, people: 2, minutes: 75 });
  });

  it('counts a multi-procedure accompaniment once in totals and once per distinct procedure, domain and partner', () => {
    const a = fact({
      procedures: ['caf_logement', 'caf_allocations', 'caf_logement'],
      domains: ['logement', 'famille', 'logement'],
      partners: ['caf', 'caf', 'caf'],
      date: '2026-11-24',
    });
    const t = computeTally([a], [], W48);
    expect(t.totals.accompaniments).toBe(1);
    expect(t.byProcedure).toEqual({ caf_logement: 1, caf_allocations: 1 });
    expect(t.byDomain).toEqual({ logement: 1, famille: 1 });
    expect(t.byPartner).toEqual({ caf: 1 });
  });

  it('counts a followed person seen twice in the week once, and anonymous accompaniments once each', () => {
    const t = computeTally(
      [
        fact({ beneficiaryId: 'b1', anonymous: null, date: '2026-11-23' }),
        fact({ beneficiaryId: 'b1', anonymous: null, date: '2026-11-26', communeInsee: '34150' }),
        fact({ date: '2026-11-24' }),
        fact({ date: '2026-11-24' }),
      ],
      [],
      W48,
    );
    expect(t.totals.accompaniments).toBe(4);
    expect(t.totals.people).toBe(3);
    expect(t.byCommune['34157'].people).toBe(3);
    expect(t.byCommune['34150'].people).toBe(1);
  });

  it('counts a followed person as new only in the period of her first accompaniment ever', () => {
    const history = [
      fact({ beneficiaryId: 'b1', anonymous: null, date: '2026-10-05' }),
      fact({ beneficiaryId: 'b1', anonymous: null, date: '2026-11-24' }),
      fact({ beneficiaryId: 'b2', anonymous: null, date: '2026-11-25' }),
    ];
    const t = computeTally(history, [], W48);
    expect(t.totals.people).toBe(2);
    expect(t.totals.newPeople).toBe(1);
    expect(t.newVsReturning).toEqual({ new: 1, returning: 1 });
    expect(computeTally(history, [], weekPeriod({ year: 2026, week: 41 })).totals.newPeople).toBe(1);
  });

  it('counts an anonymous person as new unless marked "already helped"', () => {
    const anon = (alreadyHelped: boolean) =>
      fact({ date: '2026-11-24', anonymous: { alreadyHelped, gender: 'female', ageBracket: '25-39', socialStatus: 'job_seeker', qpv: alreadyHelped } });
    const t = computeTally([anon(true), anon(false), anon(false)], [], W48);
    expect(t.totals).toMatchObject({ people: 3, newPeople: 2, qpvPeople: 1 });
    expect(t.byGender).toEqual({ female: 3 });
    expect(t.byAgeBracket).toEqual({ '25-39': 3 });
    expect(t.bySocialStatus).toEqual({ job_seeker: 3 });
  });

  it('derives a followed person’s age from her birth year at the period’s last day', () => {
    expect(ageBracketOf(2002, 2026)).toBe('18-24');
    expect(ageBracketOf(2001, 2026)).toBe('25-39');
    expect(ageBracketOf(2009, 2026)).toBe('unknown'); // 17: under 18
    expect(ageBracketOf(1956, 2026)).toBe('70+');
    expect(ageBracketOf(null, 2026)).toBe('unknown');
    const b = new Map([['b1', { birthYear: 2002, gender: 'male' as const, socialStatus: 'student' as const, qpv: true, public: 'job_seeker' }]]);
    const facts = [fact({ beneficiaryId: 'b1', anonymous: null, date: '2026-12-30' }), fact({ beneficiaryId: 'b1', anonymous: null, date: '2027-01-02' })];
    // Week 53 of 2026 ends in 2027: she is counted once, aged 25.
    const t = computeTally(facts, [], weekPeriod({ year: 2026, week: 53 }), { beneficiaries: b });
    expect(t.totals.people).toBe(1);
    expect(t.byAgeBracket).toEqual({ '25-39': 1 });
    expect(t.byGender).toEqual({ male: 1 });
    expect(t.byPublic).toEqual({ job_seeker: 1 });
    expect(t.totals.qpvPeople).toBe(1);
    expect(computeTally(facts.slice(0, 1), [], weekPeriod({ year: 2026, week: 53 }), { beneficiaries: b }).byAgeBracket).toEqual({ '25-39': 1 });
    expect(computeTally(facts.slice(0, 1), [], { from: '2026-12-01', to: '2026-12-31' }, { beneficiaries: b }).byAgeBracket).toEqual({ '18-24': 1 });
  });

  it('buckets durations as < 30, 30–59, 60–119, ≥ 120 and counts postures, outcomes, places and mediators', () => {
    const t = computeTally(
      [29, 30, 59, 60, 119, 120].map((d, i) =>
        fact({
          durationMinutes: d,
          date: '2026-11-24',
          mediator: i % 2 ? 'Béa' : 'Anne',
          posture: i < 2 ? 'laisse_faire' : 'fait_avec',
          outcome: 'orientee',
          referralTarget: 'france_services',
          placeType: i === 0 ? 'home' : 'relay',
        }),
      ),
      [],
      W48,
    );
    expect(t.byDuration).toEqual({ lt30: 1, '30to60': 2, '60to120': 2, ge120: 1 });
    expect(t.byMediator).toEqual({ Anne: 3, Béa: 3 });
    expect(t.byPosture).toEqual({ laisse_faire: 2, fait_avec: 4 });
    expect(t.byOutcome).toEqual({ orientee: 6 });
    expect(t.byReferral).toEqual({ france_services: 6 });
    expect(t.byPlaceType).toEqual({ home: 1, relay: 5 });
  });

  it('names the relay of accompaniments made in a permanence, and people per permanence', () => {
    const t = computeTally(
      [fact({ permanenceId: 'p1', date: '2026-11-24' }), fact({ permanenceId: 'p1', date: '2026-11-24' }), fact({ permanenceId: null, date: '2026-11-24' })],
      [perm('p1', '2026-11-24')],
      W48,
    );
    expect(t.byRelay).toEqual({ 'r-meze': 2 });
    expect(t.peoplePerPermanence).toBe(3);
  });

  it('filters by mediator, commune and relay', () => {
    const facts = [fact({ permanenceId: 'p1', date: '2026-11-24' }), fact({ permanenceId: 'p2', communeInsee: '34150', date: '2026-11-24', mediator: 'Béa' })];
    const perms = [perm('p1', '2026-11-24'), { ...perm('p2', '2026-11-24', '34150', 'r-marseillan'), mediator: 'Béa' }];
    expect(filterFacts(facts, perms, { commune: '34150' }).accompaniments).toHaveLength(1);
    expect(filterFacts(facts, perms, { relay: 'r-meze' })).toMatchObject({ accompaniments: [{ permanenceId: 'p1' }], permanences: [{ id: 'p1' }] });
    expect(filterFacts(facts, perms, { mediator: 'Béa' }).permanences).toEqual([perms[1]]);
  });
});

describe('tally periods', () => {
  it('reads a week or an inclusive date range, with clear French errors', () => {
    expect(parsePeriodQuery({ week: '2026-W53' })).toEqual({ period: { from: '2026-12-28', to: '2027-01-03' }, name: '2026-W53' });
    expect(parsePeriodQuery({ from: '2026-10-19', to: '2026-10-25' })).toEqual({
      period: { from: '2026-10-19', to: '2026-10-25' },
      name: '2026-10-19_2026-10-25',
    });
    expect(parsePeriodQuery({ week: '2025-W53' })).toMatchObject({ errors: [{ path: 'week' }] });
    expect(parsePeriodQuery({ from: '2026-11-30', to: '2026-11-01' })).toEqual({
      errors: [{ path: 'from', message: 'La date de début est après la date de fin.' }],
    });
    expect(parsePeriodQuery({ from: '2026-02-30', to: 'demain' })).toMatchObject({ errors: [{ path: 'from' }, { path: 'to' }] });
    expect(parsePeriodQuery({})).toMatchObject({ errors: [{ path: 'from' }, { path: 'to' }] });
  });
});
