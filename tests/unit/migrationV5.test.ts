// Opens a database written by schema version 4 (as shipped: records, a queue, a refused change, a
// server copy and a pull cursor) with the current app: nothing is lost, and the next pull starts
// from the beginning so that the people, mandates and follow-ups skipped so far are fetched once.
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { LATEST_SCHEMA_VERSION, SCHEMA_V4 } from '../../src/db/schema';
import { newId } from '../../src/db/writes';
import { CURSOR_KEY, loadCursor } from '../../src/sync/cursor';
import { applyPulledPage } from '../../src/sync/pull';
import { accompaniment } from './fixtures';
import { beneficiary, pulled } from './peopleFixtures';

const AT = '2026-11-20T10:00:00.000Z';

async function v4Database(name: string, cursor: string | null) {
  const v4 = new Dexie(name);
  v4.version(4).stores(SCHEMA_V4);
  await v4.open();
  const synced = {
    entity: 'accompaniment',
    id: newId(),
    version: 3,
    deleted: false,
    data: accompaniment({ durationMinutes: 45 }),
    createdAt: AT,
    updatedAt: AT,
    rev: 2,
  };
  const waiting = {
    entity: 'accompaniment',
    id: newId(),
    version: 0,
    deleted: false,
    data: accompaniment({ durationMinutes: 20 }),
    createdAt: AT,
    updatedAt: AT,
    rev: 1,
  };
  await v4.table('accompaniments').bulkAdd([synced, waiting]);
  const op = { opId: newId(), entity: 'accompaniment', id: waiting.id, baseVersion: 0, deleted: false, data: waiting.data, queuedAt: AT, sentAt: null };
  await v4.table('outbox').add(op);
  const refused = { ...synced, id: newId(), version: 2 };
  await v4.table('accompaniments').add(refused);
  await v4.table('syncIssues').add({
    opId: newId(),
    entity: 'accompaniment',
    id: refused.id,
    kind: 'rejected',
    fields: [],
    current: null,
    sent: { baseVersion: 2, deleted: false, data: refused.data },
    at: AT,
  });
  await v4.table('drafts').add({ key: 'accompaniment:new', value: { id: 'x' }, savedAt: AT });
  if (cursor !== null) await v4.table('meta').add({ key: CURSOR_KEY, value: cursor });
  await v4.table('meta').add({ key: 'device', value: { name: 'Anne' } });
  v4.close();
  return { synced, waiting, refused, op };
}

describe('upgrading to schema version 5', () => {
  it('keeps records, queue, refused changes and drafts, and pulls once more from the start', async () => {
    const name = `relais-v4-${newId()}`;
    const { synced, waiting, refused, op } = await v4Database(name, 'db0123456789abcd.1234');
    const db = new RelaisDB(name);
    await db.open();
    expect(db.verno).toBe(LATEST_SCHEMA_VERSION);
    expect(await loadCursor(db)).toBe('');
    expect(await db.accompaniments.get(synced.id)).toEqual(synced);
    expect(await db.accompaniments.get(waiting.id)).toEqual(waiting);
    expect(await db.outbox.toArray()).toEqual([{ ...op, seq: 1 }]);
    expect(await db.syncIssues.count()).toBe(1);
    expect(await db.drafts.count()).toBe(1);
    expect((await db.meta.get('device'))?.value).toEqual({ name: 'Anne' });
    // The new indexes work on the old rows.
    expect(await db.accompaniments.where('data.beneficiaryId').equals(newId()).count()).toBe(0);

    // The pull from the start: the record held at the same version is left as it is (same
    // revision), the busy ones are not overwritten, the person skipped so far is installed.
    const person = newId();
    await applyPulledPage(
      db,
      [
        pulled('accompaniment', synced.id, 3, synced.data),
        pulled('accompaniment', waiting.id, 1, accompaniment({ durationMinutes: 99 })),
        pulled('accompaniment', refused.id, 3, accompaniment({ durationMinutes: 99 })),
        pulled('beneficiary', person, 1, beneficiary()),
      ],
      'db0123456789abcd.1300',
      AT,
    );
    expect(await db.accompaniments.get(synced.id)).toEqual(synced);
    expect((await db.accompaniments.get(waiting.id))?.data.durationMinutes).toBe(20);
    expect(await db.accompaniments.get(refused.id)).toEqual(refused);
    expect((await db.serverCopies.toArray()).map((c) => [c.id, c.version]).sort()).toEqual(
      [
        [waiting.id, 1],
        [refused.id, 3],
      ].sort(),
    );
    expect(await db.outbox.count()).toBe(1);
    expect(await db.beneficiaries.get(person)).toMatchObject({ version: 1, data: beneficiary() });
    db.close();

    // Opening again does not restart the pull (the upgrade ran once).
    const again = new RelaisDB(name);
    await again.open();
    expect(await loadCursor(again)).toBe('db0123456789abcd.1300');
    again.close();
    await again.delete();
  });

  it('upgrades a tablet that never pulled without writing a cursor', async () => {
    const name = `relais-v4-${newId()}`;
    await v4Database(name, null);
    const db = new RelaisDB(name);
    await db.open();
    expect(await db.meta.get(CURSOR_KEY)).toBeUndefined();
    expect(await db.outbox.count()).toBe(1);
    await db.delete();
  });
});
