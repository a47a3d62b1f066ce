// Personal values at rest: after each kind of write, the raw IndexedDB rows (read without Dexie)
// hold no clear name or note; the app still reads them back in clear; a wrong key or a blob moved
// to another row does not open; a locked app refuses to read or write personal values.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newDataKey, openJson, SealError, type Sealed } from '../../src/crypto/cipher';
import { currentDataKey, LockedError, setDataKey } from '../../src/crypto/keySession';
import { RelaisDB } from '../../src/db/database';
import { loadDraft, saveDraft } from '../../src/db/drafts';
import { CODECS } from '../../src/db/sealing/codecs';
import { readAsStored } from '../../src/db/sealing/middleware';
import { newId, saveRecord } from '../../src/db/writes';
import { allPeople } from '../../src/db/people';
import { applyPulledPage } from '../../src/sync/pull';
import { accompaniment } from './fixtures';
import { holds, rawRows } from './rawRows';
import { beneficiary, pulled } from './peopleFixtures';

const NAME = 'Zéphyrine';
const LAST = 'Quillebœuf';
const NOTE = 'dossier MDPH en souffrance';

let db: RelaisDB;
const key = currentDataKey()!;
beforeEach(() => {
  db = new RelaisDB(`sealing-${newId()}`);
});
afterEach(() => {
  setDataKey(key);
  db.close();
});

