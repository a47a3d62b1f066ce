// In-browser figures of encryption at rest (bench/sealing.ts): the same work on the app's database
// with its sealing middleware and on a copy without it, every visit carrying a note and every
// person a name (the worst case: each row holds personal values).
import { newDataKey } from '../../src/crypto/cipher';
import { setDataKey } from '../../src/crypto/keySession';
import { RelaisDB } from '../../src/db/database';
import { buildPeopleIndex } from '../../src/db/peopleIndex';
import { peopleSummaries } from '../../src/db/people';
import { accompanimentsBetween, allAccompanimentsOpened, reportRows } from '../../src/db/listQueries';
import { accompanimentsOn } from '../../src/db/queries';
import { sealingMiddleware } from '../../src/db/sealing/middleware';
import { newId, saveRecord } from '../../src/db/writes';
import { addDays, parisDate } from '../../src/domain/dates';
import { accompanimentFact } from '../../src/domain/tallyFacts';
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

/** `n` visits over a year (`todayCount` today), one in `noteEvery` with a note. */
function visits(n: number, todayCount: number, noteEvery: number) {
  const today = parisDate(new Date());
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const daysAgo = i < todayCount ? 0 : 1 + (i % 365);
    const at = new Date(now - daysAgo * 86_400_000 - i * 1000).toISOString();
    const data = { ...sampleAccompaniment(i, addDays(today, -daysAgo)), note: i % noteEvery === 0 ? `${NOTE} ${i}` : null };
    return { entity: 'accompaniment' as const, id: newId(), version: 1, deleted: false, data, createdAt: at, updatedAt: at, rev: 1 };
  });
}

/**
 * The same `n` visits in a database with the sealing middleware and in one without; then, in
 * alternating order (plain first, then sealed first, …: neither side always runs on a warmer or
 * fuller heap), the app's own queries on each, the same calls on both:
 * - `yearMs`: Historique's list query (`accompanimentsBetween`) over a year (shows no personal
 *   value: read as stored, notes left sealed);
 * - `reportMs`: what Bilan reads (`reportRows`, as stored) turned into tally facts;
 * - `searchMs`: Historique's search, every visit opened (it looks in the notes);
 * - `todayMs`: today's list (`accompanimentsOn`).
 */
async function listFigures(n: number, todayCount: number, noteEvery = 1) {
  const today = parisDate(new Date());
  const rows = visits(n, todayCount, noteEvery);
  const dbs = { plain: await fresh('relais-bench-list-plain', false), sealed: await fresh('relais-bench-list-sealed', true) };
  for (const db of Object.values(dbs)) for (let i = 0; i < rows.length; i += 2000) await db.accompaniments.bulkPut(rows.slice(i, i + 2000));
  const times = { plain: {} as Record<string, number[]>, sealed: {} as Record<string, number[]> };
  const time = async <T>(label: 'plain' | 'sealed', name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await f();
    (times[label][name] ??= []).push(performance.now() - t);
    return out;
  };
  for (let round = 0; round < 7; round++) {
    for (const label of round % 2 ? (['sealed', 'plain'] as const) : (['plain', 'sealed'] as const)) {
      const db = dbs[label];
      const year = await time(label, 'yearMs', () => accompanimentsBetween(addDays(today, -366), today, db));
      if (year.length !== n) throw new Error('list mismatch');
      // Sealed, the list carries no note (left sealed); plain, they are there in clear.
      if (year.some((a) => a.data.note !== null) !== (label === 'plain')) throw new Error('list notes mismatch');
      const facts = await time(label, 'reportMs', async () => {
        const r = await reportRows(db);
        return r.accompaniments.filter((a) => !a.deleted).map((a) => accompanimentFact(a.id, a.data, a.createdBy ?? 'Moi'));
      });
      if (facts.length !== n) throw new Error('report mismatch');
      const all = await time(label, 'searchMs', () => allAccompanimentsOpened(db));
      if (all.length !== n || !all.some((a) => a.data.note?.startsWith(NOTE))) throw new Error('search mismatch');
      await time(label, 'todayMs', () => accompanimentsOn(today, db));
    }
  }
  for (const db of Object.values(dbs)) await db.delete();
  const medians = (m: Record<string, number[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
  return { plain: medians(times.plain), sealed: medians(times.sealed) };
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
  const out: Record<string, Record<string, number>> = { plain: {}, sealed: {} };
  for (const sealed of [false, true]) {
    const label = sealed ? 'sealed' : 'plain';
    let db = await fresh(`relais-bench-${label}`, sealed);
    const writeMs = await writeFigure(db, writes);
    db = await fresh(`relais-bench-${label}`, sealed);
    const people = await peopleFigures(db, n);
    await db.delete();
    Object.assign(out[label], { writeMs, writesPerSecond: (writes / writeMs) * 1000, ...people });
  }
  const list = await listFigures(n, 20);
  const mixed = await listFigures(n, 20, 5);
  for (const label of ['plain', 'sealed'] as const) Object.assign(out[label], list[label], { mixedSearchMs: mixed[label].searchMs });
  return out;
}
