/**
 * Seals, in place, every row still holding personal values in clear (written before the tablet
 * had a lock code), store by store, in batches:
 * 1. read a batch as stored (no opening), keep the clear rows;
 * 2. seal them outside any transaction (Web Crypto);
 * 3. in one transaction, write each sealed row only if the stored row is still the one read
 *    (same content): a row saved meanwhile by the app is already sealed and is left alone.
 * Sealed rows are skipped, so an interrupted run simply resumes; passes repeat until a pass finds
 * no clear row. No clear copy is kept anywhere: the sealed row replaces the clear one.
 */
import type { Table } from 'dexie';
import { requireDataKey } from '../../crypto/keySession';
import type { RelaisDB } from '../database';
import { CODECS, isClear, sealRow, type Row } from './codecs';
import { readAsStored } from './middleware';

export interface SealingOptions {
  /** Rows read, sealed and written together. */
  batch?: number;
  /** Called between sealing a batch and writing it (tests interleave a save or a crash here). */
  beforeWrite?: (table: string) => void | Promise<void>;
}

const MAX_PASSES = 5;

/** Seals the clear rows of one table; returns how many were sealed and how many changed meanwhile. */
async function sealTable(db: RelaisDB, name: string, options: SealingOptions): Promise<{ sealed: number; changed: number }> {
  const codec = CODECS[name];
  const table = db.table(name) as Table<Row, unknown>;
  const batch = options.batch ?? 200;
  const extractKey = table.core.schema.primaryKey.extractKey!;
  let after: unknown;
  let sealed = 0;
  let changed = 0;
  for (;;) {
    const rows = await readAsStored(db, 'r', [name], () =>
      (after === undefined ? table.orderBy(':id') : table.where(':id').above(after)).limit(batch).toArray(),
    );
    if (rows.length === 0) break;
    after = extractKey(rows.at(-1)!);
    const clear = rows.filter((r) => isClear(codec, r));
    if (clear.length === 0) continue;
    const key = requireDataKey();
    const sealedRows = (await Promise.all(clear.map((r) => sealRow(codec, key, r)))).map((s) => s.row);
    await options.beforeWrite?.(name);
    const keys = clear.map((r) => extractKey(r));
    const result = await readAsStored(db, 'rw', [name], async () => {
      const now = await table.bulkGet(keys as never[]);
      const put: Row[] = [];
      now.forEach((row, i) => {
        if (row !== undefined && JSON.stringify(row) === JSON.stringify(clear[i])) put.push(sealedRows[i]);
      });
      if (put.length > 0) await table.bulkPut(put);
      return put.length;
    });
    sealed += result;
    changed += clear.length - result;
  }
  return { sealed, changed };
}

/** Seals every clear row of every store holding personal values. */
export async function sealClearRows(db: RelaisDB, options: SealingOptions = {}): Promise<{ sealed: number }> {
  if (!db.isOpen()) await db.open();
  let total = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = 0;
    for (const name of Object.keys(CODECS)) {
      const r = await sealTable(db, name, options);
      total += r.sealed;
      changed += r.changed;
    }
    if (changed === 0) break;
  }
  return { sealed: total };
}
