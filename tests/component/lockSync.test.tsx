// Sync runs only while the app is unlocked: a locked tablet sends nothing and keeps its queue;
// unlocking starts a run at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/db/database';
import { newId, saveRecord } from '../../src/db/writes';
import { parisDate } from '../../src/domain/dates';
import { saveCredentials } from '../../src/sync/credentials';
import { startScheduler, type Scheduler } from '../../src/sync/scheduler';
import { accompaniment } from '../unit/fixtures';
import { freshDatabase } from './helpers';

let scheduler: Scheduler | null = null;
beforeEach(freshDatabase);
afterEach(() => scheduler?.stop());

describe('sync and the lock', () => {
  it('a locked tablet calls no server and keeps its queue; once unlocked it syncs', async () => {
    await saveCredentials(db, { deviceId: 'd', token: 't', role: 'mediator', name: 'Anne', label: 'Tablette', enrolledAt: new Date().toISOString() });
    await saveRecord('accompaniment', newId(), accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: parisDate(new Date()) }));
    let unlocked = false;
    const fetch = vi.fn(async () => new Response(JSON.stringify({ error: 'offline' }), { status: 503 }));
    scheduler = startScheduler(db, { baseUrl: 'http://relais.test', fetch, canSync: () => unlocked });
    await scheduler.syncNow();
    window.dispatchEvent(new Event('online'));
    await new Promise((r) => setTimeout(r, 50));
    expect(fetch).not.toHaveBeenCalled();
    expect(await db.outbox.count()).toBe(1);

    unlocked = true;
    await scheduler.syncNow();
    expect(fetch).toHaveBeenCalled();
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toMatch(/^http:\/\/relais\.test\/api\/v1\//);
    expect(await db.outbox.count()).toBe(1); // the server failed: still queued
  });
});
