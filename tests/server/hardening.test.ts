// Every status is final, refused envelopes included (issue item 13); bad input never answers 500,
// however deep, large or odd (item 14).
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import { enrol, op, pullAll, push, testServer, type TestServer } from './helpers';

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
});
afterEach(async () => {
  await s.close();
});

const raw = (body: string) =>
  s.app.inject({ method: 'POST', url: '/api/v1/sync/push', headers: { ...anne.headers, 'content-type': 'application/json' }, payload: body });
const count = async (sql: string, ...args: unknown[]) => (await s.one(sql, ...args))?.n as number;

describe('an op refused for its envelope', () => {
  it('is remembered: the same opId sent again, even fixed, gets the same rejected result', async () => {
    const fixed = op();
    const broken = { ...fixed, baseVersion: -1 };
    const [first] = (await push(s.app, anne.headers, [broken])).json().results;
    expect(first).toEqual({ opId: fixed.opId, status: 'rejected', fields: [{ path: 'baseVersion', message: expect.any(String) }] });
    const [again] = (await push(s.app, anne.headers, [fixed])).json().results;
    expect(again).toEqual(first);
    expect(await count('SELECT COUNT(*) AS n FROM records WHERE id = ?', fixed.id)).toBe(0);
    expect((await pullAll(s.app, anne.headers)).changes.map((c) => c.id)).not.toContain(fixed.id);
  });

  it('is claimed even when its entity and id are garbage, and stores none of it', async () => {
    const opId = randomUUID();
    const garbage = { opId, entity: { evil: true }, id: 'x'.repeat(10_000), baseVersion: 'zero', deleted: 'no', data: [] };
    const [first] = (await push(s.app, anne.headers, [garbage, op()])).json().results;
    expect(first.status).toBe('rejected');
    expect(first.fields.map((f: { path: string }) => f.path)).toEqual(['entity', 'id', 'baseVersion', 'deleted', 'data']);
    const row = await s.one('SELECT entity, record_id, base_version, status, data FROM ops WHERE op_id = ?', opId);
    expect(row).toEqual({ entity: '', record_id: '', base_version: -1, status: 'rejected', data: null });
    expect((await push(s.app, anne.headers, [{ ...op(), opId }])).json().results[0]).toEqual(first);
  });

  it('behaves within one batch as if sent one by one', async () => {
    const a = op();
    const results = (await push(s.app, anne.headers, [{ ...a, entity: 'unicorn' }, a, op({ id: a.id })])).json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'applied']);
    expect(results[1]).toEqual(results[0]);
  });
});

describe('bad input never answers 500', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('refuses data nested 100,000 deep as one rejected op; the rest of the batch applies', async () => {
    const bad = op();
    const good = op();
    const body = JSON.stringify({ ops: [{ ...bad, data: '@' }, good] }).replace('"@"', `{"note": ${deep(100_000)}}`);
    const res = await raw(body);
    expect(res.statusCode).toBe(200);
    const [r1, r2] = res.json().results;
    expect(r1).toMatchObject({ opId: bad.opId, status: 'rejected' });
    expect(r1.fields).toContainEqual({ path: 'note', message: 'Ce champ est obligatoire.' });
    // Too deep to keep a copy of for review: never serialised.
    expect(await s.one('SELECT status, data FROM ops WHERE op_id = ?', bad.opId)).toEqual({ status: 'rejected', data: null });
    expect(r2).toMatchObject({ opId: good.opId, status: 'applied' });
    // Remembered like any refusal, and the queue behind it is not wedged.
    expect((await raw(body)).json().results).toEqual([r1, { opId: good.opId, status: 'duplicate', version: 1 }]);
  });

  it('stores a deeply nested tombstone as {}', async () => {
    const create = op();
    await push(s.app, anne.headers, [create]);
    const del = { ...op({ id: create.id, baseVersion: 1, deleted: true }), data: '@' };
    const res = await raw(JSON.stringify({ ops: [del] }).replace('"@"', `{"x": ${deep(100_000)}}`));
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0]).toMatchObject({ status: 'applied', version: 2 });
    expect(await s.one('SELECT data FROM records WHERE id = ?', create.id)).toEqual({ data: '{}' });
  });

  it('answers 400 or per-op results for deep bodies, huge numbers, odd unicode and __proto__ keys', async () => {
    const answers = [
      await raw(`{"ops": ${deep(100_000)}}`),
      await raw(`${deep(200_000)}`),
      await raw(JSON.stringify({ ops: [op({ baseVersion: 1e300 })] })),
      await raw(JSON.stringify({ ops: [op()] }).replace('"durationMinutes":30', '"durationMinutes":1e400')),
      await raw(JSON.stringify({ ops: [op({ data: accompaniment({ note: 'a\ud800b\u0000c\u202e' }) as never })] })),
      await raw(`{"ops": [{"opId": "${randomUUID()}", "__proto__": {"admin": true}}]}`),
      await raw(JSON.stringify({ ops: [{ ...op(), data: { ...accompaniment(), constructor: { prototype: { x: 1 } } } }] })),
      await s.app.inject({ url: `/api/v1/sync/pull?since=${'9'.repeat(5000)}`, headers: anne.headers }),
      await s.app.inject({ url: `/api/v1/tallies?week=0001-W01`, headers: anne.headers }),
    ];
    for (const [i, res] of answers.entries()) {
      expect(res.statusCode, `case ${i}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      expect(res.json(), `case ${i}`).toBeDefined();
    }
    expect(answers[2].json().results[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'baseVersion' }] });
    expect(answers[3].json().results[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'durationMinutes' }] });
    // Prototype-poisoning keys make the whole body invalid (Fastify's secure JSON parser).
    expect([answers[5].statusCode, answers[6].statusCode]).toEqual([400, 400]);
  });
});

describe('huge input', () => {
  it('names at most 20 unknown keys of an object, however many it carries', async () => {
    const data: Record<string, unknown> = { ...accompaniment() };
    for (let i = 0; i < 100_000; i++) data[`k${i}`] = 1;
    const res = await push(s.app, anne.headers, [op({ data })]);
    expect(res.statusCode).toBe(200);
    const [r] = res.json().results;
    expect(r.status).toBe('rejected');
    expect(r.fields).toHaveLength(21);
    expect(r.fields[20]).toEqual({ path: '…', message: 'Autres champs non prévus.' });
    expect(res.body.length).toBeLessThan(5000);
  });
});

describe('pulled changes', () => {
  it('carry createdAt, the instant the server first stored the record, kept across edits', async () => {
    let clock = new Date('2026-11-24T08:15:00.000Z');
    await s.close();
    s = await testServer({ now: () => clock });
    anne = await enrol(s.app, 'Anne');
    const a = op();
    await push(s.app, anne.headers, [a]);
    clock = new Date('2026-11-25T17:40:00.000Z');
    await push(s.app, anne.headers, [op({ id: a.id, baseVersion: 1, data: accompaniment({ durationMinutes: 45 }) as never })]);
    const change = (await pullAll(s.app, anne.headers)).changes.find((c) => c.id === a.id) as unknown as { createdAt: string; version: number };
    expect(change).toMatchObject({ version: 2, createdAt: '2026-11-24T08:15:00.000Z' });
  });
});
