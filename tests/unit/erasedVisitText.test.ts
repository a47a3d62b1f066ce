// An erased tombstone of a person reaching the tablet: her live visits stay (they are counted) but
// lose their free text everywhere this tablet keeps it: the row, the change waiting to be sent,
// the form draft of the visit, and a draft of a new visit naming her.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { newId, saveRecord } from '../../src/db/writes';
import type { ChangeRecord } from '../../src/domain/sync';
import { forgetErased } from '../../src/sync/erasure';
import { accompaniment } from './fixtures';
import { beneficiary } from './peopleFixtures';

let db: RelaisDB;
beforeEach(async () => {
  db = new RelaisDB(`erased-visits-${newId()}`);
  await db.open();
});
afterEach(() => db.close());

const everything = async () => JSON.stringify(await Promise.all(db.tables.map((t) => t.toArray())));

it('blanks her live visits’ notes, their waiting changes and drafts, and a new-visit draft naming her', async () => {
  const zoe = newId();
  const visit = newId();
  await saveRecord('beneficiary', zoe, beneficiary({ firstName: 'Zoé', lastName: 'Quintard' }), db);
  await saveRecord('accompaniment', visit, accompaniment({ beneficiaryId: zoe, anonymous: null, note: 'Zoé, 3 rue des Lilas' }), db);
  await saveDraft(`accompaniment:${visit}`, { id: visit, state: { beneficiaryId: zoe, note: 'Zoé, rue des Lilas, rappeler', referralNote: '' } }, db);
  await saveDraft('accompaniment:new', { id: newId(), state: { beneficiaryId: zoe, note: 'Lilas encore', referralNote: 'Lilas CAF' } }, db);
  await saveDraft('accompaniment:other', { id: newId(), state: { beneficiaryId: null, note: 'Garder ceci', referralNote: '' } }, db);
  expect(await everything()).toContain('Lilas');

  const tombstone = { entity: 'beneficiary', id: zoe, version: 2, deleted: true, data: {}, erased: true } as unknown as ChangeRecord;
  await forgetErased(db, tombstone);

  expect(await everything()).not.toContain('Lilas');
  const kept = await db.accompaniments.get(visit);
  expect(kept?.data).toMatchObject({ beneficiaryId: zoe, note: null });
  expect(await db.outbox.where('[entity+id]').equals(['accompaniment', visit]).count()).toBe(1);
  expect(((await db.drafts.get('accompaniment:new'))?.value as { state: object }).state).toMatchObject({ beneficiaryId: zoe, note: '' });
  expect(((await db.drafts.get('accompaniment:other'))?.value as { state: { note: string } }).state.note).toBe('Garder ceci');
});
