// The review's reproductions of lost or overwritten changes, each replayed with the real engine
// against the real server over HTTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { UnsentWorkError } from '../../src/db/wipe';
import { deleteRecord, editBaseOf, saveRecord, StaleEditError } from '../../src/db/writes';
import { createApi } from '../../src/sync/api';
import { loadCredentials } from '../../src/sync/credentials';
import { enrolThisTablet, sameUser } from '../../src/sync/enrolment';
import { syncOnce } from '../../src/sync/engine';
import { resend, takeServerVersion } from '../../src/sync/issues';
import { accompaniment } from '../unit/fixtures';
import { adminCall, enrolNewDevice, expectExactly, serverAccompaniments, startServer, type Device, type Server } from './harness';

let server: Server;
const devices: Device[] = [];
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
  await server.close();
});

async function tablet(name = 'Anne') {
  const d = await enrolNewDevice(server, name);
  devices.push(d);
  return d;
}

const data = (durationMinutes: number, note: string | null = null) =>
  accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes, note });

const code = async (name: string, role: 'mediator' | 'coordinator' = 'mediator') =>
  ((await adminCall(server.base, 'POST', '/api/v1/enrolments', { role, name })) as { code: string }).code;

/** Answers push requests that carry `id` with `status` (the server never sees them). */
function poison(d: Device, id: string, status: number) {
  const wrap = d.fetch;
  d.fetch = async (input, init) => {
    if (input.includes('/sync/push') && String(init?.body).includes(id)) {
      return new Response(JSON.stringify({ error: { code: 'x', message: 'Refusé.' } }), { status, headers: { 'content-type': 'application/json' } });
    }
    return wrap(input, init);
  };
}

describe('a change saved while a sync runs', () => {
  it('is sent after the batch that was already claimed, never dropped', async () => {
    const anne = await tablet();
    const id = await anne.log({ durationMinutes: 10 });
    let once = false;
    await anne.sync({
      pause: async (point) => {
        if (point === 'claimed' && !once) await saveRecord('accompaniment', id, data(20), anne.db);
        once = true;
      },
    });
    await anne.sync();
    await expectExactly(server, anne, new Map([[id, data(20)]]));
  });

  it('an "Annuler" of a new entry while its creation is being sent deletes it on the server too', async () => {
    const anne = await tablet();
    const id = await anne.log({ durationMinutes: 10 });
    let once = false;
    await anne.sync({
      pause: async (point) => {
        if (point === 'claimed' && !once) await deleteRecord('accompaniment', id, anne.db);
        once = true;
      },
    });
    await anne.sync();
    await expectExactly(server, anne, new Map());
    const other = await tablet();
    await other.sync();
    expect((await other.alive()).size).toBe(0); // it does not come back on another tablet
  });
});

describe('a busy record and the server’s newer versions', () => {
  it('"Prendre la version du serveur" installs the newest version, with its author', async () => {
    const anne = await tablet();
    const other = await tablet();
    const id = await anne.log({ durationMinutes: 10 });
    await anne.sync();
    await other.sync();
    await saveRecord('accompaniment', id, data(11, 'tablette A'), anne.db); // waits to be sent
    await saveRecord('accompaniment', id, data(12, 'tablette B, 1'), other.db);
    await other.sync();
    await anne.sync(); // conflict: the server has version 2
    await saveRecord('accompaniment', id, data(13, 'tablette B, 2'), other.db);
    await other.sync(); // version 3, which anne's pull sees while her change is refused
    await anne.sync();
    const [issue] = await anne.db.syncIssues.toArray();
    expect(issue.kind).toBe('conflict');
    await takeServerVersion(anne.db, issue);
    const local = await anne.db.accompaniments.get(id);
    expect(local).toMatchObject({ version: 3, data: data(13, 'tablette B, 2'), createdBy: 'Anne' });
    await anne.sync();
    await expectExactly(server, anne, new Map([[id, data(13, 'tablette B, 2')]]));
  });

  it('a record whose change was waiting catches up with the server once it is free', async () => {
    const anne = await tablet();
    const other = await tablet();
    const id = await anne.log({ durationMinutes: 10 });
    const second = await anne.log({ durationMinutes: 15 });
    await anne.sync();
    await other.sync();
    await saveRecord('accompaniment', second, data(16, 'B'), other.db);
    await other.sync();
    // Anne's push fails; her pull still runs and keeps the server's copy of her busy record aside.
    await saveRecord('accompaniment', second, data(17, 'A'), anne.db);
    poison(anne, second, 503);
    await expect(anne.sync()).rejects.toMatchObject({ kind: 'server' });
    expect(await anne.db.serverCopies.count()).toBe(1);
    anne.fetch = (i, init) => fetch(i, init);
    await anne.sync(); // her change conflicts with the copy's version: nothing overwritten
    const [issue] = await anne.db.syncIssues.toArray();
    expect(issue).toMatchObject({ kind: 'conflict', current: { version: 2, data: data(16, 'B') } });
    expect((await serverAccompaniments(server)).get(id)).toEqual(data(10));
  });
});