describe('personal values at rest', () => {
  it('a saved person, visit, draft and outbox op leave no clear name or note in any store', async () => {
    const person = newId();
    await saveRecord('beneficiary', person, beneficiary({ firstName: NAME, lastName: LAST, note: NOTE, phone: '0611223344', noPhone: false }), db);
    await saveRecord('accompaniment', newId(), accompaniment({ beneficiaryId: person, anonymous: null, note: NOTE }), db);
    await saveDraft('person:new', { firstName: NAME, note: NOTE }, db);
    const raw = await rawRows(db.name);
    for (const needle of [NAME, LAST, NOTE, '0611223344']) expect(holds(raw, needle), needle).toBe(false);
    expect(raw.outbox).toHaveLength(2);
    // Non-personal fields stay readable for indexes and tallies.
    const stored = raw.beneficiaries[0] as { data: Record<string, unknown>; enc: Sealed };
    expect(stored.data).toMatchObject({ birthYear: 1960, residenceInsee: '34157', firstName: null, lastName: null });
    // The app reads them back in clear.
    expect((await allPeople(db))[0].data).toMatchObject({ firstName: NAME, lastName: LAST, note: NOTE });
    expect(await loadDraft('person:new', db)).toEqual({ firstName: NAME, note: NOTE });
    expect((await db.outbox.toArray()).map((o) => o.data.note)).toEqual([NOTE, NOTE]);
  });

  it('a blob does not open under another key, nor on another record', async () => {
    const [a, b] = [newId(), newId()];
    await saveRecord('beneficiary', a, beneficiary({ firstName: NAME }), db);
    await saveRecord('beneficiary', b, beneficiary({ firstName: 'Autre' }), db);
    const raw = (await rawRows(db.name)).beneficiaries as { id: string; enc: Sealed }[];
    const rowA = raw.find((r) => r.id === a)!;
    await expect(openJson(await newDataKey(), rowA.enc, CODECS.beneficiaries.aad(rowA))).rejects.toBeInstanceOf(SealError);
    // Move A's blob onto B (an attacker with write access to the disk): B no longer opens.
    await readAsStored(db, 'rw', ['beneficiaries'], async () => {
      const rowB = (await db.beneficiaries.get(b)) as unknown as { enc: Sealed };
      await db.beneficiaries.put({ ...rowB, enc: rowA.enc } as never);
    });
    await expect(db.beneficiaries.get(b)).rejects.toBeInstanceOf(SealError);
    expect((await db.beneficiaries.get(a))!.data.firstName).toBe(NAME);
  });

  it('reads marked as stored (tallies, counts) get the sealed rows, readable fields only, and work while locked', async () => {
    const person = newId();
    await saveRecord('beneficiary', person, beneficiary({ firstName: NAME, birthYear: 1977 }), db);
    setDataKey(null);
    const stored = await readAsStored(db, 'r', ['beneficiaries'], () => db.beneficiaries.toArray());
    expect(stored[0].data).toMatchObject({ firstName: null, birthYear: 1977 });
    expect(holds(stored, NAME)).toBe(false);
  });

  it('while locked, personal values can be neither read nor written; rows without any stay readable', async () => {
    const person = newId();
    await saveRecord('beneficiary', person, beneficiary({ firstName: NAME }), db);
    setDataKey(null);
    await expect(db.beneficiaries.get(person)).rejects.toBeInstanceOf(LockedError);
    await expect(saveRecord('beneficiary', newId(), beneficiary(), db)).rejects.toBeInstanceOf(LockedError);
    expect(await db.outbox.count()).toBe(1);
    expect((await db.relays.toArray()).length).toBeGreaterThan(0);
    setDataKey(key);
    expect((await db.beneficiaries.get(person))!.data.firstName).toBe(NAME);
  });

  it('kept sync issues, server copies of busy records and records of unknown entities are sealed too', async () => {
    const person = newId();
    await saveRecord('beneficiary', person, beneficiary({ firstName: NAME }), db);
    // The server's newer version of her arrives while her change waits: kept aside, sealed.
    await applyPulledPage(
      db,
      [pulled('beneficiary', person, 3, beneficiary({ firstName: NAME, lastName: LAST })), pulled('dossier', newId(), 1, { titre: NOTE })],
      'c1',
      '2026-11-24T10:00:00.000Z',
    );
    const op = (await db.outbox.toArray())[0];
    await db.syncIssues.put({
      opId: op.opId,
      entity: 'beneficiary',
      id: person,
      kind: 'rejected',
      fields: [{ path: 'note', message: `« ${NOTE} » est trop long` }],
      current: null,
      sent: { baseVersion: 0, deleted: false, data: op.data },
      at: '2026-11-24T10:00:00.000Z',
    });
    const raw = await rawRows(db.name);
    expect(raw.serverCopies).toHaveLength(1);
    expect(raw.otherRecords).toHaveLength(1);
    expect(raw.syncIssues).toHaveLength(1);
    for (const needle of [NAME, LAST, NOTE]) expect(holds(raw, needle), needle).toBe(false);
    expect((await db.serverCopies.toArray())[0].data.lastName).toBe(LAST);
    expect((await db.otherRecords.toArray())[0].data).toEqual({ titre: NOTE });
    const issue = (await db.syncIssues.toArray())[0];
    expect(issue.fields[0].message).toContain(NOTE);
    expect(issue.sent.data.firstName).toBe(NAME);
  });

  it('filtered and ordered reads (cursors) see opened rows; modify() writes them back sealed', async () => {
    for (let i = 0; i < 120; i++) {
      await saveRecord('accompaniment', newId(), accompaniment({ note: `${NOTE} ${i}`, date: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` }), db);
    }
    const newest = await db.accompaniments
      .orderBy('createdAt')
      .reverse()
      .filter((a) => !a.deleted && a.data.note!.endsWith('7'))
      .limit(3)
      .toArray();
    expect(newest.map((a) => a.data.note)).toEqual([`${NOTE} 117`, `${NOTE} 107`, `${NOTE} 97`]);
    const onThe5th = await db.accompaniments
      .where('data.date')
      .equals('2026-11-05')
      .filter((a) => a.data.note !== null)
      .toArray();
    expect(onThe5th).toHaveLength(5);
    expect(await db.accompaniments.filter((a) => a.data.note!.includes(NOTE)).count()).toBe(120);
    // modify() reads through a cursor and writes back: the note stays sealed, the change lands.
    await db.accompaniments
      .where('data.date')
      .equals('2026-11-05')
      .modify((a) => void (a.data.durationMinutes = 45));
    expect(holds(await rawRows(db.name), NOTE)).toBe(false);
    expect(
      (await db.accompaniments.where('data.date').equals('2026-11-05').toArray()).every((a) => a.data.durationMinutes === 45 && a.data.note!.startsWith(NOTE)),
    ).toBe(true);
  });
});
