/**
 * The one write path: every change of a record is validated, stored, and queued in the outbox in
 * the same Dexie transaction, so a record and its pending operation never exist one without the
 * other. Deleting writes a tombstone (the server must hear of it); undo restores the record.
 */
import { planOutboxChange } from '../domain/outbox';
import type { DataByEntity } from '../domain/records';
import { validateRecordData, type FieldError } from '../domain/validation';
import { db as appDb, type LocalRecord, type RelaisDB, type StoredEntity } from './database';
import { toStorageError } from './storageError';

export class ValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(fields.map((f) => `${f.path}: ${f.message}`).join('\n'));
    this.name = 'ValidationError';
  }
}

export const newId = (): string => crypto.randomUUID();

type Mutation<E extends StoredEntity> = (existing: LocalRecord<E> | undefined) => Pick<LocalRecord<E>, 'deleted' | 'data'>;

async function write<E extends StoredEntity>(db: RelaisDB, entity: E, id: string, mutate: Mutation<E>): Promise<LocalRecord<E>> {
  const table = db.tableOf(entity);
  try {
    return await db.transaction('rw', table, db.outbox, db.syncIssues, async () => {
      // Independent requests are issued together: IndexedDB queues them without a round trip each.
      const [existing, queued, issues] = await Promise.all([
        table.get(id),
        db.outbox.where('[entity+id]').equals([entity, id]).sortBy('seq'),
        db.syncIssues.where('[entity+id]').equals([entity, id]).primaryKeys(),
      ]);
      const now = new Date().toISOString();
      const change = mutate(existing);
      const record: LocalRecord<E> = {
        entity,
        id,
        version: existing?.version ?? 0,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        ...(existing?.createdBy ? { createdBy: existing.createdBy } : {}),
        ...change,
      };
      const plan = planOutboxChange(record, queued, newId(), now);
      await Promise.all([
        table.put(record),
        plan.kind === 'append'
          ? db.outbox.add(plan.entry)
          : plan.kind === 'replace'
            ? db.outbox.put({ ...plan.entry, seq: plan.seq })
            : db.outbox.delete(plan.seq),
        // Changing a record again is how a refused change is fixed and resent.
        issues.length > 0 ? db.syncIssues.bulkDelete(issues) : undefined,
      ]);
      return record;
    });
  } catch (error) {
    throw error instanceof ValidationError ? error : toStorageError(error);
  }
}

/** Creates or updates a record (and restores it if it was deleted). */
export function saveRecord<E extends StoredEntity>(entity: E, id: string, data: DataByEntity[E], db: RelaisDB = appDb): Promise<LocalRecord<E>> {
  const errors = validateRecordData(entity, data);
  if (errors.length > 0) return Promise.reject(new ValidationError(errors));
  return write(db, entity, id, () => ({ deleted: false, data }));
}

/** Deletes a record: a tombstone that keeps its data locally so that undo can restore it. */
export function deleteRecord<E extends StoredEntity>(entity: E, id: string, db: RelaisDB = appDb): Promise<LocalRecord<E>> {
  return write(db, entity, id, (existing) => {
    if (!existing) throw new Error('unknown record');
    return { deleted: true, data: existing.data };
  });
}

/**
 * Undoes a deletion. A tombstone pulled from the server for a record this device never had carries
 * no data: it cannot be restored (ValidationError, nothing written).
 */
export function restoreRecord<E extends StoredEntity>(entity: E, id: string, db: RelaisDB = appDb): Promise<LocalRecord<E>> {
  return write(db, entity, id, (existing) => {
    if (!existing) throw new Error('unknown record');
    const errors = validateRecordData(entity, existing.data);
    if (errors.length > 0) throw new ValidationError(errors);
    return { deleted: false, data: existing.data };
  });
}
