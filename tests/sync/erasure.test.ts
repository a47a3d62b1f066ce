// Erasing a person (README "Her rights") through the real engine and the real server over HTTP:
// once the coordinator erases her, every tablet that syncs drops her record, her mandates and
// follow-ups, its waiting and refused changes of them, kept server copies and drafts — no store of
// the tablet holds her name any more, and her search entry is gone — while her visits stay,
// without their free text, and the tallies count the same.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { buildPeopleIndex } from '../../src/db/peopleIndex';
import { newId, saveRecord } from '../../src/db/writes';
import { accompaniment } from '../unit/fixtures';
import { beneficiary, followup, mandate } from '../unit/peopleFixtures';
import { adminCall, enrolNewDevice, startServer, type Device, type Server } from './harness';

let server: Server;
const devices: Device[] = [];
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
  await server.close();
});

async function device(name: string, role: 'mediator' | 'coordinator' = 'mediator') {
  const d = await enrolNewDevice(server, name, undefined, role);
  devices.push(d);
  return d;
}

const SECRETS = ['Quintard', 'Zoé', '06 11 22 33 44', 'Sa fille l’aide', 'Classeur rouge', 'APL de Zoé', 'Relancer la CAF', 'Voir avec sa fille'];

/** Every row of every table of a tablet's database, as one text. */
async function everything(db: RelaisDB): Promise<string> {
  const rows = await Promise.all(db.tables.map((t) => t.toArray()));
  return JSON.stringify(rows);
}

describe('erasing a person reaches every tablet', () => {
  it('leaves no trace of her name on a second tablet, even with a change of her waiting there, and keeps the tallies', async () => {
    const anne = await device('Anne');
    const ids = { person: newId(), mandate: newId(), visit: newId(), followup: newId() };
    const zoe = beneficiary({ firstName: 'Zoé', lastName: 'Quintard', phone: '06 11 22 33 44', noPhone: false, note: 'Sa fille l’aide' });
    await saveRecord('beneficiary', ids.person, zoe, anne.db);
    await saveRecord(
      'mandate',
      ids.mandate,
      mandate(ids.person, { signedOn: '2026-11-01', expiresOn: '2027-11-01', paperLocation: 'Classeur rouge' }),
      anne.db,
    );
    const visit = accompaniment({
      permanenceId: null,
      placeType: 'agency',
      communeInsee: '34301',
      date: '2026-11-24',
      beneficiaryId: ids.person,
      anonymous: null,
    });
    await saveRecord('accompaniment', ids.visit, { ...visit, posture: 'fait_a_la_place', mandateId: ids.mandate, note: 'APL de Zoé' }, anne.db);
    await saveRecord('followup', ids.followup, followup({ beneficiaryId: ids.person, label: 'Relancer la CAF' }), anne.db);
    expect(await anne.sync()).toMatchObject({ applied: 4, refused: 0 });

    // Anne's second tablet and the coordinator's hold her; the second tablet edits her offline and keeps a draft.
    const second = await device('Anne');
    const coline = await device('Coline', 'coordinator');
    await second.sync();
    await coline.sync();
    expect(await everything(second.db)).toContain('Quintard');
    await saveRecord('beneficiary', ids.person, { ...zoe, note: 'Voir avec sa fille' }, second.db);
    await saveDraft(`person:${ids.person}`, { id: ids.person, firstName: 'Zoé', lastName: 'Quintard' }, second.db);
    expect(await second.db.outbox.count()).toBe(1);

    const tallyBefore = await adminCall(server.base, 'GET', '/api/v1/tallies?week=2026-W48');
    const erased = await adminCall(server.base, 'POST', `/api/v1/beneficiaries/${ids.person}/erase`);
    expect(erased.counts).toMatchObject({ people: 1, mandates: 1, followups: 1, accompaniments: 1 });

    // The second tablet's waiting change is refused for good, then the pull drops everything of her.
    const report = await second.sync();
    expect(report.refused).toBe(1);
    const held = await everything(second.db);
    for (const secret of SECRETS) expect(held).not.toContain(secret);
    expect(await second.db.beneficiaries.get(ids.person)).toBeUndefined();
    expect(await second.db.mandates.get(ids.mandate)).toBeUndefined();
    expect(await second.db.followups.get(ids.followup)).toBeUndefined();
    expect(await second.db.outbox.count()).toBe(0);
    expect(await second.db.syncIssues.count()).toBe(0);
    expect(buildPeopleIndex(await second.db.beneficiaries.toArray()).search('quin')).toEqual([]);
    // Her visit stays (it is counted), with its opaque person id and without its note.
    expect((await second.db.accompaniments.get(ids.visit))?.data).toMatchObject({ beneficiaryId: ids.person, note: null, mandateId: ids.mandate });

    // The coordinator's tablet and the first one likewise.
    for (const d of [coline, anne]) {
      await d.sync();
      const text = await everything(d.db);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
    }
    // A tablet enrolled afterwards never receives her.
    const third = await device('Anne');
    await third.sync();
    expect(await everything(third.db)).not.toContain('Quintard');
    expect(await third.db.accompaniments.get(ids.visit)).toBeDefined();

    expect(await adminCall(server.base, 'GET', '/api/v1/tallies?week=2026-W48')).toEqual(tallyBefore);
  });
});
