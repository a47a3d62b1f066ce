// An erasure and its audit entry commit together: if the entry cannot be written, nothing of the
// erasure is kept (she is still there, and the coordinator can try again), and never the reverse.
import type { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { ENGINE } from './engine';
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

/** The SQLite handle (a trigger makes the audit log refuse writes there; a CHECK does on PostgreSQL). */
const sqliteDb = () => (s.repo as SqliteRepository).db;

it('an erasure whose audit entry cannot be written is not kept', async () => {
  const anne = await enrol(s.app, 'Anne');
  const coline = await enrol(s.app, 'Coline', 'coordinator');
  const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
  await push(s.app, anne.headers, [zoe]);
  // The audit log refuses writes (a full disk, a broken table…).
  if (ENGINE === 'sqlite') sqliteDb().exec(`CREATE TRIGGER audit_down BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit down'); END`);
  else await s.sql(`ALTER TABLE audit ADD CONSTRAINT audit_down CHECK (false) NOT VALID`);
  const res = await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${zoe.id}/erase`, headers: coline.headers });
  expect(res.statusCode).toBe(500);
  expect(await s.sql(`SELECT id FROM erased`)).toEqual([]);
  expect(JSON.parse((await s.one(`SELECT data FROM records WHERE id = ?`, zoe.id))?.data as string).lastName).toBe('Quintard');

  if (ENGINE === 'sqlite') sqliteDb().exec(`DROP TRIGGER audit_down`);
  else await s.sql(`ALTER TABLE audit DROP CONSTRAINT audit_down`);
  expect((await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${zoe.id}/erase`, headers: coline.headers })).statusCode).toBe(200);
  const entries = await s.sql(`SELECT actor_name, record_id FROM audit WHERE action = 'erase'`);
  expect(entries).toEqual([{ actor_name: 'Coline', record_id: zoe.id }]);
});
