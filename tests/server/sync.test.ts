import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment, permanence } from '../unit/fixtures';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
});
afterEach(async () => {
  await s.close();
});

describe('push', () => {
  it('applies new records at version 1 and answers one result per op, in order', async () => {
    const ops = [op(), op({ entity: 'permanence', data: permanence() as never })];
    const res = await push(s.app, anne.headers, ops);
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual(ops.map((o) => ({ opId: o.opId, status: 'applied', version: 1 })));
  });

  it('never applies a batch twice: the same ops resent are duplicates with their original version', async () => {
    const ops = [op(), op()];
    await push(s.app, anne.headers, ops);
    const again = await push(s.app, anne.headers, ops);
    expect(again.json().results).toEqual(ops.map((o) => ({ opId: o.opId, status: 'duplicate', version: 1 })));
    expect(await s.one('SELECT COUNT(*) AS n FROM records WHERE entity = ?', 'accompaniment')).toEqual({ n: 2 });
  });

  it('handles the same batch delivered concurrently without duplicates', async () => {
    const ops = Array.from({ length: 50 }, () => op());
    const answers = await Promise.all([push(s.app, anne.headers, ops), push(s.app, anne.headers, ops), push(s.app, anne.headers, ops)]);
    const statuses = answers.flatMap((a) => a.json().results.map((r: { status: string }) => r.status));
    expect(statuses.filter((x) => x === 'applied')).toHaveLength(50);
    expect(statuses.filter((x) => x === 'duplicate')).toHaveLength(100);
    expect(await s.one("SELECT COUNT(*) AS n FROM records WHERE entity = 'accompaniment'")).toEqual({ n: 50 });
  });

  it('applies an edit based on the current version, and reports a conflict otherwise without overwriting', async () => {
    const create = op();
    await push(s.app, anne.headers, [create]);
    const edit = op({ id: create.id, baseVersion: 1, data: accompaniment({ durationMinutes: 60 }) as never });
    expect((await push(s.app, anne.headers, [edit])).json().results[0]).toEqual({ opId: edit.opId, status: 'applied', version: 2 });

    const stale = op({ id: create.id, baseVersion: 1, data: accompaniment({ durationMinutes: 90 }) as never });
    const [result] = (await push(s.app, anne.headers, [stale])).json().results;
    expect(result).toMatchObject({ opId: stale.opId, status: 'conflict', current: { entity: 'accompaniment', id: create.id, version: 2, deleted: false } });
    expect(result.current.data.durationMinutes).toBe(60);
    // The rejected change is kept for review, and the same op gets the same answer again.
    const kept = (await s.one('SELECT status, data FROM ops WHERE op_id = ?', stale.opId)) as { status: string; data: string };
    expect(kept.status).toBe('conflict');
    expect(JSON.parse(kept.data).durationMinutes).toBe(90);
    expect((await push(s.app, anne.headers, [stale])).json().results[0]).toEqual(result);
  });

  it('reports a conflict with current null for an edit of a record the server does not have', async () => {
    const ghost = op({ baseVersion: 3 });
    expect((await push(s.app, anne.headers, [ghost])).json().results[0]).toEqual({ opId: ghost.opId, status: 'conflict', current: null });
  });

  it('rejects an invalid record with field reasons, and still applies the rest of the batch', async () => {
    const bad = op({ data: accompaniment({ durationMinutes: 0, posture: 'fait_a_la_place' }) as never });
    const good = op();
    const res = await push(s.app, anne.headers, [bad, good]);
    expect(res.statusCode).toBe(200);
    const [r1, r2] = res.json().results;
    expect(r1.status).toBe('rejected');
    expect(r1.fields.map((f: { path: string }) => f.path)).toEqual(['durationMinutes', 'mandateId']);
    expect(r2).toEqual({ opId: good.opId, status: 'applied', version: 1 });
    expect((await push(s.app, anne.headers, [bad])).json().results[0]).toEqual(r1);
  });

  it('validates the personal records too, naming the fields but never echoing them', async () => {
    const person = {
      firstName: 'Leïla',
      lastName: 'M.',
      birthYear: 1987,
      residenceInsee: '34301',
      phone: '06 12 34 56 78',
      noPhone: true,
      gender: 'female',
      socialStatus: 'job_seeker',
      public: 'job_seeker',
      qpv: false,
      consentedOn: null,
      note: null,
    };
    const res = await push(s.app, anne.headers, [op({ entity: 'beneficiary', data: person })]);
    const [result] = res.json().results;
    expect(result.status).toBe('rejected');
    expect(result.fields.map((f: { path: string }) => f.path)).toEqual(['phone', 'consentedOn']);
    expect(res.body).not.toContain('06 12 34 56 78');
    expect(res.body).not.toContain('Leïla');
    const fixed = op({ entity: 'beneficiary', data: { ...person, phone: null, consentedOn: '2026-11-02' } });
    expect((await push(s.app, anne.headers, [fixed])).json().results[0]).toMatchObject({ status: 'applied', version: 1 });
  });

  it('rejects malformed envelopes one by one, but a missing opId invalidates the request', async () => {
    const good = op();
    const res = await push(s.app, anne.headers, [{ ...op(), entity: 'unicorn', baseVersion: -1 }, good]);
    const [r1, r2] = res.json().results;
    expect(r1.fields.map((f: { path: string }) => f.path)).toEqual(['entity', 'baseVersion']);
    expect(r2.status).toBe('applied');
    const noId = await push(s.app, anne.headers, [good, { entity: 'accompaniment' }]);
    expect(noId.statusCode).toBe(400);
    expect(noId.json().error.fields).toEqual([{ path: 'ops.1.opId', message: 'opId doit être un UUID.' }]);
  });

  it('keeps tombstones: a delete is applied and pulled', async () => {
    const create = op();
    await push(s.app, anne.headers, [create]);
    const del = op({ id: create.id, baseVersion: 1, deleted: true, data: {} });
    expect((await push(s.app, anne.headers, [del])).json().results[0]).toMatchObject({ status: 'applied', version: 2 });
    const { changes } = await pullAll(s.app, anne.headers);
    expect(changes.find((c) => c.id === create.id)).toEqual({
      entity: 'accompaniment',
      id: create.id,
      version: 2,
      deleted: true,
      data: {},
      createdBy: 'Anne',
      createdAt: expect.any(String),
    });
  });

  it('lets a mediator write only her own records and no reference data; a coordinator writes all', async () => {
    const bea = await enrol(s.app, 'Béa');
    const mine = op();
    await push(s.app, anne.headers, [mine]);
    const steal = op({ id: mine.id, baseVersion: 1 });
    expect((await push(s.app, bea.headers, [steal])).json().results[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'id' }] });
    const relay = op({ entity: 'relay', data: { name: 'Nouveau relais', communeInsee: '34039', address: null, schedule: 'lundi', active: true } });
    expect((await push(s.app, anne.headers, [relay])).json().results[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'entity' }] });
    expect((await push(s.app, admin, [{ ...relay, opId: randomUUID() }])).json().results[0]).toMatchObject({ status: 'applied' });
    expect((await push(s.app, admin, [op({ id: mine.id, baseVersion: 1 })])).json().results[0]).toMatchObject({ status: 'applied', version: 2 });
  });

  it('answers 413 beyond 500 ops or 5 MiB, and 400 for a body that is not JSON', async () => {
    const many = Array.from({ length: 501 }, () => op());
    expect((await push(s.app, anne.headers, many)).statusCode).toBe(413);
    const huge = await push(s.app, anne.headers, [op({ data: { ...accompaniment(), note: 'x'.repeat(6 * 1024 * 1024) } as never })]);
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('too_large');
    const garbage = await s.app.inject({
      method: 'POST',
      url: '/api/v1/sync/push',
      headers: { ...anne.headers, 'content-type': 'application/json' },
      payload: '{"ops": [',
    });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error).toBeDefined();
    const noOps = await push(s.app, anne.headers, undefined as never);
    expect(noOps.statusCode).toBe(400);
  });
});

