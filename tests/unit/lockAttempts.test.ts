// Wrong codes are counted before the code is checked: codes fired at once (two tabs, a script in
// the page) wait their turn like codes typed one by one; a right code resets the count.
import { beforeEach, describe, expect, it } from 'vitest';
import { setDataKey } from '../../src/crypto/keySession';
import { createVault, loadVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { unlock } from '../../src/platform/lock';
import { ATTEMPTS_KEY, delayAfter, loadAttempts, MAX_WRONG_CODES, reserveAttempt, resetAttempts } from '../../src/platform/lockAttempts';
import { changeCode } from '../../src/platform/lockChanges';

let db: RelaisDB;
let n = 0;
beforeEach(async () => {
  db = new RelaisDB(`attempts-${n++}`);
  await db.open();
  await createVault(db, '482913');
  setDataKey(null);
});

describe('wrong codes', () => {
  it('slow down: 0, 0, 0, then 5 s, 15 s, 30 s, 1 min…', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(delayAfter)).toEqual([0, 0, 0, 5, 15, 30, 60]);
  });

  it('fired at once, only the tries allowed without waiting are checked; the others are told to wait', async () => {
    const outcomes = await Promise.all(['1', '2', '3', '4', '5', '6'].map((d) => unlock(`00000${d}`, db)));
    expect(outcomes.filter((o) => o.kind === 'wait')).toHaveLength(4);
    expect(outcomes.filter((o) => o.kind === 'tooSoon')).toHaveLength(2);
    expect((await loadAttempts(db)).failures).toBe(4);
    // Even the right code waits its turn, then resets the count.
    expect((await unlock('482913', db)).kind).toBe('tooSoon');
    const later = Date.now() + 6000;
    expect((await unlock('482913', db, () => later)).kind).toBe('open');
    expect((await loadAttempts(db)).failures).toBe(0);
  });

  it('while a 10th code is being checked in another tab, a try there waits and wipes nothing; the right code then opens', async () => {
    const start = Date.now();
    await db.meta.put({
      key: ATTEMPTS_KEY,
      value: { failures: MAX_WRONG_CODES - 1, lastFailureAt: new Date(start - 3_600_000).toISOString(), blocked: false },
    });
    // Tab A counts its 10th try and starts checking it (the right code, as it happens)…
    const reserved = await reserveAttempt(db, new Date(start));
    expect(reserved.ok).toBe(true);
    // …meanwhile tab B tries a code, and « Changer le code » is tried in a third.
    expect((await unlock('000000', db, () => start + 500)).kind).toBe('tooSoon');
    expect((await changeCode('000000', '135790', db, () => start + 500)).kind).toBe('tooSoon');
    expect(await loadVault(db)).toBeDefined();
    expect((await loadAttempts(db)).failures).toBe(MAX_WRONG_CODES);
    // A's check ends: the right code resets the count and the tablet opens with it.
    await resetAttempts(db);
    expect((await unlock('482913', db, () => start + 1000)).kind).toBe('open');
  });

  it('a 10th wrong code counted but not acted on (the tab died before the wipe) is finished at the next try, even with the right code', async () => {
    await db.meta.put({
      key: ATTEMPTS_KEY,
      value: { failures: MAX_WRONG_CODES, lastFailureAt: new Date(Date.now() - 3_600_000).toISOString(), blocked: false },
    });
    const outcome = await unlock('482913', db);
    expect(outcome.kind).toBe('wiped'); // nothing waited to be sent
    expect(await loadVault(db)).toBeUndefined();
  });
});
