// Followed people are personal data: a mediator never reads another's people, mandates or
// follow-ups (pull, tallies, exports); the coordinator counts them by domain.md §4, with the
// traits of each person, and exports carry no name.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import { AGE_BRACKET_LABELS, GENDER_LABELS, SOCIAL_STATUS_LABELS } from '../../src/domain/reference';
import { accompaniment } from '../unit/fixtures';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';
import { followup, mandate, person } from './people';

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

const get = (url: string, headers: Record<string, string>) => s.app.inject({ url, headers });

async function beaFollowsZoe() {
  const zoe = op({
    entity: 'beneficiary',
    data: person({ firstName: 'Zoé', lastName: 'Quintard', birthYear: 1958, gender: 'female', socialStatus: 'retired', qpv: true }) as never,
  });
  const m = op({ entity: 'mandate', data: mandate(zoe.id) as never });
  const f = op({ entity: 'followup', data: followup(zoe.id) as never });
  const visit = (date: string) => op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date }) as never });
  const visits = [visit('2026-10-05'), visit('2026-11-24'), visit('2026-11-27')];
  const results = (await push(s.app, bea.headers, [zoe, m, f, ...visits])).json().results;
  expect(results.every((r: { status: string }) => r.status === 'applied')).toBe(true);
  return { ids: [zoe.id, m.id, f.id, ...visits.map((v) => v.id)], zoe };
}

describe('followed people and privacy', () => {
  it('never gives a mediator another mediator’s people, mandates, follow-ups or their visits, by pull, tallies or exports', async () => {
    const { ids, zoe } = await beaFollowsZoe();
    const anneIds = new Set((await pullAll(s.app, anne.headers)).changes.map((c) => c.id));
    expect(ids.filter((id) => anneIds.has(id))).toEqual([]);
    const beaIds = new Set((await pullAll(s.app, bea.headers)).changes.map((c) => c.id));
    expect(ids.every((id) => beaIds.has(id))).toBe(true);
    const coordinatorIds = new Set((await pullAll(s.app, admin)).changes.map((c) => c.id));
    expect(ids.every((id) => coordinatorIds.has(id))).toBe(true);

    const tally = (await get('/api/v1/tallies?week=2026-W48', anne.headers)).json();
    expect(tally.totals).toMatchObject({ accompaniments: 0, people: 0 });
    expect(tally.byGender).toEqual({});
    const csv = await get('/api/v1/exports/accompaniments.csv?from=2026-10-01&to=2026-11-30', anne.headers);
    expect(parseCsv(csv.body)).toHaveLength(1);
    // She cannot write them either.
    const edit = op({ entity: 'beneficiary', id: zoe.id, baseVersion: 1, data: person({ note: 'vu' }) as never });
    expect((await push(s.app, anne.headers, [edit])).json().results[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'id' }] });
  });

  it('counts a followed person visited twice in a week, seen once before, as one returning person with her traits; exports show them, never her name', async () => {
    await beaFollowsZoe();
    for (const headers of [admin, bea.headers]) {
      const t = (await get('/api/v1/tallies?week=2026-W48', headers)).json();
      expect(t.totals).toMatchObject({ accompaniments: 2, people: 1, newPeople: 0, qpvPeople: 1 });
      expect(t.newVsReturning).toEqual({ new: 0, returning: 1 });
      expect(t.byAgeBracket).toEqual({ '60-69': 1 }); // 2026 − 1958 = 68
      expect(t.byGender).toEqual({ female: 1 });
      expect(t.bySocialStatus).toEqual({ retired: 1 });
    }
    expect((await get('/api/v1/tallies?from=2026-10-01&to=2026-10-31', admin)).json().totals).toMatchObject({ people: 1, newPeople: 1 });

    const res = await get('/api/v1/exports/accompaniments.csv?from=2026-10-01&to=2026-11-30', admin);
    const rows = parseCsv(res.body);
    const col = (name: string) => rows[0].indexOf(name);
    expect(
      rows
        .slice(1)
        .map((r) => [r[0], r[col('Personne')], r[col('Tranche d’âge')], r[col('Genre')], r[col('Situation')], r[col('QPV')], r[col('Nouvelle personne')]]),
    ).toEqual([
      ['05/10/2026', 'Suivie', AGE_BRACKET_LABELS['60-69'], GENDER_LABELS.female, SOCIAL_STATUS_LABELS.retired, 'Oui', 'Oui'],
      ['24/11/2026', 'Suivie', AGE_BRACKET_LABELS['60-69'], GENDER_LABELS.female, SOCIAL_STATUS_LABELS.retired, 'Oui', 'Non'],
      ['27/11/2026', 'Suivie', AGE_BRACKET_LABELS['60-69'], GENDER_LABELS.female, SOCIAL_STATUS_LABELS.retired, 'Oui', 'Non'],
    ]);
    expect(res.body).not.toContain('Quintard');
    expect(res.body).not.toContain('Zoé');
  });
});