describe('pull', () => {
  it('starts with the reference data and gives each changed record once, at its latest version', async () => {
    const first = await pullAll(s.app, anne.headers);
    expect(first.changes.filter((c) => c.entity === 'relay')).toHaveLength(8);
    expect(first.changes.every((c) => c.version === 1)).toBe(true);

    const a = op();
    await push(s.app, anne.headers, [a]);
    await push(s.app, anne.headers, [op({ id: a.id, baseVersion: 1, data: accompaniment({ durationMinutes: 45 }) as never })]);
    await push(s.app, anne.headers, [op({ id: a.id, baseVersion: 2, data: accompaniment({ durationMinutes: 60 }) as never })]);
    const res = await s.app.inject({ url: `/api/v1/sync/pull?since=${first.cursor}`, headers: anne.headers });
    expect(res.json()).toMatchObject({ changes: [{ id: a.id, version: 3, data: { durationMinutes: 60 } }], hasMore: false });
  });

  it('pages with a server cursor and a capped limit', async () => {
    await push(
      s.app,
      anne.headers,
      Array.from({ length: 30 }, () => op()),
    );
    const page = (await s.app.inject({ url: '/api/v1/sync/pull?limit=10', headers: anne.headers })).json();
    expect(page.changes).toHaveLength(10);
    expect(page.hasMore).toBe(true);
    const all = await pullAll(s.app, anne.headers, 7);
    expect(new Set(all.changes.map((c) => c.id)).size).toBe(all.changes.length);
    expect(all.changes.filter((c) => c.entity === 'accompaniment')).toHaveLength(30);
    expect((await s.app.inject({ url: '/api/v1/sync/pull?limit=5000', headers: anne.headers })).json().changes.length).toBeLessThanOrEqual(1000);
  });

  it('gives a mediator her own records and reference data, a coordinator everything', async () => {
    const bea = await enrol(s.app, 'Béa');
    const mine = op();
    const hers = op();
    await push(s.app, anne.headers, [mine]);
    await push(s.app, bea.headers, [hers]);
    const anneIds = (await pullAll(s.app, anne.headers)).changes.map((c) => c.id);
    expect(anneIds).toContain(mine.id);
    expect(anneIds).not.toContain(hers.id);
    const allIds = (await pullAll(s.app, admin)).changes.map((c) => c.id);
    expect(allIds).toEqual(expect.arrayContaining([mine.id, hers.id]));
  });

  it('gives a replaced tablet of the same user her records back', async () => {
    const record = op();
    await push(s.app, anne.headers, [record]);
    const newTablet = await enrol(s.app, 'ANNE', 'mediator', 'Tablette neuve');
    expect((await pullAll(s.app, newTablet.headers)).changes.map((c) => c.id)).toContain(record.id);
  });

  it('refuses a bad cursor or limit with 400 naming the parameter', async () => {
    const bad = await s.app.inject({ url: '/api/v1/sync/pull?since=abc&limit=-2', headers: anne.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['since', 'limit']);
  });
});

describe('privacy', () => {
  it('never echoes record data in errors, and never answers 500 for bad input', async () => {
    const weird = [
      null,
      42,
      'x',
      { opId: randomUUID() },
      { opId: randomUUID(), entity: 'accompaniment', id: randomUUID(), baseVersion: 0, deleted: false, data: { note: 'Mot de passe: hunter2' } },
    ];
    const res = await push(s.app, anne.headers, weird);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('hunter2');
    const res2 = await push(s.app, anne.headers, weird.slice(3));
    expect(res2.statusCode).toBe(200);
    expect(res2.body).not.toContain('hunter2');
  });
});
