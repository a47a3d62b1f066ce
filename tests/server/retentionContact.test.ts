// Retention's "last contact" (domain.md §5): only days that have come count. A follow-up due or a
// mandate expiring years ahead must not keep a person's name forever; an edit of her own record is
// a contact.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ANONYMOUS_NAME } from '../../src/domain/anonymise';
import { runDailyJob } from '../../src/server/retentionJob';
import { enrol, op, push, testServer, type TestServer } from './helpers';
import { followup, mandate, person } from './people';

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
const lastName = async (id: string) => JSON.parse((await s.one(`SELECT data FROM records WHERE id = ?`, id))?.data as string).lastName;

it('a follow-up due, or a mandate expiring, in the future does not count as contact', async () => {
  const lea = op({ entity: 'beneficiary', data: person({ lastName: 'Bernardin' }) as never });
  const zoe = op({ entity: 'beneficiary', data: person({ lastName: 'Quintard' }) as never });
  const late = op({ entity: 'followup', data: followup(lea.id, { dueOn: '2028-11-01' }) as never });
  const long = op({ entity: 'mandate', data: mandate(zoe.id, { signedOn: '2026-01-05' }) as never });
  const results = (await push(s.app, anne.headers, [lea, zoe, late, long])).json().results;
  expect(results).toMatchObject([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
  // A one-month period, run on 2026-12-10: no contact since 2026-11-02 (the day they were stored);
  // Léa's follow-up is due in 2028, Zoé's mandate expires on 2027-01-06: both are anonymised.
  const report = await runDailyJob(s.repo, new Date('2026-12-10T10:00:00Z'), 1);
  expect(report.cutoff).toBe('2026-11-10');
  expect(await lastName(lea.id)).toBe(ANONYMOUS_NAME);
  expect(await lastName(zoe.id)).toBe(ANONYMOUS_NAME);
});

it('an edit of her own record counts as contact', async () => {
  const lea = op({ entity: 'beneficiary', data: person({ lastName: 'Bernardin' }) as never });
  await push(s.app, anne.headers, [lea]);
  clock = new Date('2028-03-01T09:00:00.000Z');
  const edit = op({
    entity: 'beneficiary',
    id: lea.id,
    baseVersion: 1,
    data: person({ lastName: 'Bernardin', phone: '06 98 76 54 32', noPhone: false }) as never,
  });
  expect((await push(s.app, anne.headers, [edit])).json().results[0].status).toBe('applied');
  await runDailyJob(s.repo, new Date('2029-01-06T10:00:00Z'), 24);
  expect(await lastName(lea.id)).toBe('Bernardin');
  await runDailyJob(s.repo, new Date('2030-03-02T10:00:00Z'), 24);
  expect(await lastName(lea.id)).toBe(ANONYMOUS_NAME);
});
