/**
 * The one write path: every change of a record is validated, stored, and queued in the outbox in
 * the same Dexie transaction, so a record and its pending operation never exist one without the
 * other. Deleting writes a tombstone (the server must hear of it); undo restores the record.
 *
 * Guarantees:
 * - an op already claimed by a sync (`sentAt` set) is never replaced or dropped: a later change
 *   gets an op of its own;
 * - an edit carries the version it was made on (`base`): saving on a revision the form never
 *   showed throws `StaleEditError` (nothing written), and when the user saves anyway the op keeps
 *   the version she saw, so the server answers `conflict` rather than overwrite a newer version;
 * - a form's draft is cleared in the same transaction as the save (`draftKey`), so a crash can
 *   never leave a draft whose id is already a saved record;
 * - a new record (`mustBeNew`) never overwrites a live one with the same id (`RecordExistsError`).
 */
import Dexie from 'dexie';
import { planOutboxChange } from '../domain/outbox';
import type { AccompanimentData, DataByEntity, MandateData } from '../domain/records';
import { validateRecordData, type FieldError } from '../domain/validation';
import { db as appDb, RelaisDB, TABLE_OF, type LocalRecord, type StoredEntity } from './database';
import { presealRows } from './sealing/middleware';
import { LockedError } from '../crypto/keySession';
import { toStorageError } from './storageError';
import { mandateProblems, revocationProblems } from './visitMandate';

export class ValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(fields.map((f) => `${f.path}: ${f.message}`).join('\n'));
    this.name = 'ValidationError';
  }
}

/** The record changed (here, in another tab, or from the server) since the form showed it. */
export class StaleEditError extends Error {
  constructor(readonly current: LocalRecord) {
    super('Cet enregistrement a été modifié ailleurs depuis l’ouverture du formulaire.');
    this.name = 'StaleEditError';
  }
}

/** A new record's id is already a live record (a second tab, or a draft resumed after its save). */
export class RecordExistsError extends Error {
  constructor(readonly id: string) {
    super('Cet identifiant est déjà un enregistrement.');
    this.name = 'RecordExistsError';
  }
}

/** What an edit started from: the server version and the local revision the form showed. */
export interface EditBase {
  version: number;
  rev: number;
}

export const editBaseOf = (record: Pick<LocalRecord, 'version' | 'rev'>): EditBase => ({ version: record.version, rev: record.rev ?? 0 });

export interface WriteOptions {
  db?: RelaisDB;
  /** The version the edit was made on; without it, the change applies to what is stored. */
  base?: EditBase;
  /** Save over a newer revision the user was warned about (the op still carries `base.version`). */
  overwriteStale?: boolean;
  /** The form's draft, deleted in the same transaction as the save. */
  draftKey?: string;
  /** The record must not exist yet (alive). */
  mustBeNew?: boolean;
}

export const newId = (): string => crypto.randomUUID();

/** The tables a write touches: a transaction that calls the write path must include them. */
export const writeScope = (db: RelaisDB, entity: StoredEntity) => [
  db.tableOf(entity),
  db.outbox,
  db.syncIssues,
  db.drafts,
  // A visit's mandate, a revocation's uses, are checked in the write (visitMandate.ts).
  ...(entity === 'accompaniment' ? [db.mandates, db.beneficiaries] : entity === 'mandate' ? [db.accompaniments] : []),
];

const optionsOf = (o: RelaisDB | WriteOptions | undefined): WriteOptions => (o instanceof RelaisDB ? { db: o } : (o ?? {}));

type Mutation<E extends StoredEntity> = (existing: LocalRecord<E> | undefined) => Pick<LocalRecord<E>, 'deleted' | 'data'>;

/**
 * Seals the personal values of a save before its transaction opens (Web Crypto is no IndexedDB
 * request): the record and its op then take their blobs without waiting inside the transaction.
 * Inside a caller's transaction nothing may be awaited: the sealing middleware does it there.
 */
function preseal(entity: StoredEntity, id: string, opId: string, data: unknown): Promise<() => void> {
  if (Dexie.currentTransaction) return Promise.resolve(() => {});
  return presealRows([
    { store: TABLE_OF[entity], row: { entity, id, data } },
    { store: 'outbox', row: { entity, id, opId, data } },
  ]);
}

