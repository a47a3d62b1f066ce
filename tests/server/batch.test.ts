// A batch is set-based on the server (one lookup of its opIds, one of its records' heads), yet it
// must answer exactly as if its ops were sent one by one, and never apply an op twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import { enrol, op, pullAll, push, testServer, type TestServer } from './helpers';

let one: TestServer;
let other: TestServer;
beforeEach(async () => {
  one = await testServer();
  other = await testServer();
});
afterEach(async () => {
  await one.close();
  await other.close();
});

const edit = (id: string, baseVersion: number, durationMinutes: number) => op({ id, baseVersion, data: accompaniment({ durationMinutes }) as never });

describe('one batch', () => {
  it('answers as the same ops sent one by one: repeated opIds, several ops of one record, refusals', async () => {
    const a = op();
    const b = op();
    const ops = [
      a,
      a, // the same opId again: duplicate of what was just applied
      edit(a.id, 1, 45),
      edit(a.id, 1, 50), // stale: conflict with version 2 just written
      edit(a.id, 2, 0), // invalid
      { ...edit(a.id, 2, 60), entity: 'unicorn' }, // refused envelope
      edit(a.id, 2, 60),
      b,
      op({ id: b.id, baseVersion: 1, deleted: true, data: {} }),
      op({ id: b.id, baseVersion: 1 }), // conflict with the tombstone
    ];
    const anne1 = await enrol(one.app, 'Anne');
    const batched = (await push(one.app, anne1.headers, ops)).json().results;
    const anne2 = await enrol(other.app, 'Anne');
    const sequential = [];
    for (const o of ops) sequential.push((await push(other.app, anne2.headers, [o])).json().results[0]);
    expect(batched).toEqual(sequential);
    expect(batched.map((r: { status: string }) => r.status)).toEqual([
      'applied',
      'duplicate',
      'applied',
      'conflict',
      'rejected',
      'rejected',
      'applied',
      'applied',
      'applied',
      'conflict',
    ]);
    const state = async (s: TestServer, headers: Record<string, string>) =>
      (await pullAll(s.app, headers)).changes
        .filter((c) => c.entity === 'accompaniment')
        .map(({ id, version, deleted, data }) => ({ id, version, deleted, data }));
    expect(await state(one, anne1.headers)).toEqual(await state(other, anne2.headers));
    // Resent whole, the batch applies nothing twice and gets the same final answers.
    const again = (await push(one.app, anne1.headers, ops)).json().results;
    expect(again.map((r: { status: string }) => r.status)).toEqual(batched.map((r: { status: string }) => (r.status === 'applied' ? 'duplicate' : r.status)));
  });
});