describe('a stale form', () => {
  it('saved on a version it never showed ends as a conflict, never as an overwrite', async () => {
    const anne = await tablet();
    const other = await tablet();
    const id = await anne.log({ durationMinutes: 10 });
    await anne.sync();
    await other.sync();
    const form = editBaseOf((await anne.db.accompaniments.get(id))!);
    await saveRecord('accompaniment', id, data(20, 'ailleurs'), other.db);
    await other.sync();
    await anne.sync(); // the newer version arrives while the form is open
    await expect(saveRecord('accompaniment', id, data(30, 'formulaire'), { db: anne.db, base: form })).rejects.toBeInstanceOf(StaleEditError);
    await saveRecord('accompaniment', id, data(30, 'formulaire'), { db: anne.db, base: form, overwriteStale: true });
    await anne.sync();
    expect((await serverAccompaniments(server)).get(id)).toEqual(data(20, 'ailleurs'));
    const [issue] = await anne.db.syncIssues.toArray();
    expect(issue).toMatchObject({ kind: 'conflict', sent: { baseVersion: 1, data: data(30, 'formulaire') }, current: { version: 2 } });
  });

  it('an edit saved while our own creation is acknowledged is no conflict', async () => {
    const anne = await tablet();
    const id = await anne.log({ durationMinutes: 10 });
    const form = editBaseOf((await anne.db.accompaniments.get(id))!); // opened before the sync
    await anne.sync();
    await saveRecord('accompaniment', id, data(25), { db: anne.db, base: form });
    await anne.sync();
    await expectExactly(server, anne, new Map([[id, data(25)]]));
  });
});

