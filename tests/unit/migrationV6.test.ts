// Version 6 seals personal fields at rest with no store change: opening it must still tell a tab
// running the version before (which writes them in clear) to close its database, and keep every row.
import Dexie from 'dexie';
import { expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { LATEST_SCHEMA_VERSION, SCHEMA_V5 } from '../../src/db/schema';
import { newId } from '../../src/db/writes';
import { accompaniment } from './fixtures';

it('an open tab of version 5 is told to close when version 6 opens; its rows stay', async () => {
  const name = `v5-${newId()}`;
  const oldTab = new Dexie(name);
  oldTab.version(5).stores(SCHEMA_V5);
  await oldTab.open();
  const id = newId();
  const at = '2026-11-20T10:00:00.000Z';
  await oldTab.table('accompaniments').add({ entity: 'accompaniment', id, version: 1, deleted: false, data: accompaniment(), createdAt: at, updatedAt: at });
  let told = false;
  oldTab.on('versionchange', () => {
    told = true;
  });

  const db = new RelaisDB(name);
  await db.open();
  expect(db.verno).toBe(LATEST_SCHEMA_VERSION);
  expect(LATEST_SCHEMA_VERSION).toBeGreaterThan(5);
  expect(told).toBe(true);
  expect(oldTab.isOpen()).toBe(false);
  expect((await db.accompaniments.get(id))?.version).toBe(1);
  db.close();
});
