// Fault injection: the real client engine against the real server over HTTP. After each fault,
// server and device hold exactly the records the user saved, no more, no less.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelaisDB } from '../../src/db/database';
import { LATEST_SCHEMA_VERSION, SCHEMA_V1 } from '../../src/db/schema';
import { newId } from '../../src/db/writes';
import { SyncError } from '../../src/sync/api';
import { resend, takeServerVersion } from '../../src/sync/issues';
import { ADMIN } from '../server/helpers';
import { accompaniment } from '../unit/fixtures';
import { childStore } from '../server/engine';
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

async function device(name = 'Anne') {
  const d = await enrolNewDevice(server, name);
  devices.push(d);
  return d;
}

async function logMany(d: Device, n: number) {
  const expected = new Map<string, unknown>();
  for (let i = 0; i < n; i++) {
    const id = await d.log({ durationMinutes: 1 + (i % 600) });
    expected.set(id, (await d.db.accompaniments.get(id))!.data);
  }
  return expected;
}

describe('sync under faults', () => {
  it('syncs a normal day: everything arrives once, versions come back, the outbox empties', async () => {
    const anne = await device();
    const expected = await logMany(anne, 12);
    const report = await anne.sync();
    expect(report).toMatchObject({ applied: 12, refused: 0 });
    await expectExactly(server, anne, expected);
    expect((await anne.db.accompaniments.toArray()).every((r) => r.version === 1)).toBe(true);
    expect((await anne.db.relays.toArray()).every((r) => r.version === 1)).toBe(true);
  });

  it('recovers when the server fails in the middle of a batch (the batch is rolled back, then resent)', async () => {
    const anne = await device();
    const expected = await logMany(anne, 40);
    const repo = server.repo as unknown as { pushOne: (...args: unknown[]) => unknown };
    const original = repo.pushOne;
    // The disk fails from the 20th op on, for every request of this run (halves included).
    let calls = 0;
    repo.pushOne = function (this: unknown, ...args: unknown[]) {
      if (++calls >= 20) throw new Error('disk I/O error');
      return original.apply(this, args);
    };
    await expect(anne.sync()).rejects.toMatchObject({ kind: 'server' });
    expect((await serverAccompaniments(server)).size).toBe(0); // nothing half-applied
    expect(await anne.db.outbox.count()).toBe(40);
    expect(await anne.db.syncIssues.count()).toBe(0); // a failing server is not a bad record
    repo.pushOne = original;
    await anne.sync();
    await expectExactly(server, anne, expected);
  });

  it('recovers within the same run from a failure that does not come back', async () => {
    const anne = await device();
    const expected = await logMany(anne, 40);
    const repo = server.repo as unknown as { pushOne: (...args: unknown[]) => unknown };
    const original = repo.pushOne;
    let calls = 0;
    repo.pushOne = function (this: unknown, ...args: unknown[]) {
      if (++calls === 20) throw new Error('disk I/O error');
      return original.apply(this, args);
    };
    await anne.sync();
    repo.pushOne = original;
    await expectExactly(server, anne, expected);
    expect(await anne.db.syncIssues.count()).toBe(0);
  });

  it('does not duplicate when the answer is lost after the server committed', async () => {
    const anne = await device();
    const expected = await logMany(anne, 25);
    let lost = false;
    anne.fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!lost && input.includes('/sync/push')) {
        lost = true;
        throw new TypeError('connection reset');
      }
      return res;
    };
    await expect(anne.sync()).rejects.toMatchObject({ kind: 'offline' });
    expect(await anne.db.outbox.filter((o) => o.sentAt !== null).count()).toBe(25);
    const report = await anne.sync();
    expect(report.applied).toBe(25); // answered as duplicates
    await expectExactly(server, anne, expected);
    const [ops] = await server.sql("SELECT COUNT(*) AS n FROM ops WHERE status = 'applied'");
    expect(ops.n).toBe(25);
  });

  it('keeps an edit made while the answer of the first push was lost, without a conflict', async () => {
    const anne = await device();
    const id = await anne.log();
    anne.fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (input.includes('/sync/push')) throw new TypeError('connection reset');
      return res;
    };
    await expect(anne.sync()).rejects.toMatchObject({ kind: 'offline' });
    const { saveRecord } = await import('../../src/db/writes');
    const edited = accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 75 });
    await saveRecord('accompaniment', id, edited, anne.db);
    expect(await anne.db.outbox.count()).toBe(2); // the sent op is never rewritten
    anne.fetch = (input, init) => fetch(input, init);
    expect(await anne.sync()).toMatchObject({ applied: 2, refused: 0 });
    await expectExactly(server, anne, new Map([[id, edited]]));
    expect((await anne.db.accompaniments.get(id))?.version).toBe(2);
  });

  it('does not duplicate when the same batch is delivered twice at once', async () => {
    const anne = await device();
    const expected = await logMany(anne, 30);
    anne.fetch = async (input, init) => {
      if (!input.includes('/sync/push')) return fetch(input, init);
      const [a, b] = await Promise.all([fetch(input, init), fetch(input, init)]);
      await a.arrayBuffer();
      return b;
    };
    await anne.sync();
    await expectExactly(server, anne, expected);
    expect(await server.sql("SELECT COUNT(*) AS n FROM records WHERE entity = 'accompaniment'")).toEqual([{ n: 30 }]);
  });

  it('resolves two devices editing one record: nothing overwritten silently, both converge', async () => {
    const tablet1 = await device('Anne');
    const tablet2 = await device('Anne');
    const id = await tablet1.log();
    await tablet1.sync();
    await tablet2.sync();
    expect((await tablet2.db.accompaniments.get(id))?.data.durationMinutes).toBe(30);

    const { saveRecord } = await import('../../src/db/writes');
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 45 }), tablet1.db);
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 90 }), tablet2.db);
    expect(await tablet1.sync()).toMatchObject({ applied: 1, refused: 0 });
    expect(await tablet2.sync()).toMatchObject({ applied: 0, refused: 1 });

    const [issue] = await tablet2.db.syncIssues.toArray();
    expect(issue).toMatchObject({ kind: 'conflict', id, current: { version: 2, data: { durationMinutes: 45 } } });
    // The device kept its own edit, and the server kept the other one.
    expect((await tablet2.db.accompaniments.get(id))?.data.durationMinutes).toBe(90);
    expect((await serverAccompaniments(server)).get(id)).toMatchObject({ durationMinutes: 45 });

    await resend(tablet2.db, issue); // "Garder ma version"
    expect(await tablet2.sync()).toMatchObject({ applied: 1, refused: 0 });
    await tablet1.sync();
    expect((await tablet1.db.accompaniments.get(id))?.data.durationMinutes).toBe(90);
    await expectExactly(server, tablet1, await tablet2.alive());
    expect((await tablet1.db.accompaniments.get(id))?.version).toBe(3);
  });

  it('takes the server version when the user chooses it', async () => {
    const tablet1 = await device('Anne');
    const tablet2 = await device('Anne');
    const id = await tablet1.log();
    await tablet1.sync();
    await tablet2.sync();
    const { deleteRecord } = await import('../../src/db/writes');
    await deleteRecord('accompaniment', id, tablet1.db);
    await tablet1.sync();
    const { saveRecord } = await import('../../src/db/writes');
    await saveRecord('accompaniment', id, accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 60 }), tablet2.db);
    await tablet2.sync();
    const [issue] = await tablet2.db.syncIssues.toArray();
    expect(issue.current).toMatchObject({ deleted: true });
    await takeServerVersion(tablet2.db, issue);
    expect(await tablet2.db.syncIssues.count()).toBe(0);
    await expectExactly(server, tablet2, new Map());
  });

  it('is not confused by a device clock a year off', async () => {
    const ahead = await device('Anne');
    const behind = await device('Anne');
    const yearAhead = () => new Date(Date.now() + 365 * 86_400_000);
    const expected = await logMany(ahead, 5);
    await ahead.sync({ now: yearAhead });
    const id = await behind.log();
    expected.set(id, (await behind.db.accompaniments.get(id))!.data);
    await behind.sync({ now: () => new Date(Date.now() - 365 * 86_400_000) });
    await ahead.sync({ now: yearAhead });
    await behind.sync();
    await expectExactly(server, ahead, expected);
    await expectExactly(server, behind, expected);
  });

  it('keeps the queue on a 401 in the middle of a sync, and finishes after re-enrolment', async () => {
    const anne = await device();
    const expected = await logMany(anne, 30);
    let pushes = 0;
    anne.fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (input.includes('/sync/push') && ++pushes === 1) await adminCall(server.base, 'DELETE', `/api/v1/devices/${anne.deviceId}`);
      return res;
    };
    const error = await anne.sync({ batchSize: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).kind).toBe('auth');
    expect(await anne.db.outbox.count()).toBe(20);
    expect((await serverAccompaniments(server)).size).toBe(10);

    const { code } = await adminCall(server.base, 'POST', '/api/v1/enrolments', { role: 'mediator', name: 'anne' });
    const again = await (
      await fetch(`${server.base}/api/v1/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, label: 'T' }),
      })
    ).json();
    anne.token = again.token;
    anne.fetch = (input, init) => fetch(input, init);
    await anne.sync({ batchSize: 10 });
    await expectExactly(server, anne, expected);
  });

  it('sends a queue left by the previous app version after an update', async () => {
    const name = `device-update-${newId()}`;
    const old = new Dexie(name);
    old.version(1).stores(SCHEMA_V1);
    await old.open();
    const expected = new Map<string, unknown>();
    for (let i = 0; i < 3; i++) {
      const id = newId();
      const data = accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', durationMinutes: 20 + i });
      const at = new Date().toISOString();
      await old.table('accompaniments').add({ entity: 'accompaniment', id, version: 0, deleted: false, data, updatedAt: at });
      await old.table('outbox').add({ opId: newId(), entity: 'accompaniment', id, baseVersion: 0, deleted: false, data, queuedAt: at, sentAt: null });
      expected.set(id, data);
    }
    old.close();
    const anne = await enrolNewDevice(server, 'Anne', new RelaisDB(name));
    devices.push(anne);
    expect(anne.db.verno).toBe(LATEST_SCHEMA_VERSION);
    expect(await anne.db.outbox.count()).toBe(3);
    await anne.sync();
    await expectExactly(server, anne, expected);
  });
});

// A real process killed with SIGKILL while it handles a push, then started again on the same file.
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function spawnServer(port: number, dataDir: string, storeEnv: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      ...storeEnv,
      PORT: String(port),
      RELAIS_ADMIN_TOKEN: ADMIN,
      RELAIS_QUIET: '1',
      RELAIS_DIST_DIR: path.join(dataDir, 'no-dist'),
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('server did not start');
}

describe('sync when the server process dies', () => {
  it('loses nothing and duplicates nothing when the server is killed in the middle of a batch', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'relais-kill-'));
    const port = await freePort();
    const store = await childStore(dataDir);
    let child = await spawnServer(port, dataDir, store.env);
    const base = `http://127.0.0.1:${port}`;
    const real = { base, repo: null } as unknown as Server;
    try {
      const anne = await enrolNewDevice(real, 'Anne');
      devices.push(anne);
      const expected = new Map<string, unknown>();
      // Kill at several moments of the request: before, during and after the commit.
      for (const delayMs of [2, 10, 25, 50, 100]) {
        for (const [id, data] of await logMany(anne, 300)) expected.set(id, data);
        let killed = false;
        anne.fetch = async (input, init) => {
          const pending = fetch(input, init);
          if (!killed && input.includes('/sync/push')) {
            killed = true;
            await new Promise((r) => setTimeout(r, delayMs));
            child.kill('SIGKILL');
          }
          return pending;
        };
        await anne.sync().catch((e: unknown) => expect(e).toBeInstanceOf(SyncError));
        child = await spawnServer(port, dataDir, store.env);
        if (process.env.RELAIS_DEBUG)
          console.log(`killed after ${delayMs} ms; on the server before the retry:`, (await serverAccompaniments(real)).size, 'of', expected.size);
        anne.fetch = (input, init) => fetch(input, init);
        await anne.sync();
        const onServer = await serverAccompaniments(real);
        expect([...onServer.keys()].sort()).toEqual([...expected.keys()].sort());
        expect(await anne.db.outbox.count()).toBe(0);
      }
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 200)); // its connections close before the schema goes
      await store.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
