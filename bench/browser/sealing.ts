// In-browser figures of encryption at rest (bench/sealing.ts): the same work on the app's database
// with its sealing middleware and on a copy without it, every visit carrying a note and every
// person a name (the worst case: each row holds personal values).
import { newDataKey } from '../../src/crypto/cipher';
import { setDataKey } from '../../src/crypto/keySession';
import { RelaisDB } from '../../src/db/database';
import { buildPeopleIndex } from '../../src/db/peopleIndex';
import { peopleSummaries } from '../../src/db/people';
import { accompanimentsBetween } from '../../src/db/listQueries';
import { accompanimentsOn } from '../../src/db/queries';
import { sealingMiddleware } from '../../src/db/sealing/middleware';
import { newId, saveRecord } from '../../src/db/writes';
import { addDays, parisDate } from '../../src/domain/dates';
import { sampleAccompaniment } from '../sample';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const NOTE = 'Dossier de retraite complémentaire : rappeler la caisse, pièces manquantes (avis d’imposition).';

async function fresh(name: string, sealed: boolean): Promise<RelaisDB> {
  const db = new RelaisDB(name);
  if (!sealed) db.unuse({ stack: 'dbcore', name: sealingMiddleware.name! });
  await db.delete();
  await db.open();
  return db;
}

/** Saves `n` visits one by one through the write path. */
async function writeFigure(db: RelaisDB, n: number): Promise<number> {
  const today = parisDate(new Date());
  const t = performance.now();
  for (let i = 0; i < n; i++) await saveRecord('accompaniment', newId(), { ...sampleAccompaniment(i, today), note: `${NOTE} ${i}` }, db);
  return performance.now() - t;
}

/** Seeds `n` visits over a year (`todayCount` today) and times the history list of the year and today's list. */
async function listFigures(db: RelaisDB, n: number, todayCount: number, noteEvery = 1) {
  const today = parisDate(new Date());
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => {
    const daysAgo = i < todayCount ? 0 : 1 + (i % 365);
    const at = new Date(now - daysAgo * 86_400_000 - i * 1000).toISOString();
    const data = { ...sampleAccompaniment(i, addDays(today, -daysAgo)), note: i % noteEvery === 0 ? `${NOTE} ${i}` : null };
    return { entity: 'accompaniment' as const, id: newId(), version: 1, deleted: false, data, createdAt: at, updatedAt: at, rev: 1 };
  });
  for (let i = 0; i < rows.length; i += 2000) await db.accompaniments.bulkPut(rows.slice(i, i + 2000));
  const year: number[] = [];
  const day: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const listed = await accompanimentsBetween(addDays(today, -366), today, db);
    year.push(performance.now() - t);
    if (listed.length !== n || !listed.some((a) => a.data.note?.startsWith(NOTE))) throw new Error('list mismatch');
    t = performance.now();
    await accompanimentsOn(today, db);
    day.push(performance.now() - t);
  }
  return { yearMs: median(year), todayMs: median(day) };
}

/** Seeds `n` people; times reading them (opened) and building the index, then each keystroke. */
async function peopleFigures(db: RelaisDB, n: number) {
  const now = new Date().toISOString();
  const first = ['Marie', 'Hélène', 'Jean-Pierre', 'Awa', 'Fatima', 'Nadia', 'Louis', 'Éric', 'Chantal', 'Mohamed'];
  const last = ['Martin', 'Dupont', 'Le Gall', 'N’Diaye', 'Bernard', 'Durand', 'Lefèvre', 'Garcia', 'Roux', 'Fontaine'];
  const people = Array.from({ length: n }, (_, i) => ({
    entity: 'beneficiary' as const,
    id: newId(),
    version: 1,
    deleted: false,
    createdAt: now,
    updatedAt: now,
    rev: 1,
    data: {
      firstName: first[i % first.length],
      lastName: `${last[(i * 7) % last.length]}${i % 3 === 0 ? '' : `-${i}`}`,
      birthYear: 1940 + (i % 60),
      residenceInsee: '34157',
      phone: i % 2 ? `06${String(10_000_000 + i)}` : null,
      noPhone: i % 2 === 0,
      gender: 'female' as const,
      socialStatus: 'retired' as const,
      public: 'other' as const,
      qpv: false,
      consentedOn: '2026-01-02',
      note: i % 4 === 0 ? NOTE : null,
    },
  }));
  for (let i = 0; i < people.length; i += 2000) await db.beneficiaries.bulkPut(people.slice(i, i + 2000));
  let t = performance.now();
  const index = buildPeopleIndex(await db.beneficiaries.toArray());
  const unlockIndexMs = performance.now() - t;
  const typed = ['m', 'ma', 'mar', 'mart', 'marti', 'martin', 'l', 'le', 'le ', 'le g', 'le ga', 'h', 'hé', 'hél', 'du', 'dup'];
  const perKey: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of typed) {
      t = performance.now();
      const hits = index.search(q, 20);
      await peopleSummaries(
        hits.map((p) => p.id),
        db,
      );
      perKey.push(performance.now() - t);
    }
  }
  const searchOnly: number[] = [];
  for (const q of typed) {
    t = performance.now();
    index.search(q, 20);
    searchOnly.push(performance.now() - t);
  }
  return { unlockIndexMs, keystrokeMs: median(perKey), keystrokeMaxMs: Math.max(...perKey), searchOnlyMs: median(searchOnly) };
}

export async function sealingBench(n = 20_000, writes = 1000) {
  setDataKey(await newDataKey());
  const out: Record<string, Record<string, number>> = {};
  for (const sealed of [false, true]) {
    const label = sealed ? 'sealed' : 'plain';
    let db = await fresh(`relais-bench-${label}`, sealed);
    const writeMs = await writeFigure(db, writes);
    db = await fresh(`relais-bench-${label}`, sealed);
    const list = await listFigures(db, n, 20);
    db = await fresh(`relais-bench-${label}`, sealed);
    const mixed = await listFigures(db, n, 20, 5);
    db = await fresh(`relais-bench-${label}`, sealed);
    const people = await peopleFigures(db, n);
    await db.delete();
    out[label] = { writeMs, writesPerSecond: (writes / writeMs) * 1000, ...list, mixedYearMs: mixed.yearMs, ...people };
  }
  return out;
}
