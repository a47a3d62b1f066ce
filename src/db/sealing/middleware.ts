/**
 * Encryption at rest as a Dexie DBCore middleware, the layer nearest IndexedDB: every row of a
 * table holding personal values (codecs.ts) is sealed on its way in and opened on its way out, so
 * the write path, the sync and the screens keep their one-transaction code and see clear rows.
 *
 * Web Crypto is asynchronous and is no IndexedDB request: awaited inside a transaction, the
 * transaction would commit under our feet. So while a row is sealed or opened the transaction is
 * kept alive by small requests of its own (`keepAlive`, Dexie.waitFor's technique), and the
 * request that follows is issued from one of their success events, while the transaction is
 * active. Requests on one table of one transaction go down in the order they were made (a put
 * that waits for its sealing is never overtaken by a later delete or read of the same table).
 *
 * Cursors hand rows out synchronously: a cursor reaching a sealed row waits while the next rows
 * of its range are read and opened (`openingCursor`). Reads in a transaction marked by `readAsStored` are
 * not opened (tallies and counts need no personal value; the migration moves rows as they are);
 * a row already in stored form (holding `enc`) is written as it is.
 *
 * While the app is locked, sealing or opening a row throws `LockedError`; rows with no personal
 * value (reference data, a visit without note) stay readable.
 */
import Dexie, {
  type DBCore,
  type DBCoreCursor,
  type DBCoreKeyRange,
  type DBCoreOpenCursorRequest,
  type DBCoreTable,
  type DBCoreTransaction,
  type Middleware,
} from 'dexie';
import { currentDataKey, isUnlocked, LockedError, onLockChange } from '../../crypto/keySession';
import { isSealed, type Sealed } from '../../crypto/cipher';
import type { Row } from './codecs';
import { SEALED_TABLES } from './tables';

// The codecs (and the sealing code they pull in) load after the first paint: at unlock, or at the
// first row to seal or open (a row cannot be sealed or opened before the unlock anyway).
type Codecs = typeof import('./codecs');
let codecs: Codecs | undefined;
const loadCodecs = (): Promise<Codecs> => import('./codecs').then((m) => (codecs = m));
onLockChange((unlocked) => void (unlocked && loadCodecs()));
if (isUnlocked()) void loadCodecs();

const isSealedRow = (row: unknown): row is Row & { enc: Sealed } => row !== null && typeof row === 'object' && isSealed((row as Row).enc);

/** Transactions whose reads return rows as stored (see `readAsStored`). */
const asStored = new WeakSet<object>();

const SPIN_KEY = '\uffff:keep-alive';

/**
 * Resolves like `work`, from the success event of a request of `trans` (issued again and again
 * until `work` settles), so the caller may issue requests on `trans` right away.
 */
export function keepAlive<T>(trans: DBCoreTransaction, store: string, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settle: (() => void) | undefined;
    work.then(
      (value) => (settle = () => resolve(value)),
      (error: unknown) => (settle = () => reject(error)),
    );
    const spin = () => {
      if (settle) return settle();
      let request: IDBRequest;
      try {
        request = (trans as unknown as IDBTransaction).objectStore(store).count(SPIN_KEY);
      } catch {
        // The transaction is over (it had nothing left to do): nothing to keep alive.
        return void work.then(resolve, reject);
      }
      request.onsuccess = spin;
      request.onerror = (event) => {
        event.preventDefault();
        work.then(resolve, reject);
      };
    };
    spin();
  });
}

/** Per transaction and table: settles once the latest request made has been issued. */
const tails = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Issues `issue(prepared)` once `prepared` is ready and every earlier request on this table of
 * this transaction has been issued; right away when nothing waits.
 */
function inOrder<P, T>(trans: DBCoreTransaction, store: string, prepared: Promise<P> | null, issue: (p: P) => Promise<T>): Promise<T> {
  let byStore = tails.get(trans);
  const tail = byStore?.get(store);
  if (!tail && !prepared) return issue(undefined as P);
  if (!byStore) tails.set(trans, (byStore = new Map()));
  const ready = keepAlive(trans, store, Promise.all([tail, prepared]));
  const issued = ready.then(([, p]) => issue(p as P));
  const mark: Promise<unknown> = ready.then(
    () => {
      if (byStore.get(store) === mark) byStore.delete(store);
    },
    () => {
      if (byStore.get(store) === mark) byStore.delete(store);
    },
  );
  byStore.set(store, mark);
  return issued;
}

