// Settling applied ops moves only ids and versions (src/sync/push.ts): the record and the later
// queued change are read and written back as stored. Their sealed personal values must come
// through whole — opened as typed, never left in clear at rest — and the later change must still
// be rebased on the version the server gave.
import { beforeEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { claimBatch, settleBatch } from '../../src/sync/push';
import { accompaniment } from './fixtures';
import { beneficiary } from './peopleFixtures';
import { holds, rawRows } from './rawRows';

const NOW = '2026-11-24T10:00:00.000Z';

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe('settling applied ops on sealed rows', () => {
  it('updates versions and rebases the later change without touching the sealed values', async () => {
    const person = newId();
    const visit = newId();
    await saveRecord('beneficiary', person, beneficiary({ firstName: 'Zéphyrine', note: 'Attend sa notification MDPH' }));
    await saveRecord('accompaniment', visit, accompaniment({ beneficiaryId: person, anonymous: null, note: 'Rappeler la préfecture' }));
    const batch = await claimBatch(db, NOW);
    expect(batch.map((o) => o.id)).toEqual([person, visit]);
    // Changed again while the push was out: a later op on the same base.
    await saveRecord('beneficiary', person, beneficiary({ firstName: 'Zéphyrine', note: 'Notification reçue' }));

    const tally = await settleBatch(
      db,
      batch,
      [
        { opId: batch[0].opId, status: 'applied', version: 1 },
        { opId: batch[1].opId, status: 'applied', version: 1 },
      ],
      NOW,
    );
    expect(tally).toEqual({ applied: 2, refused: 0 });

    expect(await db.beneficiaries.get(person)).toMatchObject({ version: 1, data: { firstName: 'Zéphyrine', note: 'Notification reçue' } });
    expect(await db.accompaniments.get(visit)).toMatchObject({ version: 1, data: { beneficiaryId: person, note: 'Rappeler la préfecture' } });
    const queued = await db.outbox.toArray();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ id: person, baseVersion: 1, data: { firstName: 'Zéphyrine', note: 'Notification reçue' } });

    const raw = await rawRows(db.name);
    expect(raw.beneficiaries).toHaveLength(1);
    for (const secret of ['Zéphyrine', 'Notification reçue', 'Rappeler la préfecture']) expect(holds(raw, secret), secret).toBe(false);
  });
});
