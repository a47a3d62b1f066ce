import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { closePermanence, openPermanence, PermanenceAlreadyOpenError } from '../../src/db/permanences';
import { findOpenPermanence, pendingCount } from '../../src/db/queries';
import { StorageError } from '../../src/db/storageError';
import { deleteRecord, newId, restoreRecord, saveRecord, ValidationError } from '../../src/db/writes';
import { accompaniment } from './fixtures';

beforeEach(async () => {
  await db.delete();
  await db.open();
});
afterEach(() => vi.restoreAllMocks());

describe('the one write path', () => {
  it('seeds the example relays and the procedure catalogue on first open, with nothing to sync', async () => {
    expect(await db.relays.count()).toBe(8);
    expect(await db.procedures.count()).toBeGreaterThan(15);
    expect(await pendingCount()).toBe(0);
  });

  it('stores the record and its push op together', async () => {
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment());
    const stored = await db.accompaniments.get(id);
    expect(stored).toMatchObject({ entity: 'accompaniment', id, version: 0, deleted: false, data: accompaniment() });
    const ops = await db.outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ entity: 'accompaniment', id, baseVersion: 0, deleted: false, data: accompaniment(), sentAt: null });
    expect(ops[0].opId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps one unsent op per record when it is edited again', async () => {
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment());
    const first = (await db.outbox.toArray())[0];
    await saveRecord('accompaniment', id, accompaniment({ durationMinutes: 60 }));
    const ops = await db.outbox.toArray();
    expect(ops).toHaveLength(1);
    expect(ops[0].opId).not.toBe(first.opId);
    expect(ops[0].data).toMatchObject({ durationMinutes: 60 });
  });

  it('refuses invalid data and writes nothing', async () => {
    const id = newId();
    const error = await saveRecord('accompaniment', id, accompaniment({ durationMinutes: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.path)).toEqual(['durationMinutes']);
    expect(await db.accompaniments.get(id)).toBeUndefined();
    expect(await pendingCount()).toBe(0);
  });

  it('deletes as a tombstone that undo restores', async () => {
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment());
    await db.outbox.toCollection().modify({ sentAt: '2026-11-24T10:00:00.000Z' }); // the creation left the tablet
    await deleteRecord('accompaniment', id);
    expect((await db.accompaniments.get(id))?.deleted).toBe(true);
    expect((await db.outbox.toArray()).map((o) => o.deleted)).toEqual([false, true]);
    await restoreRecord('accompaniment', id);
    expect((await db.accompaniments.get(id))?.deleted).toBe(false);
    expect((await db.outbox.toArray()).map((o) => o.deleted)).toEqual([false, false]);
  });

  it('refuses to restore a tombstone that came from the server without data', async () => {
    const id = newId();
    await db.accompaniments.put({ entity: 'accompaniment', id, version: 2, deleted: true, data: {} as never, createdAt: '', updatedAt: '' });
    await expect(restoreRecord('accompaniment', id)).rejects.toBeInstanceOf(ValidationError);
    expect((await db.accompaniments.get(id))?.deleted).toBe(true);
    expect(await pendingCount()).toBe(0);
  });

  it('needs no op for a record created then deleted before any sync', async () => {
    const id = newId();
    await saveRecord('accompaniment', id, accompaniment());
    await deleteRecord('accompaniment', id);
    expect(await pendingCount()).toBe(0);
  });

  it('says a full disk in plain French and loses nothing already saved', async () => {
    const kept = newId();
    await saveRecord('accompaniment', kept, accompaniment());
    vi.spyOn(db.outbox, 'add').mockRejectedValue(new DOMException('quota', 'QuotaExceededError'));
    const error = await saveRecord('accompaniment', newId(), accompaniment({ durationMinutes: 90 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).reason).toBe('full');
    expect((error as StorageError).message).toMatch(/mémoire de la tablette est pleine/);
    // The failed transaction left nothing half-written; what was saved before is intact.
    expect((await db.accompaniments.toArray()).map((a) => a.id)).toEqual([kept]);
    expect(await pendingCount()).toBe(1);
  });
});

describe('permanences', () => {
  it('opens one permanence at a time and closes it with an end time', async () => {
    const relay = (await db.relays.toArray())[0];
    const opened = await openPermanence(relay, '2026-11-24', '09:00');
    expect(opened.data).toMatchObject({ relayId: relay.id, communeInsee: relay.data.communeInsee, status: 'open', endTime: null });
    await expect(openPermanence(relay, '2026-11-24', '10:00')).rejects.toBeInstanceOf(PermanenceAlreadyOpenError);
    await closePermanence(opened, '12:00');
    expect(await findOpenPermanence()).toBeUndefined();
    expect((await db.permanences.get(opened.id))?.data).toMatchObject({ status: 'closed', endTime: '12:00' });
    expect(await pendingCount()).toBe(1);
  });
});
