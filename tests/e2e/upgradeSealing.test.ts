// A tablet in use before the lock existed, in Chromium: its IndexedDB was written by schema v5
// (IndexedDB version 50) with names, notes, a draft and the device token in clear. The new
// version opens it, asks for a lock code (« Choisir un code de verrouillage »), seals every store
// in place, sends what waited (the server gets it whole), and once locked no store holds a clear
// name, note or token; unlocking shows her again.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { parisDate } from '../../src/domain/dates';
import { accompaniment } from '../unit/fixtures';
import { beneficiary } from '../unit/peopleFixtures';
import { E2E_LOCK_CODE, openTablet, rawDump, type Tablet } from './browser';

const baseUrl = inject('baseUrl');
const admin = { authorization: `Bearer ${inject('adminToken')}`, 'content-type': 'application/json' };
let tablet: Tablet;

beforeEach(async () => {
  tablet = await openTablet();
});
afterEach(async () => {
  await tablet.close();
});

/** Schema v5's stores as Dexie declared them (src/db/schema.ts SCHEMA_V5): keyPath, auto-increment, indexes. */
const V5_STORES: [string, string | string[], boolean, [string, string | string[], boolean][]][] = [
  [
    'permanences',
    'id',
    false,
    [
      ['data.date', 'data.date', false],
      ['data.status', 'data.status', false],
    ],
  ],
  [
    'accompaniments',
    'id',
    false,
    [
      ['data.date', 'data.date', false],
      ['data.permanenceId', 'data.permanenceId', false],
      ['createdAt', 'createdAt', false],
      ['data.beneficiaryId', 'data.beneficiaryId', false],
      ['data.mandateId', 'data.mandateId', false],
    ],
  ],
  ['relays', 'id', false, []],
  ['procedures', 'id', false, []],
  [
    'outbox',
    'seq',
    true,
    [
      ['opId', 'opId', true],
      ['[entity+id]', ['entity', 'id'], false],
    ],
  ],
  ['drafts', 'key', false, []],
  ['meta', 'key', false, []],
  ['syncIssues', 'opId', false, [['[entity+id]', ['entity', 'id'], false]]],
  ['serverCopies', ['entity', 'id'], false, []],
  ['beneficiaries', 'id', false, [['mergedInto', 'mergedInto', false]]],
  [
    'mandates',
    'id',
    false,
    [
      ['data.beneficiaryId', 'data.beneficiaryId', false],
      ['data.expiresOn', 'data.expiresOn', false],
    ],
  ],
  [
    'followups',
    'id',
    false,
    [
      ['data.beneficiaryId', 'data.beneficiaryId', false],
      ['data.communeInsee', 'data.communeInsee', false],
      ['data.dueOn', 'data.dueOn', false],
    ],
  ],
  ['otherRecords', ['entity', 'id'], false, []],
];

