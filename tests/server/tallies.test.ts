import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import { accompaniment, permanence } from '../unit/fixtures';
import { admin, enrol, op, push, testServer, type TestServer } from './helpers';

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
let bea: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
  bea = await enrol(s.app, 'Béa');
});
afterEach(async () => {
  await s.close();
});

const get = (url: string, headers: Record<string, string> = admin) => s.app.inject({ url, headers });
const acc = (over: Parameters<typeof accompaniment>[0]) =>
  op({ data: accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', ...over }) as never });

describe('GET /api/v1/tallies', () => {
  it('counts a week for the coordinator and only her own for a mediator', async () => {
    const perm = op({ entity: 'permanence', data: permanence({ date: '2026-11-24' }) as never });
    await push(s.app, anne.headers, [
      perm,
      acc({ date: '2026-11-24', permanenceId: perm.id, placeType: 'relay', communeInsee: '34157', durationMinutes: 45 }),
      acc({ date: '2026-11-29' }),
      acc({ date: '2026-11-30' }),
    ]);
    await push(s.app, bea.headers, [acc({ date: '2026-11-23', durationMinutes: 90 })]);

    const all = (await get('/api/v1/tallies?week=2026-W48')).json();
    expect(all.period).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(all.totals).toEqual({ permanences: 1, accompaniments: 3, people: 3, newPeople: 3, minutes: 165, qpvPeople: 0 });
    expect(all.byMediator).toEqual({ Anne: 2, Béa: 1 });
    expect(all.byCommune['34157']).toEqual({ permanences: 1, accompaniments: 1, people: 1, minutes: 45 });
    expect(all.byRelay).toEqual({ [permanence().relayId]: 1 });

    const own = (await get('/api/v1/tallies?week=2026-W48', anne.headers)).json();
    expect(own.totals.accompaniments).toBe(2);
    expect(own.byMediator).toEqual({ Anne: 2 });
    const range = (await get('/api/v1/tallies?from=2026-11-29&to=2026-11-30', anne.headers)).json();
    expect(range.totals.accompaniments).toBe(2);
  });

  it('ignores deleted records and counts edited ones at their latest version', async () => {
    const a = acc({ date: '2026-11-24', durationMinutes: 30 });
    const b = acc({ date: '2026-11-24' });
    await push(s.app, anne.headers, [a, b]);
    expect((await get('/api/v1/tallies?week=2026-W48')).json().totals.accompaniments).toBe(2);
    await push(s.app, anne.headers, [
      op({
        id: a.id,
        baseVersion: 1,
        data: accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: '2026-11-25', durationMinutes: 120 }) as never,
      }),
      op({ id: b.id, baseVersion: 1, deleted: true, data: {} }),
    ]);
    const t = (await get('/api/v1/tallies?week=2026-W48')).json();
    expect(t.totals).toMatchObject({ accompaniments: 1, minutes: 120 });
    expect(t.byDuration).toEqual({ lt30: 0, '30to60': 0, '60to120': 0, ge120: 1 });
    // Moved out of the week: counted in the next one.
    await push(s.app, anne.headers, [
      op({ id: a.id, baseVersion: 2, data: accompaniment({ permanenceId: null, placeType: 'agency', communeInsee: '34301', date: '2026-12-01' }) as never }),
    ]);
    expect((await get('/api/v1/tallies?week=2026-W48')).json().totals.accompaniments).toBe(0);
    expect((await get('/api/v1/tallies?week=2026-W49')).json().totals.accompaniments).toBe(1);
  });

  it('counts followed beneficiaries once, new only in the period of their first visit, aged at the period’s end', async () => {
    const ben = op({
      entity: 'beneficiary',
      data: {
        firstName: 'L',
        lastName: 'M',
        birthYear: 2002,
        residenceInsee: '34301',
        phone: null,
        noPhone: true,
        gender: 'female',
        socialStatus: 'job_seeker',
        public: 'job_seeker',
        qpv: true,
        consentedOn: '2026-10-01',
        note: null,
      },
    });
    const followed = (date: string) => acc({ date, beneficiaryId: ben.id, anonymous: null });
    await push(s.app, anne.headers, [ben, followed('2026-10-06'), followed('2026-12-29'), followed('2027-01-02')]);
    const w53 = (await get('/api/v1/tallies?week=2026-W53')).json();
    expect(w53.period).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(w53.totals).toMatchObject({ accompaniments: 2, people: 1, newPeople: 0, qpvPeople: 1 });
    expect(w53.byAgeBracket).toEqual({ '25-39': 1 });
    expect(w53.byGender).toEqual({ female: 1 });
    const october = (await get('/api/v1/tallies?from=2026-10-01&to=2026-10-31')).json();
    expect(october.totals).toMatchObject({ people: 1, newPeople: 1 });
    expect(october.byAgeBracket).toEqual({ '18-24': 1 });
  });

  it('gives the same figures whatever the server’s time zone, across a daylight-saving change', async () => {
    // 25 Oct 2026: clocks go back in Paris. Records carry local dates; the server never converts.
    await push(s.app, anne.headers, [acc({ date: '2026-10-25' }), acc({ date: '2026-10-26' }), acc({ date: '2026-10-19' })]);
    const saved = process.env.TZ;
    const figures: unknown[] = [];
    try {
      for (const tz of ['Europe/Paris', 'Pacific/Kiritimati', 'America/Adak', 'UTC']) {
        process.env.TZ = tz;
        figures.push((await get('/api/v1/tallies?week=2026-W43')).json());
      }
    } finally {
      process.env.TZ = saved;
    }
    expect((figures[0] as { totals: { accompaniments: number } }).totals.accompaniments).toBe(2);
    for (const f of figures) expect(f).toEqual(figures[0]);
  });

  it('refuses bad periods with 400 and a message naming the parameter', async () => {
    for (const [q, path] of [
      ['week=2026-W54', 'week'],
      ['week=48', 'week'],
      ['from=2026-11-30&to=2026-11-01', 'from'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['', 'from'],
    ] as const) {
      const res = await get(`/api/v1/tallies?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.fields[0].path).toBe(path);
    }
    expect((await s.app.inject('/api/v1/tallies?week=2026-W48')).statusCode).toBe(401);
  });
});

describe('exports', () => {
  beforeEach(async () => {
    await push(s.app, anne.headers, [
      acc({
        date: '2026-11-24',
        note: '=HYPERLINK("http://x")',
        procedures: [
          { code: 'caf_logement', domain: 'logement', partner: 'caf' },
          { code: 'ameli_compte', domain: 'social', partner: 'cpam' },
        ],
      }),
      acc({ date: '2026-11-26', outcome: 'orientee', referral: { target: 'aide_sociale', note: null } }),
    ]);
  });

  it('writes accompaniments.csv for French Excel: BOM, semicolons, CRLF, JJ/MM/AAAA, joined values', async () => {
    const res = await get('/api/v1/exports/accompaniments.csv?week=2026-W48');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="relais_2026-W48_accompagnements.csv"');
    const body = res.body;
    expect(body.startsWith('\uFEFF')).toBe(true);
    expect(body.split('\r\n')).toHaveLength(4);
    const rows = parseCsv(body);
    expect(rows[0].slice(0, 3)).toEqual(['Date', 'Semaine', 'Médiateur·rice']);
    expect(rows[1].slice(0, 3)).toEqual(['24/11/2026', '2026-W48', 'Anne']);
    expect(rows[1][7]).toBe('Aide au logement (CAF) | Compte Ameli (Assurance Maladie)');
    expect(rows[2][12]).toBe('Accompagnement social (CCAS, centre social…)');
    expect(body).not.toContain('HYPERLINK'); // notes are not exported
    const range = await get('/api/v1/exports/accompaniments.csv?from=2026-11-26&to=2026-11-26', anne.headers);
    expect(parseCsv(range.body)).toHaveLength(2);
  });

  it('neutralises cells that Excel would read as formulas', async () => {
    await push(s.app, admin, [op({ entity: 'procedure', data: { code: 'piege', label: '=1+1', domain: 'papiers', partner: 'autre', active: true } })]);
    await push(s.app, anne.headers, [acc({ date: '2026-11-25', procedures: [{ code: 'piege', domain: 'papiers', partner: 'autre' }] })]);
    const rows = parseCsv((await get('/api/v1/exports/accompaniments.csv?week=2026-W48')).body);
    expect(rows.map((r) => r[7])).toContain("'=1+1");
    const tallies = parseCsv((await get('/api/v1/exports/tallies.csv?week=2026-W48')).body);
    expect(tallies.some((r) => r[0] === "'=1+1")).toBe(true);
  });

  it('writes the week’s tallies as CSV and XLSX tables with percentages', async () => {
    const csv = await get('/api/v1/exports/tallies.csv?week=2026-W48');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="relais_2026-W48_bilan.csv"');
    const rows = parseCsv(csv.body);
    expect(rows[1]).toEqual(['Période', 'du 23/11/2026 au 29/11/2026']);
    const at = (title: string) => rows.findIndex((r) => r[0] === title);
    expect(rows[at('Synthèse') + 2]).toEqual(['Permanences', '0']);
    expect(rows[at('Synthèse') + 3]).toEqual(['Accompagnements', '2']);
    expect(rows[at('Par organisme') + 1]).toEqual(['Organisme', 'Nombre', '% des accompagnements']);
    expect(rows.slice(at('Par organisme') + 2, at('Par organisme') + 5)).toEqual([['Assurance Maladie (CPAM)', '2', '100'], ['CAF', '1', '50'], ['']]);

    const xlsx = await s.app.inject({ url: '/api/v1/exports/tallies.xlsx?week=2026-W48', headers: admin });
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toBe('attachment; filename="relais_2026-W48_bilan.xlsx"');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const values = book
      .getWorksheet('Bilan')!
      .getSheetValues()
      .map((r) => (Array.isArray(r) ? r.slice(1) : []));
    expect(values).toContainEqual(['Accompagnements', 2]);
    expect(values).toContainEqual(['CAF', 1, 50]);
  });

  it('keeps a mediator to her own records in exports', async () => {
    await push(s.app, bea.headers, [acc({ date: '2026-11-25' })]);
    expect(parseCsv((await get('/api/v1/exports/accompaniments.csv?week=2026-W48', bea.headers)).body)).toHaveLength(2);
    expect(parseCsv((await get('/api/v1/exports/accompaniments.csv?week=2026-W48')).body)).toHaveLength(4);
    expect((await get(`/api/v1/exports/tallies.csv?week=2026-W99`)).statusCode).toBe(400);
  });
});
