// An erasure and its audit entry commit together: if the entry cannot be written, nothing of the
// erasure is kept (she is still there, and the coordinator can try again), and never the reverse.
import type { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { enrol, op, push, testServer, type TestServer } from './helpers';
import { person } from './people';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  await s.close();
});
const db = () => (s.repo as SqliteRepository).db;

it('an erasure whose audit entry cannot be written is not kept', async () => {
  const anne = await enrol(s.app, 'Anne');
  const coline = await enrol(s.app, 'Coline', 'coordinator');
  const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
  await push(s.app, anne.headers, [zoe]);
  // The audit log refuses writes (a full disk, a broken table…).
  db().exec(`CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit down'); END`);
  const res = await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${zoe.id}/erase`, headers: coline.headers });
  expect(res.statusCode).toBe(500);
  expect(db().prepare(`SELECT COUNT(*) FROM erased`).pluck().get()).toBe(0);
  expect(JSON.parse(db().prepare(`SELECT data FROM records WHERE id = ?`).pluck().get(zoe.id) as string).lastName).toBe('Quintard');

  db().exec(`DROP TRIGGER audit_down`);
  expect((await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${zoe.id}/erase`, headers: coline.headers })).statusCode).toBe(200);
  const entries = db().prepare(`SELECT actor_name, record_id FROM audit WHERE action = 'erase'`).all();
  expect(entries).toEqual([{ actor_name: 'Coline', record_id: zoe.id }]);
});