describe('one failing request never blocks the sync', () => {
  for (const status of [400, 413, 500]) {
    it(`isolates the one op answered ${status}, sends the rest, and still pulls`, async () => {
      const anne = await tablet();
      const other = await tablet();
      const fromOther = await other.log({ durationMinutes: 5 });
      await other.sync();
      const expected = new Map<string, unknown>();
      let bad = '';
      for (let i = 0; i < 9; i++) {
        const id = await anne.log({ durationMinutes: 30 + i });
        if (i === 4) bad = id;
        else expected.set(id, (await anne.db.accompaniments.get(id))!.data);
      }
      poison(anne, bad, status);
      const report = await anne.sync();
      expect(report).toMatchObject({ applied: 8, parked: 1 });
      const onServer = await serverAccompaniments(server);
      expect([...onServer.keys()].sort()).toEqual([...expected.keys(), fromOther].sort());
      expect(await anne.db.outbox.count()).toBe(0);
      const issues = await anne.db.syncIssues.toArray();
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ id: bad, kind: 'rejected' });
      expect(issues[0].fields[0].message).toMatch(/serveur/);
      expect(await anne.db.accompaniments.get(fromOther)).toBeDefined(); // the pull ran
      // Correcting it (a new save) queues it again; once the server takes it, all is there.
      anne.fetch = (i, init) => fetch(i, init);
      await saveRecord('accompaniment', bad, data(45), anne.db);
      await anne.sync();
      expect(await anne.db.syncIssues.count()).toBe(0);
      expect((await serverAccompaniments(server)).get(bad)).toEqual(data(45));
    });
  }

  it('pulls even when every push fails, and reports the push failure', async () => {
    const anne = await tablet();
    const other = await tablet();
    const fromOther = await other.log({ durationMinutes: 5 });
    await other.sync();
    const mine = await anne.log({ durationMinutes: 10 });
    poison(anne, mine, 503);
    await expect(anne.sync()).rejects.toMatchObject({ kind: 'server', status: 503 });
    expect(await anne.db.accompaniments.get(fromOther)).toBeDefined();
    expect(await anne.db.outbox.count()).toBe(1); // a server that is down is not a bad record
    expect(await anne.db.syncIssues.count()).toBe(0);
  });

  it('keeps the whole queue when the server fails every push: an outage is not a bad record', async () => {
    const anne = await tablet();
    for (let i = 0; i < 4; i++) await anne.log({ durationMinutes: 10 + i });
    const wrap = anne.fetch;
    anne.fetch = async (input, init) =>
      input.includes('/sync/push')
        ? new Response(JSON.stringify({ error: { code: 'internal', message: 'Erreur interne.' } }), {
            status: 500,
            headers: { 'content-type': 'application/json' },
          })
        : wrap(input, init);
    for (let run = 0; run < 4; run++) await expect(anne.sync()).rejects.toMatchObject({ kind: 'server', status: 500 });
    expect(await anne.db.outbox.count()).toBe(4);
    expect(await anne.db.syncIssues.count()).toBe(0);
  });

  it('keeps the whole queue when something that is not our server refuses the push (a proxy, a firewall)', async () => {
    const anne = await tablet();
    for (let i = 0; i < 3; i++) await anne.log({ durationMinutes: 10 + i });
    const wrap = anne.fetch;
    anne.fetch = async (input, init) => (input.includes('/sync/push') ? new Response('<html>Forbidden</html>', { status: 403 }) : wrap(input, init));
    await expect(anne.sync()).rejects.toMatchObject({ kind: 'refused', status: 403 });
    expect(await anne.db.outbox.count()).toBe(3);
    expect(await anne.db.syncIssues.count()).toBe(0);
  });

  it('does not park an op the server failed on once while the rest went through', async () => {
    const anne = await tablet();
    const ids = [await anne.log({ durationMinutes: 10 }), await anne.log({ durationMinutes: 11 })];
    const wrap = anne.fetch;
    let failed = 0;
    anne.fetch = async (input, init) => {
      if (input.includes('/sync/push') && String(init?.body).includes(ids[1]) && failed < 2) {
        failed++; // the whole batch, then the half holding it: a blip, not a bad record
        return new Response(JSON.stringify({ error: { code: 'internal', message: 'Erreur interne.' } }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      }
      return wrap(input, init);
    };
    await anne.sync();
    expect(await anne.db.syncIssues.count()).toBe(0);
    expect([...(await serverAccompaniments(server)).keys()].sort()).toEqual([...ids].sort());
  });
});

describe('enrolling the tablet again', () => {
  async function enrolled(name: string, role: 'mediator' | 'coordinator' = 'mediator') {
    const db = new RelaisDB(`enrol-${crypto.randomUUID()}`);
    await db.open();
    const { code } = await adminCall(server.base, 'POST', '/api/v1/enrolments', { role, name });
    await enrolThisTablet(db, { baseUrl: server.base, code, label: 'Tablette Mèze' });
    const credentials = (await loadCredentials(db))!;
    const sync = () => syncOnce({ db, api: createApi(server.base, credentials.token) });
    return { db, sync, close: () => db.delete() };
  }

  it('as another person wipes the previous user’s data and pulls the new user’s from the start', async () => {
    const helene = await tablet('Hélène');
    const hers = await helene.log({ durationMinutes: 50 });
    await helene.sync();
    const t = await enrolled('Anne');
    await saveRecord('accompaniment', crypto.randomUUID(), data(10, 'Anne'), t.db);
    await t.sync();
    expect(await t.db.meta.get('pullCursor')).toBeDefined();
    const outcome = await enrolThisTablet(t.db, { baseUrl: server.base, code: await code('Hélène'), label: 'Tablette Mèze' });
    expect(outcome.handedOver).toBe(true);
    expect(await t.db.accompaniments.count()).toBe(0);
    expect(await t.db.meta.get('pullCursor')).toBeUndefined();
    const credentials = (await loadCredentials(t.db))!;
    expect(credentials.name).toBe('Hélène');
    await syncOnce({ db: t.db, api: createApi(server.base, credentials.token) });
    expect((await t.db.accompaniments.toArray()).map((r) => r.id)).toEqual([hers]);
    expect(await t.db.relays.count()).toBeGreaterThan(0);
    await t.close();
  });

  it('as another person is refused while anything waits to be sent, and wipes nothing', async () => {
    const t = await enrolled('Anne');
    const id = crypto.randomUUID();
    await saveRecord('accompaniment', id, data(10, 'Anne'), t.db);
    await expect(enrolThisTablet(t.db, { baseUrl: server.base, code: await code('Bruno'), label: 'Tablette' })).rejects.toBeInstanceOf(UnsentWorkError);
    expect(await t.db.accompaniments.get(id)).toBeDefined();
    expect(await t.db.outbox.count()).toBe(1);
    expect((await loadCredentials(t.db))!.name).toBe('Anne');
    await t.close();
  });

  it('as the same person (another role is another user) keeps the queue', async () => {
    const t = await enrolled('Anne');
    const id = crypto.randomUUID();
    await saveRecord('accompaniment', id, data(10, 'Anne'), t.db);
    const outcome = await enrolThisTablet(t.db, { baseUrl: server.base, code: await code('anne'), label: 'Tablette' });
    expect(outcome.handedOver).toBe(false);
    expect(await t.db.outbox.count()).toBe(1);
    expect(sameUser({ name: 'Anne', role: 'mediator' }, { name: 'Anne', role: 'coordinator' })).toBe(false);
    expect(sameUser({ name: 'He\u0301le\u0300ne ', role: 'mediator' }, { name: 'hélène', role: 'mediator' })).toBe(true);
    await t.close();
  });
});

