/**
 * Wiping the device's data, for a tablet handed to another person: her records (people, mandates
 * and follow-ups too, and records of entities this version does not know), what waits to be
 * sent, refused changes, drafts, server copies and the pull cursor go, in one transaction; the
 * reference data (relays, catalogue) stays, and the next pull starts from the beginning. Callers
 * make sure nothing waits to be sent first (`hasUnsentWork`). After ten wrong codes with changes
 * waiting, `wipeAllButWaiting` keeps only what waits and what sending it needs.
 */
import { REFERENCE_ENTITIES } from '../domain/records';
import { TABLE_OF, type MetaRow, type RelaisDB, type StoredEntity } from './database';
import { PULL_CURSOR_KEY } from './schema';
import { isSealedRow } from './sealing/codecs';
import { readAsStored } from './sealing/middleware';
import { SEALED_TABLE_NAMES } from './sealing/tables';

/** The tables of the user's records (every stored entity but reference data), and unknown entities. */
export function userRecordTables(db: RelaisDB) {
  const entities = Object.keys(TABLE_OF) as StoredEntity[];
  return [...entities.filter((e) => !REFERENCE_ENTITIES.has(e)).map((e) => db.tableOf(e)), db.otherRecords];
}

/** What on this tablet has not reached the server: queued or refused changes, and form drafts (a half-typed visit). */
export interface UnsentWork {
  changes: number;
  drafts: number;
}

/** Counts what has not reached the server (rows are counted, not opened: it works while locked). */
export async function unsentWork(db: RelaisDB): Promise<UnsentWork> {
  const [queued, refused, drafts] = await Promise.all([db.outbox.count(), db.syncIssues.count(), db.drafts.count()]);
  return { changes: queued + refused, drafts };
}

/** Whether anything on this tablet has not reached the server (queued or refused changes, drafts). */
export async function hasUnsentWork(db: RelaisDB): Promise<boolean> {
  const { changes, drafts } = await unsentWork(db);
  return changes + drafts > 0;
}

/** « 2 changements à envoyer, 1 brouillon »: what waits, in words. */
export function describeUnsent({ changes, drafts }: UnsentWork): string {
  const parts = [];
  if (changes > 0) parts.push(`${changes} changement${changes > 1 ? 's' : ''} à envoyer`);
  if (drafts > 0) parts.push(`${drafts} brouillon${drafts > 1 ? 's' : ''}`);
  return parts.join(', ');
}

export class UnsentWorkError extends Error {
  constructor() {
    super('Des saisies de cette tablette n’ont pas encore été envoyées au serveur.');
    this.name = 'UnsentWorkError';
  }
}

/** Wipes, then writes `meta` rows of the new state (e.g. the new enrolment), in one transaction. */
export async function wipeLocalData(db: RelaisDB, then: MetaRow[] = []): Promise<void> {
  const records = userRecordTables(db);
  await db.transaction('rw', [...records, db.outbox, db.syncIssues, db.drafts, db.serverCopies, db.meta], async () => {
    if ((await db.outbox.count()) + (await db.syncIssues.count()) + (await db.drafts.count()) > 0) throw new UnsentWorkError();
    const meta = await db.meta.toCollection().primaryKeys();
    await Promise.all([...records.map((t) => t.clear()), db.drafts.clear(), db.serverCopies.clear(), db.meta.bulkDelete(meta)]);
    if (then.length > 0) await db.meta.bulkPut(then);
  });
}

/**
 * When the data key is lost (a hand-over's key, never wrapped by a code, gone with a reload) and a
 * new one is made: every row sealed under the old key can never be opened again, and one such row
 * would make its whole table fail to read. They are deleted (rows in clear stay), in one
 * transaction with the pull cursor, so that the next pull fetches again what they held.
 * Nothing is touched if a `meta` row in `unless` exists (checked in the same transaction): a vault
 * set meanwhile by another tab means the rows are sealed under a key that is not lost.
 * Returns how many rows went.
 */
export async function forgetRowsSealedUnderLostKey(db: RelaisDB, unless: readonly string[]): Promise<number> {
  const names = [...SEALED_TABLE_NAMES, 'meta'];
  return readAsStored(db, 'rw', names, async () => {
    if (
      (await db.meta
        .where('key')
        .anyOf([...unless])
        .count()) > 0
    )
      return 0;
    let n = 0;
    for (const name of SEALED_TABLE_NAMES) {
      const table = db.table(name);
      const keys = [] as unknown[];
      await table.toCollection().each((row: unknown, cursor) => {
        if (isSealedRow(row)) keys.push(cursor.primaryKey);
      });
      if (keys.length) await table.bulkDelete(keys as never[]);
      n += keys.length;
    }
    if (n > 0) await db.meta.delete(PULL_CURSOR_KEY);
    return n;
  });
}

/** The `meta` row of the enrolment (src/sync/credentials.ts; db cannot import sync). */
const DEVICE_KEY = 'device';

/**
 * After ten wrong codes while changes wait (docs/privacy.md, Recovery), in one transaction: keeps
 * the queue (outbox), the refused changes (syncIssues: resolving one queues the local record
 * again), the local records and server copies these name (a settled op updates its record's
 * version; a conflict is resolved against its server copy), and the `meta` rows in `keepMeta`
 * (the escrow copy, the wrong-code count); the enrolment keeps who the tablet was for but not its
 * sealed token, and the drafts (a half-typed form is unsent work). Everything else goes: other
 * records, other server copies, the vault, the pull cursor; `then` rows are written last. Rows are handled as stored (sealed): no key is needed, none is in memory.
 * Returns how many changes wait.
 */
export async function wipeAllButWaiting(db: RelaisDB, keepMeta: readonly string[], then: MetaRow[] = []): Promise<number> {
  const records = userRecordTables(db);
  const tables = [...records, db.outbox, db.syncIssues, db.drafts, db.serverCopies, db.meta];
  return readAsStored(
    db,
    'rw',
    tables.map((t) => t.name),
    async () => {
      const waiting = [...(await db.outbox.toArray()), ...(await db.syncIssues.toArray())];
      const kept = new Set(waiting.map((w) => w.id));
      const idOf = (key: unknown) => (Array.isArray(key) ? (key[1] as string) : (key as string));
      for (const table of [...records, db.serverCopies]) {
        const keys = (await table.toCollection().primaryKeys()) as unknown[];
        const drop = keys.filter((k) => !kept.has(idOf(k)));
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        if (drop.length > 0) await (table as any).bulkDelete(drop);
      }
      // Drafts stay: a half-typed visit is work not yet sent too; sealed, they open again once
      // the key is recovered.
      const device = (await db.meta.get(DEVICE_KEY))?.value as Record<string, unknown> | undefined;
      const metaKeys = await db.meta.toCollection().primaryKeys();
      await db.meta.bulkDelete(metaKeys.filter((k) => !keepMeta.includes(k)));
      if (device) {
        const { sealedToken: _sealed, token: _token, ...enrolment } = device;
        await db.meta.put({ key: DEVICE_KEY, value: enrolment });
      }
      if (then.length > 0) await db.meta.bulkPut(then);
      return waiting.length;
    },
  );
}
