// Tally facts follow every push, on both engines: once a push is answered (PostgreSQL: in its own
// transaction; SQLite: just after the answer, before the next macrotask), the fact tables hold
// exactly the live accompaniments and permanences, so the first tally after a bulk load has
// nothing to catch up. factsHandOver.test.ts interleaves other writes with SQLite's moment.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accompaniment, permanence } from '../unit/fixtures';
import { admin, enrol, op, push, testServer, type TestServer } from './helpers';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  await s.close();
});

const answered = () => new Promise((resolve) => setImmediate(resolve));
const count = async (table: string) => (await s.one(`SELECT COUNT(*) AS n FROM ${table}`))?.n as number;

describe('tally facts at push time', () => {
  it('follow creations, edits (a new date), deletions and permanences, before any tally', async () => {
    const anne = await enrol(s.app, 'Anne');
    const a = op({ data: accompaniment({ date: '2026-11-24' }) as never });
    const b = op();
    const p = op({ entity: 'permanence', data: permanence() as never });
    await push(s.app, anne.headers, [a, b, p]);
    await answered();
    expect(await count('accompaniment_facts')).toBe(2);
    expect(await count('permanence_facts')).toBe(1);

    const edits = await push(s.app, anne.headers, [
      op({ id: a.id, baseVersion: 1, data: accompaniment({ date: '2026-11-25' }) as never }),
      op({ id: b.id, baseVersion: 1, deleted: true, data: {} }),
      op({ entity: 'permanence', id: p.id, baseVersion: 1, deleted: true, data: {} }),
    ]);
    expect(edits.json().results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);
    await answered();
    expect(await s.sql(`SELECT id, date FROM accompaniment_facts`)).toEqual([{ id: a.id, date: '2026-11-25' }]);
    expect(await count('permanence_facts')).toBe(0);
    const tally = (await s.app.inject({ url: '/api/v1/tallies?from=2026-11-01&to=2026-11-30', headers: admin })).json();
    expect(tally.totals.accompaniments).toBe(1);
  });

  it('keep one fact per live accompaniment, at its last date, when one batch creates and edits it twice', async () => {
    const anne = await enrol(s.app, 'Anne');
    const a = op({ data: accompaniment({ date: '2026-11-20' }) as never });
    const other = op({ data: accompaniment({ date: '2026-11-20' }) as never });
    const res = await push(s.app, anne.headers, [
      a,
      other,
      op({ id: a.id, baseVersion: 1, data: accompaniment({ date: '2026-11-21' }) as never }),
      op({ id: a.id, baseVersion: 2, data: accompaniment({ date: '2026-11-22' }) as never }),
      op({ id: other.id, baseVersion: 1, deleted: true, data: {} }),
    ]);
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    await answered();
    expect(await s.sql(`SELECT id, date FROM accompaniment_facts`)).toEqual([{ id: a.id, date: '2026-11-22' }]);
    const tally = (await s.app.inject({ url: '/api/v1/tallies?from=2026-11-01&to=2026-11-30', headers: admin })).json();
    expect(tally.totals.accompaniments).toBe(1);
  });
});