function keyOrLocked(): CryptoKey {
  const key = currentDataKey();
  if (!key) throw new LockedError();
  return key;
}

/**
 * Per transaction: the blob of each row opened or sealed in it, with its values (JSON), so that a
 * row read and written back with the same personal values (a version bump, a rebase) keeps its
 * blob instead of being sealed again. Dropped with the transaction.
 */
const blobs = new WeakMap<object, Map<string, { json: string; enc: Sealed }>>();

function blobsOf(trans: DBCoreTransaction) {
  let map = blobs.get(trans);
  if (!map) blobs.set(trans, (map = new Map()));
  return map;
}

/** Whether `trans` may write (a read-only one never writes a row back: no blob to remember). */
const writes = (trans: DBCoreTransaction) => (trans as unknown as IDBTransaction).mode !== 'readonly';

async function openOne(trans: DBCoreTransaction, store: string, key: CryptoKey, row: Row): Promise<Row> {
  const m = codecs ?? (await loadCodecs());
  const codec = m.CODECS[store];
  const { row: opened, secret } = await m.openRow(codec, key, row);
  if (secret && writes(trans)) blobsOf(trans).set(codec.aad(row), { json: JSON.stringify(secret), enc: row.enc! });
  return opened;
}

/**
 * Blobs sealed before a transaction for rows it is about to write (`presealRows`), by AAD with
 * their values: the write then takes its blob without waiting for Web Crypto. Emptied at lock.
 */
const presealed = new Map<string, { json: string; enc: Sealed; call: number }>();
/** Orders `presealRows` calls: a row's blob sealed for a later call is never replaced by an earlier one finishing last. */
let presealCalls = 0;
onLockChange((unlocked) => void (unlocked || presealed.clear()));

function reuseIn(trans: DBCoreTransaction) {
  const known = blobsOf(trans);
  return (aad: string, json: string) => {
    const b = known.get(aad) ?? presealed.get(aad);
    return b && b.json === json ? b.enc : undefined;
  };
}

/** The stored form of `row` without any Web Crypto call, when its blob is known already. */
function sealNow(m: Codecs, trans: DBCoreTransaction, store: string, row: Row): Row | undefined {
  const codec = m.CODECS[store];
  const done = m.sealRowNow(codec, row, reuseIn(trans));
  if (done?.json !== undefined) blobsOf(trans).set(codec.aad(row), { json: done.json, enc: done.row.enc! });
  return done?.row;
}

async function sealOne(trans: DBCoreTransaction, store: string, key: CryptoKey, row: Row): Promise<Row> {
  const m = codecs ?? (await loadCodecs());
  const now = sealNow(m, trans, store, row);
  if (now) return now;
  const codec = m.CODECS[store];
  const { row: sealed, json } = await m.sealRow(codec, key, row);
  if (json !== undefined) blobsOf(trans).set(codec.aad(row), { json, enc: sealed.enc! });
  return sealed;
}

/**
 * Seals, before a transaction opens, the personal values of rows it will write (`store` + the row
 * as it will be written, or enough of it to name it and hold its personal values). Never call it
 * inside a transaction. Returns the function that forgets them (call it once the write is done).
 */
export async function presealRows(rows: { store: string; row: Row }[]): Promise<() => void> {
  const key = currentDataKey();
  if (!key) return () => {}; // locked: the write itself throws LockedError
  const call = ++presealCalls;
  const m = codecs ?? (await loadCodecs());
  const added = await Promise.all(
    rows.map(async ({ store, row }) => {
      const codec = m.CODECS[store];
      if (!codec) return undefined; // a table without personal values (reference data)
      const { row: sealed, json } = await m.sealRow(codec, key, row);
      if (json === undefined) return undefined;
      const aad = codec.aad(row);
      if ((presealed.get(aad)?.call ?? 0) > call) return undefined; // a later value of the row is sealed already
      const entry = { json, enc: sealed.enc!, call };
      presealed.set(aad, entry);
      return [aad, entry] as const;
    }),
  );
  return () => {
    for (const a of added) if (a && presealed.get(a[0]) === a[1]) presealed.delete(a[0]);
  };
}

