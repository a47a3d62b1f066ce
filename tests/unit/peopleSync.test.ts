// People, mandates and follow-ups go through the one write path, the pull and the wipe like the
// other entities; records of an entity this version does not know are kept, never dropped.
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { pendingCount } from '../../src/db/queries';
import { wipeLocalData } from '../../src/db/wipe';
import { deleteRecord, newId, saveRecord } from '../../src/db/writes';
import { loadCursor } from '../../src/sync/cursor';
import { applyPulledPage } from '../../src/sync/pull';
import { beneficiary, followup, mandate, pulled } from './peopleFixtures';

const NOW = '2026-11-24T10:00:00.000Z';

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe('people, mandates and follow-ups on the write path', () => {
  it('queues an op for each save and each deletion, like the other entities', async () => {
    const person = newId();
    const m = newId();
    const f = newId();
    await saveRecord('beneficiary', person, beneficiary());
    await saveRecord('mandate', m, mandate(person));
    await saveRecord('followup', f, followup({ beneficiaryId: person }));
    const ops = await db.outbox.orderBy('seq').toArray();
    expect(ops.map((o) => [o.entity, o.id, o.baseVersion, o.deleted])).toEqual([
      ['beneficiary', person, 0, false],
      ['mandate', m, 0, false],
      ['followup', f, 0, false],
    ]);
    expect(await db.beneficiaries.get(person)).toMatchObject({ entity: 'beneficiary', version: 0, deleted: false, data: beneficiary() });

    // Sent (claimed), then deleted: a tombstone op of its own each.
    await db.outbox.toCollection().modify({ sentAt: NOW });
    await deleteRecord('followup', f);
    await deleteRecord('mandate', m);
    await deleteRecord('beneficiary', person);
    const tombstones = (await db.outbox.orderBy('seq').toArray()).slice(3);
    expect(tombstones.map((o) => [o.entity, o.deleted, o.data])).toEqual([
      ['followup', true, {}],
      ['mandate', true, {}],
      ['beneficiary', true, {}],
    ]);
    // The deleting device keeps its copy for undo.
    expect((await db.beneficiaries.get(person))?.data).toEqual(beneficiary());
  });

  it('refuses a person with a field the API does not list', async () => {
    const id = newId();
    await expect(saveRecord('beneficiary', id, { ...beneficiary(), nationality: 'x' } as never)).rejects.toMatchObject({ name: 'ValidationError' });
    expect(await pendingCount()).toBe(0);
  });
});

describe('pulling people, mandates and follow-ups', () => {
  it('installs them, and a newer version over an older one', async () => {
    const person = newId();
    const m = newId();
    const f = newId();
    await applyPulledPage(
      db,
      [
        pulled('beneficiary', person, 1, beneficiary()),
        pulled('mandate', m, 1, mandate(person)),
        pulled('followup', f, 2, followup({ beneficiaryId: person })),
      ],
      'c1',
      NOW,
    );
    expect(await db.beneficiaries.get(person)).toMatchObject({ version: 1, data: beneficiary() });
    expect(await db.mandates.get(m)).toMatchObject({ version: 1, data: mandate(person) });
    expect(await db.followups.get(f)).toMatchObject({ version: 2 });
    await applyPulledPage(db, [pulled('beneficiary', person, 2, beneficiary({ phone: '06 12 34 56 78', noPhone: false }))], 'c2', NOW);
    expect((await db.beneficiaries.get(person))?.data.phone).toBe('06 12 34 56 78');
    expect(await loadCursor(db)).toBe('c2');
    expect(await pendingCount()).toBe(0);
  });

  it('never overwrites a person with a change waiting: her server version is kept aside', async () => {
    const person = newId();
    await applyPulledPage(db, [pulled('beneficiary', person, 1, beneficiary())], 'c1', NOW);
    await saveRecord('beneficiary', person, beneficiary({ note: 'Préfère le matin' }));
    await applyPulledPage(db, [pulled('beneficiary', person, 2, beneficiary({ birthYear: 1961 }))], 'c2', NOW);
    expect((await db.beneficiaries.get(person))?.data).toMatchObject({ note: 'Préfère le matin', birthYear: 1960 });
    expect(await db.serverCopies.get(['beneficiary', person])).toMatchObject({ version: 2 });
  });

  it('keeps a record of an entity it does not know, at its newest version', async () => {
    const id = newId();
    const unknown = 'atelier'; // a made-up entity of a later server
    await applyPulledPage(db, [pulled(unknown, id, 3, { theme: 'Smartphone' }, { createdBy: 'Anne' })], 'c1', NOW);
    expect(await db.otherRecords.get([unknown, id])).toMatchObject({
      entity: unknown,
      id,
      version: 3,
      data: { theme: 'Smartphone' },
      createdBy: 'Anne',
      receivedAt: NOW,
    });
    await applyPulledPage(db, [pulled(unknown, id, 2, { theme: 'ancienne' })], 'c2', NOW);
    expect((await db.otherRecords.get([unknown, id]))?.version).toBe(3);
    await applyPulledPage(db, [{ entity: unknown, id, version: 4, deleted: true, data: {} } as never], 'c3', NOW);
    expect(await db.otherRecords.get([unknown, id])).toMatchObject({ version: 4, deleted: true });
    expect(await loadCursor(db)).toBe('c3');
    expect(await pendingCount()).toBe(0);
  });
});

describe('wiping the tablet', () => {
  it('clears people, mandates, follow-ups and unknown records, and keeps the reference data', async () => {
    const person = newId();
    await applyPulledPage(
      db,
      [
        pulled('beneficiary', person, 1, beneficiary()),
        pulled('mandate', newId(), 1, mandate(person)),
        pulled('followup', newId(), 1, followup()),
        pulled('atelier', newId(), 1, {}),
      ],
      'c1',
      NOW,
    );
    await wipeLocalData(db);
    expect([await db.beneficiaries.count(), await db.mandates.count(), await db.followups.count(), await db.otherRecords.count()]).toEqual([0, 0, 0, 0]);
    expect(await db.relays.count()).toBe(8);
    expect(await loadCursor(db)).toBe('');
  });

  it('refuses while a person waits to be sent', async () => {
    await saveRecord('beneficiary', newId(), beneficiary());
    await expect(wipeLocalData(db)).rejects.toMatchObject({ name: 'UnsentWorkError' });
    expect(await db.beneficiaries.count()).toBe(1);
  });
});
