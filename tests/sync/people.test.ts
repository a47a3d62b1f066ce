// People, mandates and follow-ups through the real engine and the real server over HTTP: a tablet
// sends them and another gets them back; a tablet updated from schema version 4 (which skipped
// them when pulling) fetches them once, and sends the queue it held, losing nothing.
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { personPage } from '../../src/db/people';
import { LATEST_SCHEMA_VERSION, SCHEMA_V4 } from '../../src/db/schema';
import { newId, saveRecord } from '../../src/db/writes';
import { CURSOR_KEY, loadCursor } from '../../src/sync/cursor';
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

async function device(name: string, db?: RelaisDB) {
  const d = await enrolNewDevice(server, name, db);
  devices.push(d);
  return d;
}

/** Anne's person, with a mandate, a visit done on her behalf under it and a follow-up. */
async function followedPerson(anne: Device) {
  const ids = { person: newId(), mandate: newId(), visit: newId(), followup: newId() };
  await saveRecord('beneficiary', ids.person, beneficiary(), anne.db);
  await saveRecord('mandate', ids.mandate, mandate(ids.person, { signedOn: '2026-11-01', expiresOn: '2027-11-01' }), anne.db);
  const visit = accompaniment({
    permanenceId: null,
    placeType: 'agency',
    communeInsee: '34301',
    date: '2026-11-24',
    beneficiaryId: ids.person,
    anonymous: null,
  });
  await saveRecord('accompaniment', ids.visit, { ...visit, posture: 'fait_a_la_place', mandateId: ids.mandate }, anne.db);
  await saveRecord('followup', ids.followup, followup({ beneficiaryId: ids.person, accompanimentId: ids.visit }), anne.db);
  return ids;
}

describe('followed people through the sync', () => {
  it("reach the server and come back on Anne's other tablet", async () => {
    const anne = await device('Anne');
    const ids = await followedPerson(anne);
    const report = await anne.sync();
    expect(report).toMatchObject({ applied: 4, refused: 0 });
    expect(await anne.db.outbox.count()).toBe(0);

    const second = await device('Anne');
    await second.sync();
    const page = await personPage(ids.person, second.db);
    expect(page?.person.data).toEqual(beneficiary());
    expect(page?.visits.map((v) => v.id)).toEqual([ids.visit]);
    expect(page?.mandates.map((m) => [m.id, m.version])).toEqual([[ids.mandate, 1]]);
    expect(page?.openFollowups.map((f) => f.id)).toEqual([ids.followup]);
  });

  it('are fetched once by a tablet updated from version 4, which sends the queue it held', async () => {
    const anne = await device('Anne');
    const ids = await followedPerson(anne);
    await anne.sync();
    // What a version-4 tablet of Anne's held: her visit (the pull skipped the person, the mandate
    // and the follow-up), the cursor past all of them, and an entry logged offline since.
    const { cursor } = (await adminCall(server.base, 'GET', '/api/v1/sync/pull?limit=1000')) as { cursor: string };
    const name = `device-v4-${newId()}`;
    const old = new Dexie(name);
    old.version(4).stores(SCHEMA_V4);
    await old.open();
    const at = new Date().toISOString();
    const held = await anne.db.accompaniments.get(ids.visit);
    await old.table('accompaniments').add({ ...held, rev: 1 });
    const offline = { id: newId(), data: accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 25 }) };
    await old
      .table('accompaniments')
      .add({ entity: 'accompaniment', id: offline.id, version: 0, deleted: false, data: offline.data, createdAt: at, updatedAt: at, rev: 1 });
    await old
      .table('outbox')
      .add({ opId: newId(), entity: 'accompaniment', id: offline.id, baseVersion: 0, deleted: false, data: offline.data, queuedAt: at, sentAt: null });
    await old.table('meta').add({ key: CURSOR_KEY, value: cursor });
    old.close();

    const updated = await device('Anne', new RelaisDB(name));
    expect(updated.db.verno).toBe(LATEST_SCHEMA_VERSION);
    expect(await loadCursor(updated.db)).toBe('');
    const report = await updated.sync();
    expect(report).toMatchObject({ applied: 1, refused: 0 });
    expect(await updated.db.outbox.count()).toBe(0);
    expect((await updated.db.accompaniments.get(ids.visit))?.rev).toBe(1); // held at the same version: left alone
    const page = await personPage(ids.person, updated.db);
    expect(page?.mandates.map((m) => m.id)).toEqual([ids.mandate]);
    expect(page?.openFollowups.map((f) => f.id)).toEqual([ids.followup]);
    expect((await updated.db.accompaniments.get(offline.id))?.version).toBe(1);
    expect(await loadCursor(updated.db)).not.toBe('');
  });
});
