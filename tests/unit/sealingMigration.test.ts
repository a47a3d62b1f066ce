// The upgrade of a tablet holding clear personal values (written before the lock existed): the
// migration seals every store in place, survives an interruption, never loses a save made while
// it runs, and leaves no clear copy; reads accept both forms meanwhile.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { loadDraft, saveDraft } from '../../src/db/drafts';
import { afterFirstUnlock, SEALED_AT_REST_KEY } from '../../src/db/sealing/migrate';
import { sealingMiddleware } from '../../src/db/sealing/middleware';
import { sealClearRows } from '../../src/db/sealing/sealAll';
import { editBaseOf, newId, saveRecord } from '../../src/db/writes';
import { applyPulledPage } from '../../src/sync/pull';
import { accompaniment } from './fixtures';
import { beneficiary, pulled } from './peopleFixtures';
import { holds, rawRows } from './rawRows';

const NAMES = ['Zéphyrine', 'Anatole', 'Berthilde', 'Cunégonde', 'Dieudonné'];
const NOTE = 'attend la réponse de la CAF pour le RSA';

let name: string;
let ids: string[];

/** A tablet as the previous version left it: everything written in clear through the old path. */
async function legacyTablet(): Promise<void> {
  const legacy = new RelaisDB(name);
  legacy.unuse({ stack: 'dbcore', name: sealingMiddleware.name! });
  ids = [];
  for (const first of NAMES) {
    const id = newId();
    ids.push(id);
    await saveRecord('beneficiary', id, beneficiary({ firstName: first, note: NOTE }), legacy);
    await saveRecord('accompaniment', newId(), accompaniment({ beneficiaryId: id, anonymous: null, note: `${NOTE} (${first})` }), legacy);
  }
  await saveDraft('person:new', { firstName: 'Brouillonne', note: NOTE }, legacy);
  await applyPulledPage(legacy, [pulled('beneficiary', ids[0], 4, beneficiary({ firstName: NAMES[0], lastName: 'Serveur' }))], 'c', '2026-11-24T10:00:00.000Z');
  const raw = await rawRows(name);
  expect(holds(raw, NAMES[0]) && holds(raw, NOTE) && holds(raw, 'Brouillonne')).toBe(true);
  legacy.close();
}

let db: RelaisDB;
beforeEach(async () => {
  name = `legacy-${newId()}`;
  await legacyTablet();
  db = new RelaisDB(name);
});
afterEach(() => db.close());

const clearLeft = async () => {
  const raw = await rawRows(name);
  return [...NAMES, NOTE, 'Brouillonne', 'Serveur'].filter((n) => holds(raw, n));
};

describe('sealing a tablet that held clear data', () => {
  it('seals every store in place, and the app reads the same data before and after', async () => {
    const before = (await db.beneficiaries.toArray()).map((p) => p.data.firstName).sort();
    expect(before).toEqual([...NAMES].sort());
    await afterFirstUnlock(db);
    expect(await clearLeft()).toEqual([]);
    expect((await db.beneficiaries.toArray()).map((p) => p.data.firstName).sort()).toEqual(before);
    expect((await db.accompaniments.toArray()).every((a) => a.data.note!.startsWith(NOTE))).toBe(true);
    expect(await loadDraft('person:new', db)).toEqual({ firstName: 'Brouillonne', note: NOTE });
    expect((await db.outbox.toArray()).filter((o) => o.entity === 'beneficiary').map((o) => o.data.note)).toEqual(NAMES.map(() => NOTE));
    expect((await db.serverCopies.toArray())[0].data.lastName).toBe('Serveur');
    expect(await db.meta.get(SEALED_AT_REST_KEY)).toBeDefined();
    // Once done, the next unlocks only read the mark.
    await afterFirstUnlock(db);
  });

  it('resumes after an interruption: sealed rows are skipped, nothing is left in clear', async () => {
    let writes = 0;
    const crash = sealClearRows(db, {
      batch: 2,
      beforeWrite: () => {
        if (++writes === 2) throw new Error('tab closed');
      },
    });
    await expect(crash).rejects.toThrow('tab closed');
    const half = await clearLeft();
    expect(half.length).toBeGreaterThan(0);
    // Both forms are read meanwhile.
    expect((await db.beneficiaries.toArray()).map((p) => p.data.firstName).sort()).toEqual([...NAMES].sort());
    await afterFirstUnlock(db);
    expect(await clearLeft()).toEqual([]);
    expect((await db.beneficiaries.toArray()).map((p) => p.data.firstName).sort()).toEqual([...NAMES].sort());
  });

  it('never overwrites a save made between sealing a batch and writing it', async () => {
    let saved = false;
    await sealClearRows(db, {
      batch: 10,
      beforeWrite: async (table) => {
        if (table !== 'beneficiaries' || saved) return;
        saved = true;
        const her = (await db.beneficiaries.get(ids[1]))!;
        await saveRecord('beneficiary', ids[1], { ...her.data, firstName: 'Renommée' }, { db, base: editBaseOf(her) });
      },
    });
    expect(saved).toBe(true);
    expect((await db.beneficiaries.get(ids[1]))!.data.firstName).toBe('Renommée');
    expect((await db.outbox.where('[entity+id]').equals(['beneficiary', ids[1]]).toArray()).map((o) => o.data.firstName)).toEqual(['Renommée']);
    expect(await clearLeft()).toEqual([]);
    expect(holds(await rawRows(name), 'Renommée')).toBe(false);
  });
});
