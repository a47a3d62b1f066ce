// A hand-over puts a new data key in memory that no code wraps until the new user chooses hers:
// nothing syncs under it meanwhile, and if a reload loses it, what was sealed under it is dropped
// (with the pull cursor) when she chooses her code, so every table stays readable.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { newDataKey } from '../../src/crypto/cipher';
import { currentDataKey, isKeyWrapped, setDataKey } from '../../src/crypto/keySession';
import { createVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { PULL_CURSOR_KEY } from '../../src/db/schema';
import { newId, saveRecord } from '../../src/db/writes';
import { setFirstCode, useLock } from '../../src/platform/lock';
import { canSync } from '../../src/platform/syncRuntime';
import { accompaniment } from './fixtures';

let db: RelaisDB;
const initial = currentDataKey();
beforeEach(async () => {
  db = new RelaisDB(`lost-key-${newId()}`);
  await db.open();
});
afterEach(() => {
  setDataKey(initial);
  useLock.setState({ ready: false });
  db.close();
});

it('does not sync with a hand-over key no code wraps yet, and does once her code wraps it', async () => {
  const handOverKey = await newDataKey();
  setDataKey(handOverKey, { wrapped: false });
  useLock.setState({ ready: true }); // the lock gate has not noticed the hand-over yet
  expect(isKeyWrapped()).toBe(false);
  expect(canSync()).toBe(false);
  await setFirstCode('12345678', db);
  expect(currentDataKey()).toBe(handOverKey);
  expect(canSync()).toBe(true);
});

it('rows sealed under a hand-over key lost by a reload are dropped with the pull cursor when she chooses her code', async () => {
  const handOverKey = await newDataKey();
  setDataKey(handOverKey, { wrapped: false });
  const lost = newId();
  await saveRecord('accompaniment', lost, accompaniment({ note: 'pulled with the hand-over key' }), db);
  await saveDraft('accompaniment:new', { state: { note: 'typed' } }, db);
  await db.meta.put({ key: PULL_CURSOR_KEY, value: '42' });
  // Reload before she chose her code: the key is gone.
  setDataKey(null);
  await setFirstCode('12345678', db);
  await expect(db.accompaniments.toArray()).resolves.toEqual([]);
  await expect(db.outbox.toArray()).resolves.toEqual([]);
  await expect(db.drafts.toArray()).resolves.toEqual([]);
  expect(await db.meta.get(PULL_CURSOR_KEY)).toBeUndefined();
  // Reference data (never sealed) stays.
  expect(await db.relays.count()).toBeGreaterThan(0);
});

it('another tab, told of the hand-over, drops the previous user’s key at once (it can never wrap it)', async () => {
  const previous = await newDataKey();
  setDataKey(previous);
  useLock.setState({ ready: true });
  const otherTab = new BroadcastChannel('relais-lock');
  otherTab.postMessage('handover');
  await vi.waitFor(() => expect(currentDataKey()).toBeNull());
  expect(useLock.getState().ready).toBe(false);
  otherTab.close();
});

it('a tab choosing a first code after another tab already set one drops nothing (those rows are not under a lost key)', async () => {
  const key = await newDataKey();
  await createVault(db, '482913', key); // the other tab chose her code
  setDataKey(key);
  const kept = newId();
  await saveRecord('accompaniment', kept, accompaniment({ note: 'sealed under the vault key' }), db);
  setDataKey(null); // this tab never had the key
  await expect(setFirstCode('12345678', db)).rejects.toThrow();
  setDataKey(key);
  expect((await db.accompaniments.get(kept))?.data.note).toBe('sealed under the vault key');
});
