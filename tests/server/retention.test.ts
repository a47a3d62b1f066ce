// Copies of refused and conflicting changes hold personal data: kept until the change is resolved
// or for 90 days, whichever comes first (issue item 17). The op rows stay, for idempotent answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import { admin, enrol, op, push, testServer, type TestServer } from './helpers';

let s: TestServer;
let clock: Date;
let anne: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  clock = new Date('2026-11-02T09:00:00.000Z');
  s = await testServer({ now: () => clock });
  anne = await enrol(s.app, 'Anne');
});
afterEach(async () => {
  await s.close();
});

const copies = async (opId: string) =>
  (await s.one('SELECT status, data, current FROM ops WHERE op_id = ?', opId)) as { status: string; data: string | null; current: string | null };
const edit = (id: string, baseVersion: number, durationMinutes: number, deleted = false) =>
  op({ id, baseVersion, deleted, data: deleted ? {} : (accompaniment({ durationMinutes }) as never) });

describe('kept copies of refused and conflicting changes', () => {
  it('are dropped when a later change of the record by the same user is applied; a resent conflict answers the present record', async () => {
    const a = op();
    await push(s.app, anne.headers, [a, edit(a.id, 1, 45)]);
    const stale = edit(a.id, 1, 90);
    const bad = edit(a.id, 2, 0);
    const [conflict, rejected] = (await push(s.app, anne.headers, [stale, bad])).json().results;
    expect([conflict.status, rejected.status]).toEqual(['conflict', 'rejected']);
    expect(await copies(stale.opId)).toMatchObject({ status: 'conflict', data: expect.stringContaining('90'), current: expect.any(String) });
    expect((await copies(bad.opId)).data).not.toBeNull();

    // The device keeps its version ("Garder ma version"): a new op on the version it saw.
    const fixed = edit(a.id, 2, 90);
    expect((await push(s.app, anne.headers, [fixed])).json().results[0]).toMatchObject({ status: 'applied', version: 3 });
    expect(await copies(stale.opId)).toEqual({ status: 'conflict', data: null, current: null });
    expect(await copies(bad.opId)).toEqual({ status: 'rejected', data: null, current: null });

    // Still final: the same answers, `current` being the record as it is now.
    const again = (await push(s.app, anne.headers, [stale, bad])).json().results;
    expect(again[0]).toMatchObject({ opId: stale.opId, status: 'conflict', current: { id: a.id, version: 3, data: { durationMinutes: 90 } } });
    expect(again[1]).toEqual(rejected);
  });

  it('are dropped within the batch that resolves them', async () => {
    const a = op();
    await push(s.app, anne.headers, [a]);
    const bad = edit(a.id, 1, 0);
    const good = edit(a.id, 1, 30);
    expect((await push(s.app, anne.headers, [bad, good])).json().results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'applied']);
    expect((await copies(bad.opId)).data).toBeNull();
  });

  it('of another user stay until the record is deleted', async () => {
    const bea = await enrol(s.app, 'Béa');
    const a = op();
    await push(s.app, anne.headers, [a]);
    const theirs = edit(a.id, 1, 45);
    expect((await push(s.app, bea.headers, [theirs])).json().results[0].status).toBe('rejected');
    await push(s.app, anne.headers, [edit(a.id, 1, 60)]);
    expect((await copies(theirs.opId)).data).not.toBeNull();
    await push(s.app, admin, [edit(a.id, 2, 0, true)]);
    expect(await copies(theirs.opId)).toEqual({ status: 'rejected', data: null, current: null });
  });

  it('are dropped after 90 days even when never resolved', async () => {
    const a = op();
    await push(s.app, anne.headers, [a]);
    const old = edit(a.id, 0, 45);
    await push(s.app, anne.headers, [old]);
    clock = new Date('2026-11-20T09:00:00.000Z');
    const recent = edit(a.id, 0, 50);
    await push(s.app, anne.headers, [recent]);
    expect((await copies(old.opId)).data).not.toBeNull();

    clock = new Date('2027-02-01T09:00:00.000Z'); // 91 days after the first, 73 after the second
    await push(s.app, anne.headers, [op()]);
    expect(await copies(old.opId)).toEqual({ status: 'conflict', data: null, current: null });
    expect((await copies(recent.opId)).data).not.toBeNull();
    expect((await push(s.app, anne.headers, [old])).json().results[0]).toMatchObject({ status: 'conflict', current: { id: a.id, version: 1 } });
  });

  it('are swept by the periodic purge without any push', async () => {
    const a = op();
    await push(s.app, anne.headers, [a]);
    const old = edit(a.id, 0, 45);
    await push(s.app, anne.headers, [old]);
    expect(await s.repo.purgeExpiredCopies('2027-01-30T09:00:00.000Z')).toBe(0);
    expect(await s.repo.purgeExpiredCopies('2027-02-01T09:00:00.000Z')).toBe(1);
    expect((await copies(old.opId)).data).toBeNull();
  });

  it('drop the reasons of a refused change after 90 days too (an unknown key’s name may be personal)', async () => {
    const a = op({ data: { ...accompaniment(), 'Mme Dupont, diabétique': true } as never });
    expect((await push(s.app, anne.headers, [a])).json().results[0].fields.map((f: { path: string }) => f.path)).toContain('Mme Dupont, diabétique');
    await s.repo.purgeExpiredCopies('2027-02-01T09:00:00.000Z');
    const row = (await s.one('SELECT fields FROM ops WHERE op_id = ?', a.opId)) as { fields: string | null };
    expect(row.fields).toBeNull();
    expect((await push(s.app, anne.headers, [a])).json().results[0]).toEqual({ opId: a.opId, status: 'rejected', fields: [] });
  });
});
