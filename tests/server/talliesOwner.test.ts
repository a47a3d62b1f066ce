// A mediator's tallies and exports count only her own records, even when her accompaniments name
// another mediator's permanence or beneficiary by id (ids are not secret, references are not
// checked at push): nothing of the other's records — counts, communes, relays, people's traits,
// CSV cells — may reach her.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/domain/csv';
import { SEED_RELAYS } from '../../src/domain/seed';
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

const relay = SEED_RELAYS[SEED_RELAYS.length - 1];
const get = (url: string, headers: Record<string, string>) => s.app.inject({ url, headers });

describe('a mediator’s tallies and exports', () => {
  it('never count or show another mediator’s permanences and beneficiaries named by her accompaniments', async () => {
    // Béa's records: a permanence in the week, one the week before, a beneficiary.
    const inWeek = op({ entity: 'permanence', data: permanence({ date: '2026-11-24', communeInsee: '34157', relayId: relay.id }) as never });
    const before = op({ entity: 'permanence', data: permanence({ date: '2026-11-17', communeInsee: '34157', relayId: relay.id }) as never });
    const person = op({
      entity: 'beneficiary',
      data: {
        firstName: 'L',
        lastName: 'M',
        birthYear: 1950,
        residenceInsee: '34301',
        phone: null,
        noPhone: true,
        gender: 'female',
        socialStatus: 'retired',
        public: 'insertion_employee',
        qpv: true,
        consentedOn: '2026-10-01',
        note: null,
      },
    });
    expect((await push(s.app, bea.headers, [inWeek, before, person])).json().results.map((r: { status: string }) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    // Anne's accompaniments name them by id.
    const mine = (over: Parameters<typeof accompaniment>[0]) =>
      op({ data: accompaniment({ date: '2026-11-25', communeInsee: '34301', placeType: 'relay', ...over }) as never });
    await push(s.app, anne.headers, [
      mine({ permanenceId: inWeek.id }),
      mine({ permanenceId: before.id }),
      mine({ permanenceId: null, placeType: 'agency', beneficiaryId: person.id, anonymous: null }),
    ]);

    // The coordinator sees Béa's records: the data to leak is there.
    const all = (await get('/api/v1/tallies?week=2026-W48', admin)).json();
    expect(all.totals.permanences).toBe(1);
    expect(all.byCommune['34157']).toMatchObject({ permanences: 1 });
    expect(all.byRelay[relay.id]).toBe(2);
    expect(all.totals.qpvPeople).toBe(1);

    const own = (await get('/api/v1/tallies?week=2026-W48', anne.headers)).json();
    expect(own.totals).toMatchObject({ permanences: 0, accompaniments: 3, qpvPeople: 0 });
    expect(own.peoplePerPermanence).toBeNull();
    expect(Object.keys(own.byCommune)).toEqual(['34301']);
    expect(own.byRelay[relay.id]).toBeUndefined();
    expect(own.byGender.female).toBeUndefined();
    expect(own.byAgeBracket['70+']).toBeUndefined();
    expect(own.byPublic.insertion_employee).toBeUndefined();
    expect(own.bySocialStatus.retired).toBeUndefined();
    // Filtering by Béa's relay finds nothing of Anne's.
    expect((await get(`/api/v1/tallies?week=2026-W48&relay=${relay.id}`, anne.headers)).json().totals.accompaniments).toBe(0);

    const csv = parseCsv((await get('/api/v1/exports/accompaniments.csv?week=2026-W48', anne.headers)).body);
    expect(csv).toHaveLength(4);
    expect(csv.flat()).not.toContain(String(relay.data.name));
    const summary = parseCsv((await get('/api/v1/exports/tallies.csv?week=2026-W48', anne.headers)).body);
    const at = summary.findIndex((r) => r[0] === 'Synthèse');
    expect(summary[at + 2]).toEqual(['Permanences', '0']);
    expect(summary.flat()).not.toContain(String(relay.data.name));
  });
});
