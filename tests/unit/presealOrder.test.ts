// A draft is sealed ahead as it is typed (useAutosave → presealRows), so the write made as the
// page goes away needs no Web Crypto call. Two keystrokes' seals may finish in either order: the
// later value's blob must stay the one kept, or that write would wait for Web Crypto again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setDataKey } from '../../src/crypto/keySession';
import { createVault } from '../../src/crypto/keys';
import { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { presealRows } from '../../src/db/sealing/middleware';

let db: RelaisDB;
let n = 0;
beforeEach(async () => {
  db = new RelaisDB(`preseal-${n++}`);
  await db.open();
  setDataKey(await createVault(db, '482913'));
});
afterEach(() => {
  vi.restoreAllMocks();
  setDataKey(null);
});

describe('sealing ahead', () => {
  it('keeps the later keystroke’s blob when the earlier one finishes sealing last', async () => {
    const key = 'accompaniment:new';
    await saveDraft(key, { note: 'a' }, db); // codecs loaded, the draft exists
    const encrypt = crypto.subtle.encrypt.bind(crypto.subtle);
    let calls = 0;
    const spy = vi.spyOn(crypto.subtle, 'encrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['encrypt']>) => {
      // The first keystroke's seal is slow: it finishes after the second one's.
      if (calls++ === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      return encrypt(...args);
    });
    const first = presealRows([{ store: 'drafts', row: { key, value: { note: 'ab' } } }]);
    const second = presealRows([{ store: 'drafts', row: { key, value: { note: 'abc' } } }]);
    await Promise.all([first, second]);
    spy.mockClear();
    // The write of the latest value, as on pagehide: no Web Crypto call.
    await saveDraft(key, { note: 'abc' }, db);
    expect(spy).not.toHaveBeenCalled();
    expect((await db.drafts.get(key))?.value).toEqual({ note: 'abc' });
  });
});
