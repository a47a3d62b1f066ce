// Opens a database written by schema version 1 (as shipped) with the current app database.
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { LATEST_SCHEMA_VERSION, SCHEMA_V1 } from '../../src/db/schema';
import { accompaniment } from './fixtures';

describe('database migrations', () => {
  it('upgrades a version 1 database without losing records, outbox or drafts', async () => {
    const name = 'relais-migration-test';
    const v1 = new Dexie(name);
    v1.version(1).stores(SCHEMA_V1);
    await v1.open();
    const record = {
      entity: 'accompaniment',
      id: 'a1a1a1a1-0000-4000-8000-000000000001',
      version: 0,
      deleted: false,
      data: accompaniment(),
      updatedAt: '2026-11-20T10:00:00.000Z',
    };
    await v1.table('accompaniments').add(record);
    await v1.table('outbox').add({
      opId: 'op-1',
      entity: 'accompaniment',
      id: record.id,
      baseVersion: 0,
      deleted: false,
      data: record.data,
      queuedAt: record.updatedAt,
      sentAt: null,
    });
    await v1.table('drafts').add({ key: 'accompaniment:new', value: { id: 'x', state: { note: 'en cours' } }, savedAt: record.updatedAt });
    v1.close();

    const current = new RelaisDB(name);
    await current.open();
    expect(current.verno).toBe(LATEST_SCHEMA_VERSION);
    const upgraded = await current.accompaniments.get(record.id);
    expect(upgraded).toMatchObject({ ...record, createdAt: record.updatedAt });
    // The new indexes work on the old rows.
    expect(await current.accompaniments.orderBy('createdAt').first()).toMatchObject({ id: record.id });
    expect(await current.outbox.where('[entity+id]').equals(['accompaniment', record.id]).count()).toBe(1);
    expect((await current.drafts.get('accompaniment:new'))?.value).toEqual({ id: 'x', state: { note: 'en cours' } });
    expect(await current.meta.count()).toBe(0);
    expect(await current.syncIssues.count()).toBe(0);
    current.close();
  });
});