describe('a server restored from a backup', () => {
  it('makes the tablet pull from the start and send again what the restore lost; a lost change overwritten since is a conflict', async () => {
    const anne = await tablet();
    const other = await tablet();
    const [a, e] = [await anne.log({ durationMinutes: 10 }), await anne.log({ durationMinutes: 11 })];
    await anne.sync();
    await other.sync();
    const restoreBackup = await server.backup();
    // After the backup: a new entry and two edits, all acknowledged by the server, then lost.
    const c = await anne.log({ durationMinutes: 12 });
    await saveRecord('accompaniment', a, data(20, 'A, version perdue'), anne.db);
    await saveRecord('accompaniment', e, data(21, 'E, version perdue'), anne.db);
    await anne.sync();
    await restoreBackup();
    // On the restored server, the other tablet writes over `a` (its version 2 is not anne's).
    await saveRecord('accompaniment', a, data(30, 'A, autre tablette'), other.db);
    await expect(other.sync()).resolves.toMatchObject({ resent: 0 });

    const report = await anne.sync();
    expect(report.resent).toBe(2);
    const onServer = await serverAccompaniments(server);
    expect(onServer.get(c)).toEqual(data(12));
    expect(onServer.get(e)).toEqual(data(21, 'E, version perdue'));
    expect(onServer.get(a)).toEqual(data(30, 'A, autre tablette'));
    const [issue] = await anne.db.syncIssues.toArray();
    expect(issue).toMatchObject({ id: a, kind: 'conflict', sent: { data: data(20, 'A, version perdue') }, current: { version: 2 } });
    await resend(anne.db, issue);
    await anne.sync();
    await other.sync();
    expect((await serverAccompaniments(server)).get(a)).toEqual(data(20, 'A, version perdue'));
    expect(await other.alive()).toEqual(await anne.alive());
    expect(await anne.db.meta.get('resync')).toBeUndefined();
  });
});

describe('entries on another tablet', () => {
  it('keep the time they were recorded at, not the time they were pulled', async () => {
    const anne = await tablet();
    const other = await tablet();
    const before = new Date().toISOString();
    const id = await anne.log();
    await anne.sync();
    const after = new Date().toISOString();
    await other.sync({ now: () => new Date('2030-01-01T08:00:00Z') }); // pulled much later
    const pulled = (await other.db.accompaniments.get(id))!;
    expect(pulled.createdAt >= before && pulled.createdAt <= after).toBe(true);
  });
});