async function write<E extends StoredEntity>(
  entity: E,
  id: string,
  mutate: Mutation<E>,
  options: WriteOptions,
  data?: DataByEntity[E],
): Promise<LocalRecord<E>> {
  const db = options.db ?? appDb;
  const table = db.tableOf(entity);
  const opId = newId();
  let forget = () => {};
  try {
    if (data !== undefined) forget = await preseal(entity, id, opId, data);
    return await db.transaction('rw', writeScope(db, entity), async () => {
      // Independent requests are issued together: IndexedDB queues them without a round trip each.
      const [existing, queued, issues] = await Promise.all([
        table.get(id),
        db.outbox.where('[entity+id]').equals([entity, id]).sortBy('seq'),
        db.syncIssues.where('[entity+id]').equals([entity, id]).primaryKeys(),
      ]);
      if (options.mustBeNew && existing && !existing.deleted) throw new RecordExistsError(id);
      const base = options.base;
      const stale = base !== undefined && existing !== undefined && (existing.rev ?? 0) !== base.rev;
      if (stale && !options.overwriteStale) throw new StaleEditError(existing);
      const now = new Date().toISOString();
      const change = mutate(existing);
      if (entity === 'accompaniment' && !change.deleted) {
        // Saved, restored or resent: a « Fait à sa place » visit's mandate as held now (a pull or
        // another tab may have revoked it since): the server's rule, refused here before queuing.
        const misfit = await mandateProblems(change.data as AccompanimentData, db);
        if (misfit.length > 0) throw new ValidationError(misfit);
      }
      if (entity === 'mandate' && !change.deleted) {
        const early = await revocationProblems(id, change.data as MandateData, db);
        if (early.length > 0) throw new ValidationError(early);
      }
      const record: LocalRecord<E> = {
        entity,
        id,
        version: existing?.version ?? 0,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        ...(existing?.createdBy ? { createdBy: existing.createdBy } : {}),
        rev: (existing?.rev ?? 0) + 1,
        ...change,
      };
      // Unchanged since the form showed it: the stored version is the one she saw (the server may
      // have acknowledged one of our changes meanwhile). Changed: the version she saw.
      const baseVersion = stale ? Math.min(base.version, record.version) : record.version;
      const plan = planOutboxChange(record, queued, opId, now, baseVersion);
      await Promise.all([
        table.put(record),
        plan.kind === 'append'
          ? db.outbox.add(plan.entry)
          : plan.kind === 'replace'
            ? db.outbox.put({ ...plan.entry, seq: plan.seq })
            : db.outbox.delete(plan.seq),
        // Changing a record again is how a refused change is fixed and resent.
        issues.length > 0 ? db.syncIssues.bulkDelete(issues) : undefined,
        options.draftKey !== undefined ? db.drafts.delete(options.draftKey) : undefined,
      ]);
      return record;
    });
  } catch (error) {
    if (error instanceof ValidationError || error instanceof StaleEditError || error instanceof RecordExistsError || error instanceof LockedError) throw error;
    throw toStorageError(error);
  } finally {
    forget();
  }
}

/** Creates or updates a record (and restores it if it was deleted). */
export function saveRecord<E extends StoredEntity>(entity: E, id: string, data: DataByEntity[E], options?: RelaisDB | WriteOptions): Promise<LocalRecord<E>> {
  const errors = validateRecordData(entity, data);
  if (errors.length > 0) return Promise.reject(new ValidationError(errors));
  return write(entity, id, () => ({ deleted: false, data }), optionsOf(options), data);
}

/** Deletes a record: a tombstone that keeps its data locally so that undo can restore it. */
export function deleteRecord<E extends StoredEntity>(entity: E, id: string, options?: RelaisDB | WriteOptions): Promise<LocalRecord<E>> {
  return write(
    entity,
    id,
    (existing) => {
      if (!existing) throw new Error('unknown record');
      return { deleted: true, data: existing.data };
    },
    optionsOf(options),
  );
}

/**
 * Undoes a deletion. A tombstone pulled from the server for a record this device never had carries
 * no data: it cannot be restored (ValidationError, nothing written).
 */
export function restoreRecord<E extends StoredEntity>(entity: E, id: string, options?: RelaisDB | WriteOptions): Promise<LocalRecord<E>> {
  return write(
    entity,
    id,
    (existing) => {
      if (!existing) throw new Error('unknown record');
      const errors = validateRecordData(entity, existing.data);
      if (errors.length > 0) throw new ValidationError(errors);
      return { deleted: false, data: existing.data };
    },
    optionsOf(options),
  );
}
