// After ten wrong codes with changes waiting (docs/privacy.md, Recovery): what waits — queued ops,
// refused changes — keeps its local record and server copy, everything else goes, even while the
// key is not in memory (rows are handled sealed).
import { beforeEach, describe, expect, it } from 'vitest';
import { newDataKey } from '../../src/crypto/cipher';
import { currentDataKey, setDataKey } from '../../src/crypto/keySession';
import { RelaisDB } from '../../src/db/database';
import { saveDraft } from '../../src/db/drafts';
import { readAsStored } from '../../src/db/sealing/middleware';
import { wipeAllButWaiting } from '../../src/db/wipe';
import { newId, saveRecord } from '../../src/db/writes';
import { accompaniment } from './fixtures';

let db: RelaisDB;
beforeEach(async () => {
  db = new RelaisDB(`wipe-waiting-${crypto.randomUUID()}`);
  await db.open();
  setDataKey(currentDataKey() ?? (await newDataKey()));
});

const data = (note: string) => accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', note });

describe('wipeAllButWaiting', () => {
  it('keeps the queue, the refused changes and the records and server copies they name; drops the rest, the vault and the token', async () => {
    const queued = newId();
    const refused = newId();
    const synced = newId();
    for (const id of [queued, refused, synced]) await saveRecord('accompaniment', id, data(`note ${id}`), db);
    // `refused` came back as a conflict: an issue and a server copy; `synced` reached the server.
    const refusedOp = (await db.outbox.where('[entity+id]').equals(['accompaniment', refused]).first())!;
    for (const id of [refused, synced]) await db.outbox.where('[entity+id]').equals(['accompaniment', id]).delete();
    await db.syncIssues.put({
      opId: refusedOp.opId,
      entity: 'accompaniment',
      id: refused,
      kind: 'conflict',
      fields: [],
      current: null,
      sent: { baseVersion: 0, deleted: false, data: refusedOp.data },
      at: new Date().toISOString(),
    });
    for (const id of [refused, synced]) {
      await db.serverCopies.put({ entity: 'accompaniment', id, version: 1, deleted: false, data: data('serveur') as unknown as Record<string, unknown> });
    }
    await saveDraft('accompaniment:new', { note: 'brouillon' }, db);
    await db.meta.bulkPut([
      { key: 'vault', value: { wrapped: new ArrayBuffer(40) } },
      { key: 'escrow', value: { deviceId: 'd1' } },
      { key: 'pullCursor', value: 'abc.12' },
      { key: 'device', value: { deviceId: 'd1', name: 'Anne', role: 'mediator', label: 'Tablette', sealedToken: { enc: 'x' } } },
    ]);
    const key = currentDataKey()!;
    setDataKey(null); // locked, as after ten wrong codes

    expect(await wipeAllButWaiting(db, ['escrow'], [{ key: 'lockAttempts', value: { blocked: true } }])).toBe(2);

    const left = await readAsStored(db, 'r', ['accompaniments', 'serverCopies', 'outbox', 'syncIssues', 'drafts'], async () => ({
      records: (await db.accompaniments.toCollection().primaryKeys()).sort(),
      copies: (await db.serverCopies.toCollection().primaryKeys()).map((k) => k[1]),
      outbox: (await db.outbox.toArray()).map((o) => o.id),
      issues: (await db.syncIssues.toArray()).map((i) => i.id),
      drafts: await db.drafts.count(),
    }));
    expect(left).toEqual({ records: [queued, refused].sort(), copies: [refused], outbox: [queued], issues: [refused], drafts: 1 });
    expect((await db.meta.toCollection().primaryKeys()).sort()).toEqual(['device', 'escrow', 'lockAttempts']);
    expect((await db.meta.get('device'))?.value).toEqual({ deviceId: 'd1', name: 'Anne', role: 'mediator', label: 'Tablette' });

    // With the key back (after a recovery), what waits reads as it was typed.
    setDataKey(key);
    expect((await db.accompaniments.get(queued))?.data.note).toBe(`note ${queued}`);
    expect((await db.syncIssues.get(refusedOp.opId))?.id).toBe(refused);
    await db.delete();
  });
});
