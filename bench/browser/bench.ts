// In-browser benchmarks, run by bench/run.ts in Chromium on the app's origin (same IndexedDB).
import Dexie from 'dexie';
import { currentDataKey } from '../../src/crypto/keySession';
import { createVault, KDF_ITERATIONS, openVault } from '../../src/crypto/keys';
import { db, RelaisDB } from '../../src/db/database';
import { SCHEMA_V3 } from '../../src/db/schema';
import { newId, saveRecord } from '../../src/db/writes';
import { addDays, parisDate } from '../../src/domain/dates';
import { sampleAccompaniment } from '../sample';
import { computeTally } from '../../src/domain/tally';
import { accompanimentFact } from '../../src/domain/tallyFacts';
import { BENCH_LOCK_CODE } from '../lockCode';
import { peopleBench } from './people';
import { sealingBench } from './sealing';
import { newDataKey } from '../../src/crypto/cipher';
import { setDataKey } from '../../src/crypto/keySession';

// The app's database seals personal values: the page works unlocked, with a key of its own.
setDataKey(await newDataKey());

/** Saves `n` accompaniments one by one through the app's write path, then as raw Dexie puts. */
async function writeBench(n: number) {
  await db.delete();
  await db.open();
  const today = parisDate(new Date());
  const rows = Array.from({ length: n }, (_, i) => ({ id: newId(), data: sampleAccompaniment(i, today) }));
  let t = performance.now();
  for (const r of rows) await saveRecord('accompaniment', r.id, r.data);
  const appMs = performance.now() - t;

  const raw = new Dexie('relais-bench-raw');
  raw.version(3).stores(SCHEMA_V3);
  await raw.open();
  const now = new Date().toISOString();
  const objects = rows.map((r) => ({ entity: 'accompaniment', id: r.id, version: 0, deleted: false, data: r.data, createdAt: now, updatedAt: now }));
  t = performance.now();
  for (const o of objects) await raw.table('accompaniments').put(o);
  const rawMs = performance.now() - t;
  await raw.delete();
  await db.delete();
  return { n, appMs, rawMs, appPerSecond: (n / appMs) * 1000, rawPerSecond: (n / rawMs) * 1000, ratio: rawMs / appMs };
}

/**
 * Fills the app's database with `n` accompaniments over the past year, `today` of them today,
 * behind the lock code BENCH_LOCK_CODE (wrapping the data key in memory, if any).
 */
async function seed(n: number, todayCount: number) {
  await db.delete();
  await db.open();
  const today = parisDate(new Date());
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => {
    const daysAgo = i < todayCount ? 0 : 1 + (i % 365);
    const at = new Date(now - daysAgo * 86_400_000 - i * 1000).toISOString();
    return {
      entity: 'accompaniment' as const,
      id: newId(),
      version: 1,
      deleted: false,
      data: sampleAccompaniment(i, addDays(today, -daysAgo)),
      createdAt: at,
      updatedAt: at,
    };
  });
  await db.accompaniments.bulkPut(rows);
  await createVault(db, BENCH_LOCK_CODE, currentDataKey() ?? undefined);
  db.close();
  return { n, todayCount };
}

/** Tallies over `n` accompaniments on the tablet: the pure function alone, and read from IndexedDB + counted. */
async function tallyBench(n: number) {
  await seed(n, 0);
  await db.open();
  const today = parisDate(new Date());
  const period = { from: addDays(today, -365), to: today };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const loadAndCount: number[] = [];
  const countOnly: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const rows = await db.accompaniments.toArray();
    const facts = rows.filter((r) => !r.deleted).map((r) => accompanimentFact(r.id, r.data, r.createdBy ?? 'Moi'));
    const read = performance.now() - t;
    t = performance.now();
    const tally = computeTally(facts, [], period);
    countOnly.push(performance.now() - t);
    loadAndCount.push(read + countOnly[i]);
    if (tally.totals.accompaniments !== n) throw new Error('tally mismatch');
  }
  await db.delete();
  return { n, countMs: median(countOnly), loadAndCountMs: median(loadAndCount) };
}

/** Unlocking: PBKDF2-SHA-256 with the vault's iteration count, then AES-KW unwrap (median of 5). */
async function unlockBench() {
  const vaultDb = new RelaisDB('relais-bench-unlock');
  await vaultDb.delete();
  await vaultDb.open();
  await createVault(vaultDb, BENCH_LOCK_CODE);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await openVault(vaultDb, BENCH_LOCK_CODE);
    times.push(performance.now() - t);
  }
  await vaultDb.delete();
  return { iterations: KDF_ITERATIONS, unlockMs: [...times].sort((a, b) => a - b)[2], runs: times };
}

Object.assign(window, { relaisBench: { writeBench, seed, tallyBench, unlockBench, sealingBench, ...peopleBench } });
document.getElementById('status')!.textContent = 'ready';
