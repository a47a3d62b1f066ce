// The in-memory people search: normalised names, prefix on any word from 2 letters, at most N
// results; measured among 20,000 people held in the database (the time is printed, not asserted:
// machines differ), and kept current as people are added, renamed, deleted or merged.
import { beforeEach, describe, expect, it } from 'vitest';
import { db, type LocalRecord } from '../../src/db/database';
import { buildPeopleIndex, livePeopleIndex, searchWords } from '../../src/db/peopleIndex';
import { searchKey } from '../../src/domain/people';
import { newId, saveRecord } from '../../src/db/writes';
import { applyPulledPage } from '../../src/sync/pull';
import { beneficiary, pulled, pulledTombstone } from './peopleFixtures';

const NOW = '2026-11-24T10:00:00.000Z';
const person = (firstName: string, lastName: string, over: Partial<LocalRecord<'beneficiary'>> = {}): LocalRecord<'beneficiary'> => ({
  entity: 'beneficiary',
  id: newId(),
  version: 1,
  deleted: false,
  data: beneficiary({ firstName, lastName }),
  createdAt: NOW,
  updatedAt: NOW,
  ...over,
});

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe('searchKey', () => {
  it('ignores accents, case, hyphens and apostrophes', () => {
    expect(searchKey('  Hélène  ')).toBe('helene');
    expect(searchKey('Jean-Éric')).toBe('jeaneric');
    expect(searchKey('N’Diaye')).toBe('ndiaye');
    expect(searchKey("D'ARTAGNAN")).toBe('dartagnan');
    expect(searchKey('Cœur Ægir Groß')).toBe('coeuraegirgross');
    expect(searchWords('Jean-Éric Le Gall')).toEqual(expect.arrayContaining(['jean', 'eric', 'jeaneric', 'le', 'gall', 'jeanericlegall']));
  });
});

describe('the people index', () => {
  const people = [
    person('Hélène', 'Martin'),
    person('Jean-Pierre', 'Marty'),
    person('Marie', 'N’Diaye'),
    person('Mathis', 'Dupont'),
    person('Anne', 'Le Gall'),
    person('Zoé', 'Martin', { deleted: true }),
    person('Marius', 'Doublon', { deleted: true, mergedInto: newId() }),
  ];
  const index = buildPeopleIndex(people);
  const names = (q: string, limit?: number) => index.search(q, limit).map((p) => `${p.data.firstName} ${p.data.lastName}`);

  it('finds a prefix of any word of the first or last name, from 2 letters, by last then first name', () => {
    expect(index.size).toBe(5);
    expect(names('m')).toEqual([]);
    expect(names('ma')).toEqual(['Mathis Dupont', 'Hélène Martin', 'Jean-Pierre Marty', 'Marie N’Diaye']);
    expect(names('HELE')).toEqual(['Hélène Martin']);
    expect(names('pierre')).toEqual(['Jean-Pierre Marty']);
    expect(names('jean-pi')).toEqual(['Jean-Pierre Marty']);
    expect(names('jeanpi')).toEqual(['Jean-Pierre Marty']);
    expect(names('ndia')).toEqual(['Marie N’Diaye']);
    expect(names("n'di")).toEqual(['Marie N’Diaye']);
    expect(names('diaye')).toEqual(['Marie N’Diaye']);
    expect(names('gall')).toEqual(['Anne Le Gall']);
    expect(names('legal')).toEqual(['Anne Le Gall']);
    expect(names('mar h')).toEqual(['Hélène Martin']);
    expect(names('zoe')).toEqual([]);
    expect(names('marius')).toEqual([]);
    expect(names('ma', 2)).toEqual(['Mathis Dupont', 'Hélène Martin']);
  });

  it('answers among 20,000 people held in the database', async () => {
    const first = ['Marie', 'Jean', 'Hélène', 'Karim', 'Fatima', 'Lucas', 'Chloé', 'Mohamed', 'Léa', 'Jean-Luc', 'Aïcha', 'Émile', 'Nathalie', 'Paul', 'Inès'];
    const last = [
      'Martin',
      'Bernard',
      'Dubois',
      'Thomas',
      'Robert',
      'Richard',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Simon',
      'Laurent',
      'Lefèbvre',
      'Michel',
      'Garcia',
      'N’Guyen',
      'Le Gall',
      'Benali',
      'Fontaine',
      'Roux',
    ];
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      person(first[i % first.length], `${last[(i * 7) % last.length]}${i % 3 === 0 ? '' : `-${last[i % last.length].slice(0, 3)}${i}`}`),
    );
    await db.beneficiaries.bulkPut(rows);
    const built = performance.now();
    const big = buildPeopleIndex(await db.beneficiaries.toArray());
    const buildMs = performance.now() - built;
    const queries = ['ma', 'mar', 'mart', 'martin', 'he', 'hel', 'lef', 'ngu', 'le g', 'jean-l', 'ai', 'fo', 'zz', 'be', 'ri', 'ro'];
    big.search('ma'); // warm up
    const start = performance.now();
    const rounds = 20;
    let total = 0;
    for (let r = 0; r < rounds; r++) for (const q of queries) total += big.search(q, 20).length;
    const perQuery = (performance.now() - start) / (rounds * queries.length);
    console.log(`people index: 20,000 people built in ${buildMs.toFixed(0)} ms; ${perQuery.toFixed(3)} ms per query (≤ 20 results)`);
    expect(big.size).toBe(20_000);
    expect(total).toBeGreaterThan(0);
    const martins = big.search('martin', 20);
    expect(martins).toHaveLength(20);
    expect(martins.every((p) => /(^|[\s-])martin/i.test(p.data.lastName))).toBe(true);
    expect(big.search('zz')).toEqual([]);
    const leGall = big.search('le g', 5);
    expect(leGall.length).toBeGreaterThan(0);
    expect(leGall.every((p) => p.data.lastName.includes('Le Gall'))).toBe(true);
    // Writing and reading 20,000 people seals and opens each one (Node's Web Crypto here).
  }, 60_000);

  it('follows the database: a person added, renamed, deleted or merged', async () => {
    const live = livePeopleIndex(db);
    await live.ready;
    const seen = () => live.search('dup').map((p) => p.data.firstName);
    const changed = () =>
      new Promise<void>((resolve) => {
        const stop = live.subscribe(() => {
          stop();
          resolve();
        });
      });
    expect(live.size).toBe(0);

    const marie = newId();
    let next = changed();
    await saveRecord('beneficiary', marie, beneficiary(), db);
    await next;
    expect(seen()).toEqual(['Marie']);

    const paul = newId();
    next = changed();
    await applyPulledPage(db, [pulled('beneficiary', paul, 1, beneficiary({ firstName: 'Paul', lastName: 'Dupuis' }))], 'c1', NOW);
    await next;
    expect(seen()).toEqual(['Marie', 'Paul']);

    next = changed();
    await saveRecord('beneficiary', marie, beneficiary({ lastName: 'Martin' }), db);
    await next;
    expect(seen()).toEqual(['Paul']);

    next = changed();
    await applyPulledPage(db, [pulledTombstone('beneficiary', paul, 2, { mergedInto: marie })], 'c2', NOW);
    await next;
    expect(seen()).toEqual([]);
    expect(live.search('mart').map((p) => p.id)).toEqual([marie]);
    live.dispose();
  });
});