describe('a server restored from a backup, against other writers', () => {
  const restore = () => server.backup();
  const coordinator = async () => {
    const d = await enrolNewDevice(server, 'Chloé', undefined, 'coordinator');
    devices.push(d);
    return d;
  };

  it('a correction made on the restored server is never overwritten by a version the restore lost: conflict', async () => {
    const anne = await tablet();
    const chloe = await coordinator();
    const a = await anne.log({ durationMinutes: 10 });
    await anne.sync();
    const restored = await restore();
    await saveRecord('accompaniment', a, data(20, 'Anne v2'), anne.db);
    await anne.sync();
    await saveRecord('accompaniment', a, data(30, 'Anne v3'), anne.db);
    await anne.sync(); // versions 2 and 3, lost by the restore
    await restored();
    await chloe.sync();
    await saveRecord('accompaniment', a, data(45, 'Correction de la coordination'), chloe.db);
    await chloe.sync(); // version 2 on the restored server, written after the restore
    await anne.sync();
    expect((await serverAccompaniments(server)).get(a)).toEqual(data(45, 'Correction de la coordination'));
    const [issue] = await anne.db.syncIssues.toArray();
    expect(issue).toMatchObject({ id: a, kind: 'conflict', sent: { data: data(30, 'Anne v3') }, current: { version: 2 } });
  });

  it('a coordinator’s tablet never re-creates a mediator’s lost records as its own; her tablet resends them', async () => {
    const anne = await tablet();
    const chloe = await coordinator();
    await chloe.sync();
    const restored = await restore();
    const lost = await anne.log({ durationMinutes: 10 });
    await anne.sync();
    await chloe.sync(); // the coordinator's tablet holds it too
    await restored();
    await chloe.sync(); // the coordinator happens to sync first
    await anne.sync();
    const [owner] = await server.sql(`SELECT u.name FROM records r JOIN users u ON u.id = r.owner_id WHERE r.id = ?`, lost);
    expect(owner.name).toBe('Anne');
    expect(await anne.db.syncIssues.count()).toBe(0);
    expect(await chloe.db.syncIssues.count()).toBe(0);
    await chloe.sync();
    expect((await chloe.db.accompaniments.get(lost))?.version).toBe(1);
  });

  it('a mediator’s tablet takes the restored reference data, never resends it', async () => {
    const anne = await tablet();
    const relayId = crypto.randomUUID();
    const relay = (name: string) => ({ name, communeInsee: '34157', address: 'x', schedule: 'lundi', active: true });
    const push = (v: number, name: string) =>
      adminCall(server.base, 'POST', '/api/v1/sync/push', {
        ops: [{ opId: crypto.randomUUID(), entity: 'relay', id: relayId, baseVersion: v, deleted: false, data: relay(name) }],
      });
    await push(0, 'Relais v1');
    await anne.sync();
    const restored = await restore();
    await push(1, 'Relais v2');
    await anne.sync();
    await restored();
    await anne.sync();
    expect(await anne.db.syncIssues.count()).toBe(0);
    expect(await anne.db.outbox.count()).toBe(0);
    expect(await anne.db.relays.get(relayId)).toMatchObject({ version: 1, data: relay('Relais v1') });
  });

  it('a change waiting to be sent when the server was restored is sent on the restored version, no conflict', async () => {
    const anne = await tablet();
    const a = await anne.log({ durationMinutes: 10 });
    await anne.sync();
    const restored = await restore();
    await saveRecord('accompaniment', a, data(20, 'v2'), anne.db);
    await anne.sync(); // version 2, lost by the restore
    await restored();
    await saveRecord('accompaniment', a, data(30, 'v3 en attente'), anne.db);
    await anne.sync();
    expect(await anne.db.syncIssues.count()).toBe(0);
    expect((await serverAccompaniments(server)).get(a)).toEqual(data(30, 'v3 en attente'));
  });
});

describe('handing the tablet over while a sync runs', () => {
  it('never writes the previous user’s pulled records or cursor into the wiped tablet', async () => {
    const helene = await tablet('Hélène');
    const herOld = await helene.log({ durationMinutes: 20 });
    await helene.sync();
    const anneElsewhere = await tablet('Anne');
    const annes = await anneElsewhere.log({ durationMinutes: 50 });
    await anneElsewhere.sync();
    const db = new RelaisDB(`handover-${crypto.randomUUID()}`);
    await db.open();
    await enrolThisTablet(db, { baseUrl: server.base, code: await code('Anne'), label: 'T' });
    const anneToken = (await loadCredentials(db))!.token;
    const next = await code('Hélène');
    // Anne's sync is running; meanwhile Hélène enrols the tablet in Réglages.
    await expect(
      syncOnce({
        db,
        api: createApi(server.base, anneToken),
        pause: async (point) => {
          if (point === 'pulled' && (await loadCredentials(db))!.name === 'Anne') await enrolThisTablet(db, { baseUrl: server.base, code: next, label: 'T' });
        },
      }),
    ).rejects.toMatchObject({ kind: 'auth' });
    const hers = (await loadCredentials(db))!;
    expect(hers.name).toBe('Hélène');
    await syncOnce({ db, api: createApi(server.base, hers.token) });
    const ids = (await db.accompaniments.toArray()).map((r) => r.id);
    expect(ids).not.toContain(annes);
    expect(ids).toContain(herOld);
    db.close();
    await db.delete();
  });
});
