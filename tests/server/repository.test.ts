// The repository's structure: engine-neutral interface, async methods, statements prepared once.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { ENGINE } from './engine';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';

let s: TestServer;
beforeEach(async () => {
  s = await testServer();
});
afterEach(async () => {
  await s.close();
});

describe('repository', () => {
  it('names no storage engine in its interface', () => {
    const source = readFileSync(new URL('../../src/server/store/repository.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from '\.\/sqlite\//);
    expect(source).not.toMatch(/better-sqlite3/);
  });

  it('answers with promises', async () => {
    const answer = s.repo.countUsers();
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(0);
  });

  // SQLite: every statement is prepared once (PostgreSQL has no prepared statements to count).
  if (ENGINE === 'sqlite')
    it('prepares no statement while serving requests', async () => {
      const db = (s.repo as SqliteRepository).db;
      const original = db.prepare.bind(db);
      let prepared = 0;
      db.prepare = ((sql: string) => {
        prepared++;
        return original(sql);
      }) as typeof db.prepare;
      try {
        const anne = await enrol(s.app, 'Anne');
        const a = op();
        await push(s.app, anne.headers, [a, op()]);
        await push(s.app, anne.headers, [op({ id: a.id, baseVersion: 1 })]);
        await pullAll(s.app, anne.headers);
        await s.app.inject({ url: '/api/v1/devices', headers: admin });
        await s.app.inject({ url: '/api/v1/tallies?week=2026-W48', headers: admin });
        await s.app.inject({ url: '/api/v1/tallies?week=2026-W48', headers: anne.headers });
        await s.app.inject({ url: '/api/v1/exports/accompaniments.csv?from=2026-11-01&to=2026-11-30', headers: admin });
        await s.app.inject({ url: '/api/v1/exports/tallies.csv?week=2026-W48', headers: admin });
        expect(prepared).toBe(0);
      } finally {
        db.prepare = original;
      }
    });
});