describe('a tablet written before the lock existed', () => {
  it('is sealed in place when its first lock code is set, sends what waited, and keeps no clear copy', async () => {
    const { page } = tablet;
    const mediator = `Médiatrice ${Date.now()}`;
    const { code } = (await (
      await fetch(`${baseUrl}/api/v1/enrolments`, { method: 'POST', headers: admin, body: JSON.stringify({ role: 'mediator', name: mediator }) })
    ).json()) as { code: string };
    const device = (await (
      await fetch(`${baseUrl}/api/v1/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, label: 'Tablette Mèze' }),
      })
    ).json()) as { deviceId: string; token: string; role: string; name: string };

    // What the previous version left: a person and her visit waiting to be sent, a draft, the token.
    const now = new Date().toISOString();
    const personId = randomUUID();
    const visitId = randomUUID();
    const person = beneficiary({ firstName: 'Zéphyrine', lastName: 'Quillebœuf', note: 'Attend sa notification MDPH' });
    // Dated today: the report's test counts the last complete week as its own.
    const visit = accompaniment({ date: parisDate(new Date()), beneficiaryId: personId, anonymous: null, note: 'Rappeler la préfecture mardi' });
    const record = (entity: string, id: string, data: object) => ({ entity, id, version: 0, deleted: false, data, createdAt: now, updatedAt: now, rev: 1 });
    const op = (entity: string, id: string, data: object) => ({
      opId: randomUUID(),
      entity,
      id,
      baseVersion: 0,
      deleted: false,
      data,
      queuedAt: now,
      sentAt: null,
    });
    const legacy = {
      beneficiaries: [record('beneficiary', personId, person)],
      accompaniments: [record('accompaniment', visitId, visit)],
      outbox: [op('beneficiary', personId, person), op('accompaniment', visitId, visit)],
      drafts: [{ key: 'person:new', value: { firstName: 'Brouillonne', note: 'Suivi RSA en cours' }, savedAt: now }],
      meta: [{ key: 'device', value: { ...device, label: 'Tablette Mèze', enrolledAt: now } }],
    };
    // Any page of the app's origin will do to write its database; the app itself must not run yet.
    await page.goto(`${baseUrl}/api/v1/health`);
    await page.evaluate(
      ({ stores, rows }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('relais', 50);
          open.onupgradeneeded = () => {
            for (const [name, keyPath, autoIncrement, indexes] of stores) {
              const store = open.result.createObjectStore(name, { keyPath, autoIncrement });
              for (const [index, path, unique] of indexes) store.createIndex(index, path, { unique });
            }
          };
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(Object.keys(rows), 'readwrite');
            for (const [name, list] of Object.entries(rows)) for (const row of list as object[]) tx.objectStore(name).put(row);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      { stores: V5_STORES, rows: legacy },
    );
    const before = await rawDump(page);
    for (const clear of ['Zéphyrine', 'Rappeler la préfecture', 'Brouillonne', device.token]) expect(before).toContain(clear);

    // The new version opens it: the lock code comes first, with the words for a tablet in use.
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Choisir un code de verrouillage' }).waitFor();
    await page.getByText('Relais protège désormais les données des personnes accompagnées').waitFor();
    await page.getByLabel('Code de verrouillage', { exact: true }).fill(E2E_LOCK_CODE);
    await page.getByLabel('Retapez le code').fill(E2E_LOCK_CODE);
    await page.getByRole('button', { name: 'Enregistrer le code' }).click();
    await page.getByRole('button', { name: 'Verrouiller' }).waitFor();

    // What waited reaches the server whole (opened from its sealed copy with the new key).
    await expect
      .poll(
        async () => {
          const pulled = (await (await fetch(`${baseUrl}/api/v1/sync/pull?since=`, { headers: admin })).json()) as { changes: { id: string; data: object }[] };
          return [personId, visitId].map((id) => pulled.changes.find((c) => c.id === id)?.data);
        },
        { timeout: 20_000 },
      )
      .toMatchObject([
        { firstName: 'Zéphyrine', lastName: 'Quillebœuf', note: 'Attend sa notification MDPH' },
        { beneficiaryId: personId, note: 'Rappeler la préfecture mardi' },
      ]);
    // The migration marks its end once nothing is left in clear.
    await expect.poll(async () => (await rawDump(page)).includes('"sealedAtRest"'), { timeout: 20_000 }).toBe(true);

    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('heading', { name: 'Déverrouiller' }).waitFor();
    const raw = await rawDump(page);
    expect(raw).toContain(personId); // ids stay readable: the dump did read the stores
    for (const secret of ['Zéphyrine', 'Quillebœuf', 'Quilleb', 'Attend sa notification', 'Rappeler la préfecture', 'Brouillonne', 'Suivi RSA', device.token]) {
      expect(raw, secret.slice(0, 12)).not.toContain(secret);
    }

    await page.getByLabel('Code de verrouillage', { exact: true }).fill(E2E_LOCK_CODE);
    await page.getByRole('button', { name: 'Déverrouiller' }).click();
    await page.goto(`${baseUrl}/#/personnes/${personId}`);
    await page.getByRole('heading', { name: 'Zéphyrine Quillebœuf' }).waitFor();
    await page.getByText('Attend sa notification MDPH').waitFor();
    await page.getByRole('heading', { name: 'Visites (1)' }).waitFor();
  });
});
