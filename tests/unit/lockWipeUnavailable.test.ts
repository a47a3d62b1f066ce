// The 10th wrong code when the wipe's code cannot be loaded (its chunk gone with an update made in
// another tab): the tablet is blocked, never left open to more tries, and nothing is wiped.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { afterWrongCode, loadAttempts, MAX_WRONG_CODES } from '../../src/platform/lockAttempts';

vi.mock('../../src/db/wipe', () => {
  throw new Error('Failed to fetch dynamically imported module');
});

let db: RelaisDB;
beforeEach(async () => {
  db = new RelaisDB(`wipe-unavailable-${Math.random()}`);
  await db.open();
  await createVault(db, '482913');
});

describe('the 10th wrong code without the wipe', () => {
  it('blocks the tablet and keeps its data', async () => {
    await saveDraft('accompaniment:new', { typed: 'kept' }, db);
    const before = { failures: MAX_WRONG_CODES - 1, lastFailureAt: new Date().toISOString(), blocked: false };
    expect(await afterWrongCode(db, before)).toMatchObject({ kind: 'wait' }); // fetches it ahead, quietly
    const outcome = await afterWrongCode(db, { ...before, failures: MAX_WRONG_CODES });
    expect(outcome).toMatchObject({ kind: 'blocked', attempts: { blocked: true, failures: MAX_WRONG_CODES } });
    expect(await loadAttempts(db)).toMatchObject({ blocked: true });
    expect(await db.drafts.count()).toBe(1);
  });
});
