// Followed people in the tallies (domain.md §4): counted once with the traits of her record, new
// only in the period of her first visit ever, and once even when her records were merged.
import { describe, expect, it } from 'vitest';
import { weekPeriod } from '../../src/domain/dates';
import { computeTally, type AccompanimentFact, type BeneficiaryFact } from '../../src/domain/tally';
import { accompanimentFact } from '../../src/domain/tallyFacts';
import { accompaniment } from './fixtures';

let n = 0;
const visit = (beneficiaryId: string, date: string): AccompanimentFact => ({
  ...accompanimentFact(`a${++n}`, accompaniment({ beneficiaryId, anonymous: null, date }), 'Anne'),
});
const W48 = weekPeriod({ year: 2026, week: 48 });
const leila: BeneficiaryFact = { birthYear: 1962, gender: 'female', socialStatus: 'retired', qpv: true, public: 'other' };

describe('followed people in the tallies', () => {
  it('counts a person visited twice in a week, seen once before, as one returning person with her traits', () => {
    const facts = [visit('p1', '2026-10-05'), visit('p1', '2026-11-24'), visit('p1', '2026-11-27')];
    const t = computeTally(facts, [], W48, { beneficiaries: new Map([['p1', leila]]) });
    expect(t.totals).toMatchObject({ accompaniments: 2, people: 1, newPeople: 0, qpvPeople: 1 });
    expect(t.newVsReturning).toEqual({ new: 0, returning: 1 });
    expect(t.byAgeBracket).toEqual({ '60-69': 1 }); // 2026 − 1962 = 64
    expect(t.byGender).toEqual({ female: 1 });
    expect(t.bySocialStatus).toEqual({ retired: 1 });
    const october = computeTally(facts, [], { from: '2026-10-01', to: '2026-10-31' }, { beneficiaries: new Map([['p1', leila]]) });
    expect(october.totals).toMatchObject({ people: 1, newPeople: 1 });
  });

  it('counts two merged records of one person once, new by her earliest visit under either id', () => {
    const facts = [visit('dup', '2026-11-23'), visit('keep', '2026-11-25'), visit('older', '2026-11-02')];
    const mergedInto = new Map([
      ['dup', 'keep'],
      ['older', 'dup'],
    ]);
    const beneficiaries = new Map([['keep', leila]]);
    expect(computeTally(facts, [], W48, { beneficiaries }).totals.people).toBe(2);
    const t = computeTally(facts, [], W48, { beneficiaries, mergedInto });
    expect(t.totals).toMatchObject({ accompaniments: 2, people: 1, newPeople: 0 });
    expect(t.byGender).toEqual({ female: 1 });
    expect(t.byCommune['34157'].people).toBe(1);
    expect(computeTally(facts.slice(0, 2), [], W48, { beneficiaries, mergedInto }).totals.newPeople).toBe(1);
  });
});