/** Opens the sealed rows among `rows` (undefined entries kept), keeping the transaction alive. */
function openRows<T>(trans: DBCoreTransaction, store: string, rows: T[]): Promise<T[]> | T[] {
  if (asStored.has(trans) || !rows.some(isSealedRow)) return rows;
  let key: CryptoKey;
  try {
    key = keyOrLocked();
  } catch (error) {
    return Promise.reject(error);
  }
  const work = Promise.all(rows.map((row) => (isSealedRow(row) ? (openOne(trans, store, key, row) as Promise<T>) : row)));
  return keepAlive(trans, store, work);
}

const keyString = (key: unknown): string => (typeof key === 'string' ? `s${key}` : JSON.stringify(key));
const sameBlob = (a: Row, b: Row) => {
  const x = a.enc!.iv;
  const y = b.enc!.iv;
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

function sealingTable(table: DBCoreTable): DBCoreTable {
  const store = table.name;
  return {
    ...table,
    mutate(req) {
      if (req.type !== 'add' && req.type !== 'put') return inOrder(req.trans, store, null, () => table.mutate(req));
      const values = req.values as Row[];
      // Every blob known already (none to make, or sealed before the transaction): no wait.
      const now = codecs && values.map((v) => sealNow(codecs!, req.trans, store, v));
      if (now && now.every((v) => v !== undefined)) {
        return inOrder(req.trans, store, null, () => table.mutate({ ...req, values: now } as typeof req));
      }
      const prepared = (async () => {
        const m = codecs ?? (await loadCodecs());
        const known = values.map((v) => sealNow(m, req.trans, store, v));
        if (known.every((v) => v !== undefined)) return known;
        const key = keyOrLocked();
        return Promise.all(values.map((v) => sealOne(req.trans, store, key, v)));
      })();
      return inOrder(req.trans, store, prepared, (sealed) => table.mutate({ ...req, values: sealed } as typeof req));
    },
    get(req) {
      return inOrder(req.trans, store, null, () => table.get(req))
        .then((row) => openRows(req.trans, store, [row]))
        .then((rows) => rows[0]);
    },
    getMany(req) {
      return inOrder(req.trans, store, null, () => table.getMany(req)).then((rows) => openRows(req.trans, store, rows));
    },
    query(req) {
      return inOrder(req.trans, store, null, () => table.query(req)).then(async (res) => {
        if (!req.values) return res;
        return { ...res, result: await openRows(req.trans, store, res.result) };
      });
    },
    openCursor(req) {
      const cursor = inOrder(req.trans, store, null, () => table.openCursor(req));
      if (!req.values || asStored.has(req.trans)) return cursor;
      return cursor.then((c) => c && openingCursor(table, req, c));
    },
  };
}

/** Rows opened ahead of a cursor, at most this many at a time (the first chunks are smaller). */
const MAX_CHUNK = 1000;

/**
 * A cursor handing out opened rows. A cursor's callback reads its row synchronously: when the row
 * is sealed and not opened yet, the cursor waits (its transaction kept alive) while the next rows
 * of its range, in its order, are read in one request and opened; then the callback runs. Rows
 * are thus opened only as far as the cursor goes (a `limit` or an early stop opens no more).
 */
function openingCursor(table: DBCoreTable, req: DBCoreOpenCursorRequest, cursor: DBCoreCursor): DBCoreCursor {
  const opened = new Map<string, { stored: Row; row: Row }>();
  let chunk = 50;
  const openedRow = (raw: Row, primaryKey: unknown) => {
    const o = opened.get(keyString(primaryKey));
    return o && sameBlob(raw, o.stored) ? o.row : undefined;
  };
  const openAhead = (): Promise<void> => {
    const key = keyOrLocked();
    const r = req.query.range;
    const here = cursor.key;
    const range = req.reverse
      ? { type: 2, lower: r.lower, lowerOpen: r.lowerOpen, upper: here, upperOpen: false }
      : { type: 2, lower: here, lowerOpen: false, upper: r.upper, upperOpen: r.upperOpen };
    const current = { stored: cursor.value as Row, primaryKey: cursor.primaryKey };
    const ahead = table.query({
      trans: req.trans,
      query: { index: req.query.index, range: range as DBCoreKeyRange },
      values: true,
      limit: chunk,
      direction: req.reverse ? 'prev' : 'next',
    });
    chunk = Math.min(MAX_CHUNK, chunk * 2);
    const extractKey = table.schema.primaryKey.extractKey!;
    return ahead.then(async ({ result }) => {
      const rows = (result as Row[]).filter((row) => isSealedRow(row) && !openedRow(row, extractKey(row)));
      // The current row always (many rows may share its index key and fill the chunk before it).
      const todo = [...rows.map((stored) => ({ stored, primaryKey: extractKey(stored) })), current];
      const done = await Promise.all(todo.map((t) => openOne(req.trans, table.name, key, t.stored)));
      todo.forEach((t, i) => opened.set(keyString(t.primaryKey), { stored: t.stored, row: done[i] }));
    });
  };
  return Object.create(cursor, {
    key: { get: () => cursor.key },
    primaryKey: { get: () => cursor.primaryKey },
    value: {
      get: () => {
        const raw = cursor.value as Row;
        if (!isSealedRow(raw)) return raw;
        const row = openedRow(raw, cursor.primaryKey);
        if (!row) throw new Error('A sealed row was read before being opened');
        return row;
      },
    },
    start: {
      value: (callback: () => void) =>
        cursor.start(() => {
          const raw = cursor.value as Row;
          if (!isSealedRow(raw) || openedRow(raw, cursor.primaryKey)) return callback();
          let work: Promise<void>;
          try {
            work = openAhead();
          } catch (error) {
            return cursor.fail(error as Error);
          }
          keepAlive(req.trans, table.name, work).then(
            () => {
              try {
                callback();
              } catch (error) {
                cursor.fail(error as Error);
              }
            },
            (error: Error) => cursor.fail(error),
          );
        }),
    },
  }) as DBCoreCursor;
}

export const sealingMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'Sealing',
  // Below Dexie's own middlewares (cache, observability, hooks): they see opened rows.
  level: -10,
  create: (down) => ({
    ...down,
    table(name) {
      const table = down.table(name);
      return SEALED_TABLES.has(name) ? sealingTable(table) : table;
    },
  }),
};

