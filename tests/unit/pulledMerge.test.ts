// A merge made on the coordinator's tablet, as the pull brings it (a page built by hand): the
// duplicate's tombstone names the survivor; her records this tablet still has to send are
// re-pointed through the write path; lookups of her id find the survivor.
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { idsOfPerson, personPage, resolvePerson, survivorId } from '../../src/db/people';
import { buildPeopleIndex } from '../../src/db/peopleIndex';
import { newId, saveRecord } from '../../src/db/writes';
import { applyPulledPage } from '../../src/sync/pull';
import { accompaniment } from './fixtures';
import { beneficiary, followup, mandate, pulled, pulledTombstone } from './peopleFixtures';

const NOW = '2026-11-24T10:00:00.000Z';
const visitOf = (beneficiaryId: string, date = '2026-11-20') => accompaniment({ beneficiaryId, anonymous: null, date });

let survivor: string;
let duplicate: string;

beforeEach(async () => {
  await db.delete();
  await db.open();
  survivor = newId();
  duplicate = newId();
  await applyPulledPage(
    db,
    [pulled('beneficiary', survivor, 1, beneficiary()), pulled('beneficiary', duplicate, 1, beneficiary({ firstName: 'Marie-Jo' }))],
    'c1',
    NOW,
  );
});

describe('a merge pulled from the server', () => {
  it('keeps the pointer on the tombstone and resolves the duplicate to the survivor', async () => {
    await applyPulledPage(db, [pulledTombstone('beneficiary', duplicate, 2, { mergedInto: survivor })], 'c2', NOW);
    const tombstone = await db.beneficiaries.get(duplicate);
    expect(tombstone).toMatchObject({ deleted: true, version: 2, mergedInto: survivor });
    expect(await survivorId(duplicate, db)).toBe(survivor);
    expect((await resolvePerson(duplicate, db))?.id).toBe(survivor);
    expect(await idsOfPerson(survivor, db)).toEqual([survivor, duplicate]);
    expect((await personPage(duplicate, db))?.person.id).toBe(survivor);
    expect(
      buildPeopleIndex(await db.beneficiaries.toArray())
        .search('marie')
        .map((p) => p.id),
    ).toEqual([survivor]);
  });

  it('re-points the waiting records that name the duplicate, through the write path', async () => {
    // Created offline (never sent), edited offline after a sync, and synced with nothing waiting.
    const newVisit = newId();
    await saveRecord('accompaniment', newVisit, visitOf(duplicate), db);
    const editedMandate = newId();
    await applyPulledPage(db, [pulled('mandate', editedMandate, 1, mandate(duplicate))], 'c2', NOW);
    await saveRecord('mandate', editedMandate, mandate(duplicate, { paperLocation: 'Bureau de Sète' }), db);
    const newFollowup = newId();
    await saveRecord('followup', newFollowup, followup({ beneficiaryId: duplicate }), db);
    await db.outbox.where('[entity+id]').equals(['followup', newFollowup]).modify({ sentAt: NOW }); // already claimed by a sync
    const syncedVisit = newId();
    await applyPulledPage(db, [pulled('accompaniment', syncedVisit, 1, visitOf(duplicate))], 'c3', NOW);

    await applyPulledPage(db, [pulledTombstone('beneficiary', duplicate, 2, { mergedInto: survivor })], 'c4', NOW);

    expect((await db.accompaniments.get(newVisit))?.data.beneficiaryId).toBe(survivor);
    expect((await db.mandates.get(editedMandate))?.data).toMatchObject({ beneficiaryId: survivor, paperLocation: 'Bureau de Sète' });
    expect((await db.followups.get(newFollowup))?.data.beneficiaryId).toBe(survivor);
    // The server re-versions what it holds; the pull brings it.
    expect((await db.accompaniments.get(syncedVisit))?.data.beneficiaryId).toBe(duplicate);
    const ops = await db.outbox.orderBy('seq').toArray();
    expect(ops.map((o) => [o.entity, o.id, o.baseVersion, (o.data as { beneficiaryId: string }).beneficiaryId, o.sentAt === null])).toEqual([
      ['accompaniment', newVisit, 0, survivor, true],
      ['mandate', editedMandate, 1, survivor, true],
      ['followup', newFollowup, 0, duplicate, false], // a claimed op is never touched…
      ['followup', newFollowup, 0, survivor, true], // …the re-pointing gets an op of its own
    ]);

    await applyPulledPage(db, [pulled('accompaniment', syncedVisit, 2, visitOf(survivor))], 'c5', NOW);
    const page = await personPage(survivor, db);
    expect(page?.visits.map((v) => v.id).sort()).toEqual([newVisit, syncedVisit].sort());
    expect(page?.mandates.map((m) => m.id)).toEqual([editedMandate]);
    expect(page?.openFollowups.map((f) => f.id)).toEqual([newFollowup]);
  });

  it('keeps the pointer when a change of the duplicate herself waits (her tombstone kept aside)', async () => {
    await saveRecord('beneficiary', duplicate, beneficiary({ firstName: 'Marie-Jo', note: 'Vient le mardi' }), db);
    await applyPulledPage(db, [pulledTombstone('beneficiary', duplicate, 2, { mergedInto: survivor })], 'c2', NOW);
    expect(await db.beneficiaries.get(duplicate)).toMatchObject({ deleted: false, mergedInto: survivor });
    expect(await db.serverCopies.get(['beneficiary', duplicate])).toMatchObject({ deleted: true, mergedInto: survivor });
    expect((await resolvePerson(duplicate, db))?.id).toBe(survivor);
  });

  it('follows a chain of merges, and treats a plain tombstone as a deletion', async () => {
    const third = newId();
    await applyPulledPage(
      db,
      [
        pulled('beneficiary', third, 1, beneficiary({ firstName: 'Marius' })),
        pulledTombstone('beneficiary', duplicate, 2, { mergedInto: survivor }),
        pulledTombstone('beneficiary', survivor, 2, { mergedInto: third }),
      ],
      'c2',
      NOW,
    );
    expect(await survivorId(duplicate, db)).toBe(third);
    expect((await idsOfPerson(third, db)).sort()).toEqual([third, survivor, duplicate].sort());
    await applyPulledPage(db, [pulledTombstone('beneficiary', third, 2)], 'c3', NOW);
    expect(await db.beneficiaries.get(third)).toMatchObject({ deleted: true });
    expect((await db.beneficiaries.get(third))?.mergedInto).toBeUndefined();
    expect(await resolvePerson(duplicate, db)).toBeUndefined();
  });

  it('ignores a pointer that is not a person id', async () => {
    await applyPulledPage(
      db,
      [pulledTombstone('beneficiary', duplicate, 2, { mergedInto: 'x' }), pulled('mandate', newId(), 1, mandate(duplicate), { mergedInto: survivor })],
      'c2',
      NOW,
    );
    expect((await db.beneficiaries.get(duplicate))?.mergedInto).toBeUndefined();
    expect(await survivorId(duplicate, db)).toBe(duplicate);
  });
});
