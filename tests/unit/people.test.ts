import { anonymisedData } from '../../src/domain/anonymise';
import { describe, expect, it } from 'vitest';
import {
  ageBracketOn,
  autonomyPath,
  matchesSearch,
  personSearchKeys,
  phoneKey,
  possibleDuplicates,
  queryKeys,
  keysMatch,
  searchKey,
  statsFromPerson,
} from '../../src/domain/people';
import type { BeneficiaryData } from '../../src/domain/records';

function person(over: Partial<BeneficiaryData> = {}): BeneficiaryData {
  return {
    firstName: 'Leïla',
    lastName: 'Martin',
    birthYear: 1987,
    residenceInsee: '34108',
    phone: null,
    noPhone: true,
    gender: 'female',
    socialStatus: 'job_seeker',
    public: 'job_seeker',
    qpv: true,
    consentedOn: '2026-01-05',
    note: null,
    ...over,
  };
}

describe('search', () => {
  it('ignores accents, case, hyphens, apostrophes and spaces', () => {
    expect(searchKey('Hélène')).toBe('helene');
    expect(searchKey(' Jean-Pierre ')).toBe('jeanpierre');
    expect(searchKey('N’Diaye')).toBe(searchKey("n'diaye"));
    expect(searchKey('Cœur')).toBe('coeur');
  });

  it('finds a person by 2–3 letters of her first or last name, the start of any word', () => {
    const p = person({ firstName: 'Jean-Pierre', lastName: 'Le Dantec' });
    for (const q of ['je', 'JEA', 'pie', 'le', 'dan', 'Dantec', 'ledan', 'jeanpi', 'jean-p', 'jean dan', 'Pierre le'])
      expect(matchesSearch(p, q), q).toBe(true);
    for (const q of ['an', 'tec', 'ierre', 'jean x', '', '  ']) expect(matchesSearch(p, q), q).toBe(false);
    expect(matchesSearch(person(), 'lei')).toBe(true);
    expect(matchesSearch(person({ firstName: 'Léa', lastName: "D'Ornano" }), 'orn')).toBe(true);
    expect(matchesSearch(person({ firstName: 'Léa', lastName: "D'Ornano" }), 'dor')).toBe(true);
  });

  it('finds every match among 20,000 people with precomputed keys (its speed is a bench figure, not a test)', () => {
    const names = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
    const keys = Array.from({ length: 20_000 }, (_, i) => personSearchKeys({ firstName: `Prénom${i}`, lastName: names[i % 10] }));
    const found = keys.filter((k) => keysMatch(k, queryKeys('dub'))).length;
    expect(found).toBe(2000);
  });
});

describe('age and statistics from the person', () => {
  it('gives her age bracket on the visit’s date from her birth year', () => {
    expect(ageBracketOn(2002, '2026-12-31')).toBe('18-24');
    expect(ageBracketOn(2002, '2027-01-02')).toBe('25-39');
    expect(ageBracketOn(2009, '2026-06-01')).toBe('unknown');
    expect(ageBracketOn(null, '2026-06-01')).toBe('unknown');
  });

  it('fills a visit’s statistics from the person on that date', () => {
    expect(statsFromPerson(person({ birthYear: 1957 }), '2026-11-24')).toEqual({
      ageBracket: '60-69',
      gender: 'female',
      socialStatus: 'job_seeker',
      residenceInsee: '34108',
      qpv: true,
    });
    expect(statsFromPerson(person({ birthYear: 1957 }), '2027-01-04').ageBracket).toBe('70+');
  });
});

describe('possible duplicates', () => {
  it('flags two people sharing two of last name, first name, phone, birth year (normalised), both ways', () => {
    const people = [
      { id: 'a', data: person({ firstName: 'Leila', lastName: 'MARTIN', birthYear: 1990 }) },
      { id: 'b', data: person({ firstName: 'Leïla', lastName: 'Martin', birthYear: 1987 }) },
      { id: 'c', data: person({ firstName: 'Sami', lastName: 'Ben Ali', phone: '+33 6 12 34 56 78', noPhone: false, birthYear: 1987 }) },
      { id: 'd', data: person({ firstName: 'Samy', lastName: 'Benali', phone: '06.12.34.56.78', noPhone: false, birthYear: 1987 }) },
      { id: 'e', data: person({ firstName: 'Leïla', lastName: 'Durand', birthYear: 1970 }) },
      { id: 'f', deleted: true, data: person() },
    ];
    expect(possibleDuplicates(people)).toEqual([
      { a: 'c', b: 'd', matches: ['lastName', 'phone', 'birthYear'] },
      { a: 'a', b: 'b', matches: ['lastName', 'firstName'] },
    ]);
    expect(possibleDuplicates([...people].reverse())).toEqual(possibleDuplicates(people));
    expect(phoneKey('+33 6 12 34 56 78')).toBe('0612345678');
    expect(phoneKey(null)).toBeNull();
  });

  it('leaves out people anonymised by the retention job (all named « Anonyme »)', () => {
    const anonymised = Array.from({ length: 5000 }, (_, i) => ({ id: `x${i}`, data: anonymisedData('beneficiary', person({ birthYear: 1980 })) }));
    expect(possibleDuplicates([...anonymised, { id: 'a', data: person() }, { id: 'b', data: person() }])).toEqual([
      { a: 'a', b: 'b', matches: expect.arrayContaining(['lastName', 'firstName']) },
    ]);
  });

  it('bucketizes 20,000 people instead of comparing every pair', () => {
    const people = Array.from({ length: 20_000 }, (_, i) => ({
      id: `p${i}`,
      data: person({ firstName: `F${i}`, lastName: `L${i % 5000}`, birthYear: 1940 + (i % 60), phone: null }),
    }));
    // Comparing every pair (200 million) would not finish within the test's timeout.
    const found = possibleDuplicates(people);
    // Same last name (i ≡ j mod 5000) and same birth year (i ≡ j mod 60): i ≡ j mod 15000.
    expect(found).toHaveLength(5000);
    expect(found[0].matches).toEqual(['lastName', 'birthYear']);
  });
});

describe('Parcours vers l’autonomie', () => {
  it('lists per domain the postures of her visits in date order', () => {
    const path = autonomyPath([
      { date: '2026-03-01', posture: 'fait_avec', procedures: [{ domain: 'social' }, { domain: 'numerique' }] },
      { date: '2026-01-10', posture: 'fait_a_la_place', procedures: [{ domain: 'social' }, { domain: 'social' }] },
      { date: '2026-05-20', posture: 'laisse_faire', procedures: [{ domain: 'social' }] },
      { date: '2026-02-01', posture: 'fait_a_la_place', procedures: [{ domain: 'logement' }] },
    ]);
    expect(path).toEqual([
      {
        domain: 'social',
        steps: [
          { date: '2026-01-10', posture: 'fait_a_la_place' },
          { date: '2026-03-01', posture: 'fait_avec' },
          { date: '2026-05-20', posture: 'laisse_faire' },
        ],
      },
      { domain: 'logement', steps: [{ date: '2026-02-01', posture: 'fait_a_la_place' }] },
      { domain: 'numerique', steps: [{ date: '2026-03-01', posture: 'fait_avec' }] },
    ]);
    expect(autonomyPath([])).toEqual([]);
  });
});