/**
 * Runs `fn` in a transaction whose reads return rows as stored, sealed blobs unopened (personal
 * fields null): for tallies, counts and lists that show no personal value, and for moving rows as
 * they are. Writing such a row back keeps its blob (with a personal value put back in clear, it
 * is refused: `sealRowNow`). It must be a transaction of its own: inside another one it would
 * share, and mark, that one's IndexedDB transaction (the rest of the caller's reads would come
 * unopened), so it throws there.
 */
export function readAsStored<T>(db: Dexie, mode: 'r' | 'rw', tables: string[], fn: () => Promise<T>): Promise<T> {
  if (Dexie.currentTransaction) return Promise.reject(new Error('readAsStored must not run inside another transaction'));
  return db.transaction(mode, tables, () => {
    asStored.add(Dexie.currentTransaction.idbtrans);
    return fn();
  });
}

/**
 * Runs `fn` inside the current transaction with its reads returning rows as stored, then goes
 * back to opening them. For a step that only moves ids and versions (the sync settling applied
 * ops: a record's `version`, a queued op's `baseVersion`): the rows it reads and writes back keep
 * their blobs, with no opening or sealing. Only for code alone in its transaction: a read made
 * elsewhere in the same transaction meanwhile would get a stored row too.
 */
export async function asStoredWithin<T>(fn: () => Promise<T>): Promise<T> {
  const trans = Dexie.currentTransaction?.idbtrans;
  if (!trans) throw new Error('asStoredWithin runs inside a transaction');
  if (asStored.has(trans)) return fn();
  asStored.add(trans);
  try {
    return await fn();
  } finally {
    asStored.delete(trans);
  }
}
