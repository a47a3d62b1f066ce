// Lists, counts and Bilan read rows as stored (no decryption): they must get no personal value in
// clear (the note, the referral note, the names stay sealed and come as null), while what they
// show stays readable, and screens that show a personal value (a visit's form, the people, the
// history search) still get it opened. A stored row written back with a personal value put into
// it is refused, and a read as stored never marks an enclosing transaction.
import { liveQuery } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentDataKey, setDataKey } from '../../src/crypto/keySession';
import { storedEntry } from '../../src/db/accompanimentSession';
import { RelaisDB } from '../../src/db/database';
import { allPeople } from '../../src/db/people';
import { accompanimentsBetween, allAccompanimentsOpened, permanencesBetween, reportRows } from '../../src/db/listQueries';
import { accompanimentsOn, readWithoutPersonal } from '../../src/db/queries';
import { readAsStored } from '../../src/db/sealing/middleware';
import { newId, saveRecord } from '../../src/db/writes';
import { accompaniment, permanence } from './fixtures';
import { beneficiary } from './peopleFixtures';
import { holds, rawRows } from './rawRows';

const NOTE = 'rappeler la CAF au sujet du RSA de Mme Quillebœuf';
const REFERRAL_NOTE = 'vue par l’assistante sociale de Mèze';
const PERMANENCE_NOTE = 'clé de la salle chez Mme Zéphyrine';
const FIRST = 'Zéphyrine';
const LAST = 'Quillebœuf';
const PHONE = '0611223344';
const SECRETS = [NOTE, REFERRAL_NOTE, PERMANENCE_NOTE, FIRST, LAST, PHONE];
const DAY = '2026-11-24';

let db: RelaisDB;
const key = currentDataKey()!;
let visit: string;
let person: string;
let perm: string;

beforeEach(async () => {
  db = new RelaisDB(`without-personal-${newId()}`);
  person = newId();
  perm = newId();
  visit = newId();
  await saveRecord('beneficiary', person, beneficiary({ firstName: FIRST, lastName: LAST, phone: PHONE, noPhone: false, birthYear: 1951 }), db);
  await saveRecord('permanence', perm, permanence({ date: DAY, note: PERMANENCE_NOTE }), db);
  await saveRecord(
    'accompaniment',
    visit,
    accompaniment({
      date: DAY,
      permanenceId: perm,
      beneficiaryId: person,
      anonymous: null,
      note: NOTE,
      outcome: 'orientee',
      referral: { target: 'aide_sociale', note: REFERRAL_NOTE },
    }),
    db,
  );
  await saveRecord('accompaniment', newId(), accompaniment({ date: DAY, permanenceId: perm }), db); // no note: nothing sealed
});
afterEach(() => {
  setDataKey(key);
  db.close();
});

describe('reads for lists, counts and Bilan (as stored)', () => {
  it('return no personal value in clear, and what the lists and tallies show', async () => {
    const week = await accompanimentsBetween('2026-11-23', '2026-11-29', db);
    const today = await accompanimentsOn(DAY, db);
    const perms = await permanencesBetween('2026-11-23', '2026-11-29', db);
    const report = await reportRows(db);
    for (const rows of [week, today, perms, report]) for (const secret of SECRETS) expect(holds(rows, secret), secret).toBe(false);

    const listed = week.find((r) => r.id === visit)!;
    expect(week).toHaveLength(2);
    expect(today.map((r) => r.id).sort()).toEqual(week.map((r) => r.id).sort());
    // What AccompanimentSummary shows is there; the personal fields are null.
    expect(listed.data).toMatchObject({
      date: DAY,
      procedures: [{ code: 'ameli_compte' }],
      posture: 'fait_avec',
      outcome: 'orientee',
      referral: { target: 'aide_sociale', note: null },
      durationMinutes: 30,
      note: null,
    });
    expect(perms[0].data).toMatchObject({ date: DAY, startTime: '09:00', communeInsee: '34157', note: null });
    // Bilan's demographics and links are there; names and phone are not.
    expect(report.people[0].data).toMatchObject({ birthYear: 1951, residenceInsee: '34157', firstName: null, lastName: null, phone: null });
    expect(report.accompaniments.find((r) => r.id === visit)!.data).toMatchObject({ beneficiaryId: person, permanenceId: perm, note: null });
    expect(report.permanences).toHaveLength(1);
  });

  it('work while locked (no key needed)', async () => {
    setDataKey(null);
    expect(await accompanimentsBetween('2026-11-23', '2026-11-29', db)).toHaveLength(2);
    expect((await reportRows(db)).people).toHaveLength(1);
  });

  it('leave the screens that show a personal value with it opened', async () => {
    await accompanimentsBetween('2026-11-23', '2026-11-29', db);
    expect((await storedEntry(visit, db))!.data).toMatchObject({ note: NOTE, referral: { target: 'aide_sociale', note: REFERRAL_NOTE } });
    expect((await allAccompanimentsOpened(db)).find((r) => r.id === visit)!.data.note).toBe(NOTE);
    expect((await allPeople(db))[0].data).toMatchObject({ firstName: FIRST, lastName: LAST, phone: PHONE });
    expect((await db.permanences.get(perm))!.data.note).toBe(PERMANENCE_NOTE);
  });

  it('follow the database in a live query, new rows coming as stored too', async () => {
    const seen: string[][] = [];
    const sub = liveQuery(() => accompanimentsBetween('2026-11-23', '2026-11-29', db)).subscribe((rows) => seen.push(rows.map((r) => r.data.note ?? '-')));
    await waitFor(() => seen.length === 1);
    await saveRecord('accompaniment', newId(), accompaniment({ date: '2026-11-25', note: `${NOTE} (bis)` }), db);
    await waitFor(() => seen.length === 2);
    sub.unsubscribe();
    expect(seen.map((s) => s.length)).toEqual([2, 3]);
    expect(seen.flat().every((n) => n === '-')).toBe(true);
  });

  it('a row read as stored and written back unchanged keeps its blob; with a personal value put back, it is refused', async () => {
    const stored = (await readAsStored(db, 'r', ['accompaniments'], () => db.accompaniments.get(visit)))!;
    expect(stored.data.note).toBeNull();
    await db.accompaniments.put(stored);
    expect((await storedEntry(visit, db))!.data.note).toBe(NOTE);

    const leaked = { ...stored, data: { ...stored.data, note: 'écrit en clair' } };
    await expect(db.accompaniments.put(leaked)).rejects.toThrow(/in clear/);
    const leakedPerson = (await readAsStored(db, 'r', ['beneficiaries'], () => db.beneficiaries.get(person)))!;
    await expect(db.beneficiaries.put({ ...leakedPerson, data: { ...leakedPerson.data, lastName: 'écrit en clair' } })).rejects.toThrow(/in clear/);
    const raw = await rawRows(db.name);
    expect(holds(raw, 'écrit en clair')).toBe(false);
    for (const secret of SECRETS) expect(holds(raw, secret), secret).toBe(false);
    expect((await storedEntry(visit, db))!.data.note).toBe(NOTE);
  });

  it('refuse to run inside another transaction, whose reads stay opened', async () => {
    const note = await db.transaction('r', ['accompaniments', 'meta'], async () => {
      await expect(readWithoutPersonal(db, ['accompaniments'], () => db.accompaniments.toArray())).rejects.toThrow(/inside another transaction/);
      return (await db.accompaniments.get(visit))!.data.note;
    });
    expect(note).toBe(NOTE);
  });
});

async function waitFor(done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}
