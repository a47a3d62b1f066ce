// What waits on the tablet (queued or refused changes, and form drafts) is never wiped: not by the
// 10th wrong code, not by « Oublier cette tablette »; and « Changer le code » counts wrong old codes
// under the same policy as the lock screen.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { currentDataKey, setDataKey } from '../../src/crypto/keySession';
import { createVault, openVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { describeUnsent, unsentWork, UnsentWorkError } from '../../src/db/wipe';
import { newId } from '../../src/db/writes';
import { unlock } from '../../src/platform/lock';
import { changeCode, forgetTablet } from '../../src/platform/lockChanges';
import { loadAttempts } from '../../src/platform/lockAttempts';

let db: RelaisDB;
const initial = currentDataKey();
beforeEach(async () => {
  db = new RelaisDB(`unsent-${newId()}`);
  await db.open();
});
afterEach(() => {
  setDataKey(initial);
  db.close();
});

it('ten wrong codes with only a half-typed visit waiting keep it (its draft)', async () => {
  await createVault(db, '482913', currentDataKey()!);
  await saveDraft('accompaniment:new', { state: { note: 'Mme X, rappeler la CAF' } }, db);
  setDataKey(null);
  let t = Date.now();
  let last;
  for (let i = 0; i < 10; i++) {
    t += 10 * 60_000; // wait out each delay
    last = await unlock(`00000${i}`, db, () => t);
  }
  expect(last!.kind).not.toBe('wiped');
  expect(await db.drafts.count()).toBe(1);
});

it('« Oublier cette tablette » is refused while a draft waits, and says what waits', async () => {
  await createVault(db, '482913', currentDataKey()!);
  await saveDraft('accompaniment:new', { state: { note: 'Mme X' } }, db);
  await expect(forgetTablet(db)).rejects.toBeInstanceOf(UnsentWorkError);
  expect(await db.drafts.count()).toBe(1);
  expect(describeUnsent(await unsentWork(db))).toBe('1 brouillon');
  expect(describeUnsent({ changes: 2, drafts: 3 })).toBe('2 changements à envoyer, 3 brouillons');
});

it('« Changer le code » counts wrong old codes and slows them down like the lock screen', async () => {
  await createVault(db, '482913', currentDataKey()!);
  const t = Date.now();
  for (let i = 0; i < 3; i++) expect((await changeCode(`00000${i}`, 'le phare de Sète', db, () => t)).kind).toBe('wait');
  expect((await loadAttempts(db)).failures).toBe(3);
  expect((await changeCode('000009', 'le phare de Sète', db, () => t)).kind).toBe('wait');
  // The 5th try comes too soon: not even the right code is checked.
  expect(await changeCode('482913', 'le phare de Sète', db, () => t)).toEqual({ kind: 'tooSoon', waitSeconds: 5 });
  expect((await changeCode('482913', 'le phare de Sète', db, () => t + 6000)).kind).toBe('changed');
  expect((await loadAttempts(db)).failures).toBe(0);
  await openVault(db, 'le phare de Sète');
});
