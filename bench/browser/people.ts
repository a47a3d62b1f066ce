// In-browser people benchmarks (bench/people.ts): seeds 20,000 followed people, one of them with
// 200 visits, and times the search index alone (build, one query per keystroke).
import { currentDataKey } from '../../src/crypto/keySession';
import { createVault } from '../../src/crypto/keys';
import { db } from '../../src/db/database';
import { buildPeopleIndex } from '../../src/db/peopleIndex';
import { newId } from '../../src/db/writes';
import { addDays, parisDate } from '../../src/domain/dates';
import type { BeneficiaryData } from '../../src/domain/records';
import { BENCH_LOCK_CODE } from '../lockCode';
import { sampleAccompaniment } from '../sample';

const FIRST = ['Marie', 'Hélène', 'Jean-Pierre', 'Awa', 'Fatima', 'Nadia', 'Louis', 'Éric', 'Chantal', 'Mohamed', 'Sylvie', 'Yasmina', 'Paul', 'Inès', 'Rémi'];
const SECOND = [
  '',
  'Claire',
  'Rose',
  'Louise',
  'Anne',
  'Sophie',
  'Marc',
  'Luc',
  'Noël',
  'Lou',
  'Jade',
  'Emma',
  'Léo',
  'Aya',
  'Sami',
  'Zoé',
  'Nora',
  'Théo',
  'Mia',
  'Adam',
];
const LAST = [
  'Martin',
  'Dupont',
  'Le Gall',
  'N’Diaye',
  'Bernard',
  'Durand',
  'Lefèvre',
  'Moreau',
  'Girard',
  'Roux',
  'Fournier',
  'Mercier',
  'Blanc',
  'Garcia',
  'Faure',
];

function samplePerson(i: number): BeneficiaryData {
  return {
    firstName: [FIRST[i % FIRST.length], SECOND[Math.floor(i / 7) % SECOND.length]].filter(Boolean).join('-'),
    lastName: `${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? `-${(i * 7919) % 100_000}` : ''}`,
    birthYear: 1940 + ((i * 37) % 67),
    residenceInsee: ['34157', '34150', '34108', '34301'][i % 4],
    phone: null,
    noPhone: true,
    gender: i % 2 ? 'female' : 'male',
    socialStatus: 'unknown',
    public: 'other',
    qpv: i % 5 === 0,
    consentedOn: '2025-01-06',
    note: null,
  };
}

/** `n` people (stored as pulled: version 1), the first one with `visits` visits, behind BENCH_LOCK_CODE. Returns her id. */
async function seedPeople(n: number, visits: number): Promise<{ personId: string }> {
  await db.delete();
  await db.open();
  const now = new Date().toISOString();
  const people = Array.from({ length: n }, (_, i) => ({
    entity: 'beneficiary' as const,
    id: newId(),
    version: 1,
    deleted: false,
    data: samplePerson(i),
    createdAt: now,
    updatedAt: now,
  }));
  await db.beneficiaries.bulkPut(people);
  const personId = people[0].id;
  const today = parisDate(new Date());
  const procedures = [
    { code: 'ameli_compte', domain: 'social', partner: 'cpam' },
    { code: 'caf_logement', domain: 'logement', partner: 'caf' },
    { code: 'carte_grise', domain: 'transports', partner: 'interieur' },
  ] as const;
  const postures = ['fait_a_la_place', 'fait_avec', 'laisse_faire'] as const;
  await db.accompaniments.bulkPut(
    Array.from({ length: visits }, (_, i) => ({
      entity: 'accompaniment' as const,
      id: newId(),
      version: 1,
      deleted: false,
      data: {
        ...sampleAccompaniment(i, addDays(today, -i * 3)),
        beneficiaryId: personId,
        anonymous: null,
        procedures: [{ ...procedures[i % 3] }],
        posture: postures[Math.min(2, Math.floor((visits - i) / (visits / 3)))],
      },
      createdAt: now,
      updatedAt: now,
    })),
  );
  // Behind the lock, as on a tablet (wrapping the data key in memory, if any).
  await createVault(db, BENCH_LOCK_CODE, currentDataKey() ?? undefined);
  db.close();
  return { personId };
}

/** The index alone over the stored people: build time, and the median time of one query per keystroke. */
async function indexBench(queries: string[]): Promise<{ buildMs: number; searchMs: number; people: number }> {
  await db.open();
  const people = await db.beneficiaries.toArray();
  let t = performance.now();
  const index = buildPeopleIndex(people);
  const buildMs = performance.now() - t;
  const times: number[] = [];
  for (let round = 0; round < 5; round++)
    for (const q of queries) {
      t = performance.now();
      index.search(q);
      times.push(performance.now() - t);
    }
  db.close();
  return { buildMs, searchMs: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], people: index.size };
}

export const peopleBench = { seedPeople, indexBench };
