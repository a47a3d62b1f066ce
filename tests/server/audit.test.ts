// The audit log (README "Audit log"): enrolments, exports, dossiers, merges, erasures, device and
// mandate revocations and retention runs are recorded with who, when, what and which opaque id —
// never a name, note or value of the people helped; the coordinator reads it page by page, a
// mediator gets 403.
import type { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDailyJob } from '../../src/server/retentionJob';
import { accompaniment } from '../unit/fixtures';
import { enrol, op, push, testServer, type TestServer } from './helpers';
import { followup, mandate, person } from './people';

/** These tests read the SQLite store directly (the privacy methods exist on SQLite only so far). */
const sqlite = () => s.repo as SqliteRepository;

let s: TestServer;
let clock = new Date('2026-11-30T10:00:00Z');
beforeEach(async () => {
  clock = new Date('2026-11-30T10:00:00Z');
  s = await testServer({ now: () => clock });
});
afterEach(async () => {
  await s.close();
});

const PERSONAL = ['Zoé', 'Quintard', 'Leïla', 'Martin', '06 11 22 33 44', 'Sa fille', 'Dossier APL', 'Armoire', 'Rappeler'];

describe('the audit log', () => {
  it('records every audited action with ids and counts only, and answers the coordinator newest first', async () => {
    const coline = await enrol(s.app, 'Coline', 'coordinator');
    const anne = await enrol(s.app, 'Anne');
    const zoe = op({
      entity: 'beneficiary',
      data: person({ firstName: 'Zoé', lastName: 'Quintard', phone: '06 11 22 33 44', noPhone: false, note: 'Sa fille' }) as never,
    });
    const dup = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(zoe.id, { signedOn: '2026-11-02', actions: 'Dossier APL', paperLocation: 'Armoire' }) as never });
    const f = op({ entity: 'followup', data: followup(zoe.id, { label: 'Rappeler' }) as never });
    const v = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, note: 'Sa fille' }) as never });
    await push(s.app, anne.headers, [zoe, dup, m, f, v]);
    // A revocation arriving by push is audited once (a later edit of the revoked mandate is not).
    const revoked = { ...(m.data as object), revokedOn: '2026-11-28' };
    await push(s.app, anne.headers, [op({ entity: 'mandate', id: m.id, baseVersion: 1, data: revoked as never })]);
    await push(s.app, anne.headers, [op({ entity: 'mandate', id: m.id, baseVersion: 2, data: { ...revoked, paperLocation: 'Armoire 2' } as never })]);

    const get = (url: string, headers = coline.headers) => s.app.inject({ url, headers });
    await get('/api/v1/exports/accompaniments.csv?week=2026-W48');
    await get('/api/v1/exports/tallies.xlsx?week=2026-W48');
    await get(`/api/v1/beneficiaries/${zoe.id}/dossier`);
    await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${dup.id}/merge`, headers: coline.headers, payload: { into: zoe.id } });
    await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${zoe.id}/erase`, headers: coline.headers });
    await s.app.inject({ method: 'DELETE', url: `/api/v1/devices/${anne.deviceId}`, headers: coline.headers });
    await runDailyJob(sqlite(), clock, 24);

    const res = await get('/api/v1/audit');
    expect(res.statusCode).toBe(200);
    const { entries, hasMore } = res.json();
    expect(hasMore).toBe(false);
    const summary = entries.map((e: { action: string; entity: string | null; actorName: string; recordId: string | null }) => [
      e.action,
      e.entity,
      e.actorName,
      e.recordId,
    ]);
    expect(summary).toEqual([
      ['retention', null, 'Conservation automatique', null],
      ['revoke', 'device', 'Coline', anne.deviceId],
      ['erase', 'beneficiary', 'Coline', zoe.id],
      ['merge', 'beneficiary', 'Coline', dup.id],
      ['export', 'beneficiary', 'Coline', zoe.id],
      ['export', 'tallies.xlsx', 'Coline', null],
      ['export', 'accompaniments.csv', 'Coline', null],
      ['revoke', 'mandate', 'Anne', m.id],
      ['enrol', 'device', 'Anne', anne.deviceId],
      ['enrol', 'enrolment', 'admin', null],
      ['enrol', 'device', 'Coline', coline.deviceId],
      ['enrol', 'enrolment', 'admin', null],
    ]);
    expect(entries[2].counts).toEqual({ people: 2, mandates: 1, followups: 1, accompaniments: 1, opCopies: 0 });
    expect(entries[6].counts).toEqual({ accompaniments: 1 });
    expect(entries[0].at).toBe('2026-11-30T10:00:00.000Z');
    // Never a value of the people helped.
    const text = JSON.stringify(sqlite().db.prepare(`SELECT * FROM audit`).all()) + res.body;
    for (const secret of PERSONAL) expect(text).not.toContain(secret);

    // Pages of 5, newest first, following `next`.
    const seen: number[] = [];
    let next = '';
    for (let i = 0; i < 5; i++) {
      const page = (await get(`/api/v1/audit?limit=5${next ? `&before=${next}` : ''}`)).json();
      seen.push(...page.entries.map((e: { id: number }) => e.id));
      if (!page.hasMore) break;
      next = page.next;
    }
    expect(seen).toEqual(entries.map((e: { id: number }) => e.id));
  });

  it('filters by Paris calendar days, refuses a mediator and bad parameters', async () => {
    const coline = await enrol(s.app, 'Coline', 'coordinator');
    const anne = await enrol(s.app, 'Anne');
    const add = (at: string) =>
      sqlite().addAudit({ at, actorId: 'x', actorName: 'Coline', action: 'export', entity: 'tallies.csv', recordId: null, counts: null });
    await add('2026-11-09T22:59:59.000Z'); // 9 November, 23:59:59 in Paris
    await add('2026-11-09T23:00:00.000Z'); // 10 November, 00:00 in Paris
    await add('2026-11-10T22:59:59.000Z'); // 10 November, 23:59:59 in Paris
    const res = await s.app.inject({ url: '/api/v1/audit?from=2026-11-10&to=2026-11-10', headers: coline.headers });
    expect(res.json().entries.map((e: { at: string }) => e.at)).toEqual(['2026-11-10T22:59:59.000Z', '2026-11-09T23:00:00.000Z']);

    const forbidden = await s.app.inject({ url: '/api/v1/audit', headers: anne.headers });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    expect((await s.app.inject({ url: '/api/v1/audit' })).statusCode).toBe(401);
    const bad = await s.app.inject({ url: '/api/v1/audit?from=hier&limit=0', headers: coline.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['from', 'limit']);
  });
});
