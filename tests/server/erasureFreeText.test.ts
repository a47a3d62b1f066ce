// After an erasure, a visit naming her pushed by an offline tablet (an edit on the version before
// the erasure, or a new visit) brings none of her free text back onto the server: not in the
// record, not in the op log's copy of a conflict, not after "keep mine".
import { afterEach, beforeEach, expect, it } from 'vitest';
import { accompaniment } from '../unit/fixtures';
import { enrol, op, push, testServer, type TestServer } from './helpers';
import { person } from './people';

let s: TestServer;
let anne: Awaited<ReturnType<typeof enrol>>;
let coline: Awaited<ReturnType<typeof enrol>>;
beforeEach(async () => {
  s = await testServer();
  anne = await enrol(s.app, 'Anne');
  coline = await enrol(s.app, 'Coline', 'coordinator');
});
afterEach(async () => {
  await s.close();
});
const storedText = async () => JSON.stringify(await Promise.all(['records', 'ops'].map((t) => s.sql(`SELECT * FROM ${t}`))));
const erase = async (id: string) => (await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${id}/erase`, headers: coline.headers })).statusCode;

it('an offline edit of her visit on the version before the erasure keeps no copy of its note, even after "keep mine"', async () => {
  const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
  const v = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2026-11-24', note: 'Zoé Quintard, 3 rue des Lilas' }) as never });
  expect((await push(s.app, anne.headers, [zoe, v])).json().results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied']);
  expect(await erase(zoe.id)).toBe(200);
  expect(await storedText()).not.toContain('Lilas');
  const data = accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2026-11-24', note: 'Zoé Quintard, 3 rue des Lilas, rappeler' });
  const edit = op({ id: v.id, baseVersion: 1, data: data as never });
  const r = (await push(s.app, anne.headers, [edit])).json().results[0];
  expect(r.status).toBe('conflict');
  expect(await storedText()).not.toContain('Lilas');
  // "Keep mine": the same change again on the server's version.
  const mine = op({ id: v.id, baseVersion: r.current.version, data: data as never });
  expect((await push(s.app, anne.headers, [mine])).json().results[0].status).toBe('applied');
  expect(await storedText()).not.toContain('Lilas');
});

it('a new visit naming her, made offline before the erasure, is counted but stored without its free text', async () => {
  const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
  await push(s.app, anne.headers, [zoe]);
  expect(await erase(zoe.id)).toBe(200);
  const late = op({
    data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, date: '2026-11-28', note: 'Zoé Quintard, 3 rue des Lilas' }) as never,
  });
  expect((await push(s.app, anne.headers, [late])).json().results[0].status).toBe('applied');
  expect(await storedText()).not.toContain('Lilas');
  const row = (await s.one(`SELECT data FROM records WHERE id = ?`, late.id))?.data as string;
  expect(JSON.parse(row)).toMatchObject({ beneficiaryId: zoe.id, date: '2026-11-28', note: null });
});

it('a visit naming a record merged into her, pushed after her erasure, is stored without its free text', async () => {
  const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
  const dup = op({ entity: 'beneficiary', data: person({ firstName: 'Zoe', lastName: 'Quintard' }) as never });
  await push(s.app, anne.headers, [zoe, dup]);
  const merged = await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${dup.id}/merge`, headers: coline.headers, payload: { into: zoe.id } });
  expect(merged.statusCode).toBe(200);
  expect(await erase(zoe.id)).toBe(200);
  const late = op({ data: accompaniment({ beneficiaryId: dup.id, anonymous: null, date: '2026-11-28', note: 'Zoé, 3 rue des Lilas' }) as never });
  expect((await push(s.app, anne.headers, [late])).json().results[0].status).toBe('applied');
  expect(await storedText()).not.toContain('Lilas');
});
