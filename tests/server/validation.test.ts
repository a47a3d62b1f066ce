// Only what api.md lists is stored (issue item 10), dates are plausible (item 16), pull pages are
// capped in bytes.
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

const paths = (r: { fields?: { path: string }[] }) => (r.fields ?? []).map((f) => f.path);
const stored = (id: string) => s.one('SELECT data, deleted FROM records WHERE id = ?', id) as Promise<{ data: string; deleted: number } | undefined>;

describe('allow-list of record fields', () => {
  it('rejects a key api.md does not list, at every level, naming its path, and stores nothing', async () => {
    const base = accompaniment();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, password: 'x' }, 'password'],
      [{ ...base, anonymous: { ...base.anonymous, health: 'diabète' } }, 'anonymous.health'],
      [{ ...base, procedures: [base.procedures[0], { ...base.procedures[0], password: 'x' }] }, 'procedures.1.password'],
      [{ ...base, outcome: 'orientee', referral: { target: 'autre', note: null, phone: '0600000000' } }, 'referral.phone'],
    ];
    for (const [data, path] of cases) {
      const o = op({ data });
      const [r] = (await push(s.app, anne.headers, [o])).json().results;
      expect(r.status).toBe('rejected');
      expect(paths(r)).toEqual([path]);
      expect(await stored(o.id)).toBeUndefined();
    }
    const p = op({ entity: 'permanence', data: { ...permanence(), __proto: 1 } });
    expect(paths((await push(s.app, anne.headers, [p])).json().results[0])).toEqual(['__proto']);
    const relay = op({ entity: 'relay', data: { name: 'R', communeInsee: '34157', address: null, schedule: null, active: true, owner: 'x' } });
    expect(paths((await push(s.app, admin, [relay])).json().results[0])).toEqual(['owner']);
  });

  it('bounds texts and arrays', async () => {
    const tooMany = op({ data: accompaniment({ procedures: Array.from({ length: 21 }, () => accompaniment().procedures[0]) }) as never });
    const longNote = op({ data: accompaniment({ note: 'x'.repeat(1001) }) as never });
    const longCode = op({ data: accompaniment({ procedures: [{ code: 'a'.repeat(61), domain: 'social', partner: 'cpam' }] }) as never });
    const results = (await push(s.app, anne.headers, [tooMany, longNote, longCode])).json().results;
    expect(results.map(paths)).toEqual([['procedures'], ['note'], ['procedures.0.code']]);
  });

  it('stores a tombstone as {} whatever data it carries', async () => {
    const create = op();
    await push(s.app, anne.headers, [create]);
    const del = op({ id: create.id, baseVersion: 1, deleted: true, data: { ...accompaniment(), secret: 'Mot de passe' } });
    expect((await push(s.app, anne.headers, [del])).json().results[0]).toMatchObject({ status: 'applied', version: 2 });
    expect(await stored(create.id)).toEqual({ data: '{}', deleted: 1 });
    // A tombstone in conflict keeps no data copy either.
    const stale = op({ id: create.id, baseVersion: 1, deleted: true, data: { note: 'Mot de passe' } });
    expect((await push(s.app, anne.headers, [stale])).json().results[0].status).toBe('conflict');
    const kept = (await s.one('SELECT data FROM ops WHERE op_id = ?', stale.opId)) as { data: string | null };
    expect(kept.data === null || kept.data === '{}').toBe(true);
    expect(JSON.stringify(await s.sql('SELECT * FROM records'))).not.toContain('Mot de passe');
  });
});

describe('plausible dates', () => {
  it('rejects record dates before 2000 or more than two years ahead, and 2-digit-era years', async () => {
    const nextYears = new Date().getUTCFullYear() + 3;
    const results = (
      await push(s.app, anne.headers, [
        op({ data: accompaniment({ date: '0099-11-24' }) as never }),
        op({ data: accompaniment({ date: '1999-12-31' }) as never }),
        op({ data: accompaniment({ date: `${nextYears}-01-01` }) as never }),
        op({ entity: 'permanence', data: permanence({ date: '0001-01-01' }) as never }),
        op({ data: accompaniment({ date: '2000-01-01' }) as never }),
      ])
    ).json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'applied']);
    expect(results[0].fields[0]).toEqual({ path: 'date', message: expect.stringContaining('Date hors de la plage acceptée') });
  });

  it('rejects a birth year before 1900 or in the future', async () => {
    const person = (birthYear: number) => ({
      firstName: 'A',
      lastName: 'B',
      birthYear,
      residenceInsee: null,
      phone: null,
      noPhone: true,
      gender: 'female',
      socialStatus: 'unknown',
      public: 'other',
      qpv: false,
      consentedOn: '2026-11-02',
      note: null,
    });
    const thisYear = new Date().getUTCFullYear();
    const results = (
      await push(s.app, anne.headers, [
        op({ entity: 'beneficiary', data: person(1899) }),
        op({ entity: 'beneficiary', data: person(thisYear + 1) }),
        op({ entity: 'beneficiary', data: person(1950) }),
      ])
    ).json().results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'applied']);
  });

  it('answers 400, never 500, for tally periods with absurd years', async () => {
    for (const q of [
      'week=0001-W01',
      'week=0099-W10',
      'week=9999-W01',
      'from=0001-01-01&to=0001-12-31',
      'from=1999-01-01&to=2026-01-01',
      'from=2026-01-01&to=9999-12-31',
    ]) {
      const res = await s.app.inject({ url: `/api/v1/tallies?${q}`, headers: admin });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.fields.length, q).toBeGreaterThan(0);
    }
    expect((await s.app.inject({ url: '/api/v1/tallies?week=2026-W48', headers: admin })).statusCode).toBe(200);
  });
});

describe('pull pages', () => {
  it('stop before 2 MiB, with at least one change and hasMore', async () => {
    const big = () =>
      op({
        data: accompaniment({
          note: 'é'.repeat(1000),
          procedures: Array.from({ length: 20 }, (_, i) => ({ code: `demarche_${'x'.repeat(40)}_${i}`, domain: 'social', partner: 'cpam' })),
        }) as never,
      });
    for (let b = 0; b < 2; b++) {
      const res = await push(s.app, anne.headers, Array.from({ length: 400 }, big));
      expect(res.json().results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
    }
    const first = await s.app.inject({ url: '/api/v1/sync/pull?limit=1000', headers: anne.headers });
    const page = first.json();
    expect(page.hasMore).toBe(true);
    expect(page.changes.length).toBeGreaterThan(100);
    expect(page.changes.length).toBeLessThan(800);
    expect(first.rawPayload.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    const all = await pullAll(s.app, anne.headers, 1000);
    expect(all.changes.filter((c) => c.entity === 'accompaniment')).toHaveLength(800);
  });
});
