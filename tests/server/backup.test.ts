// Backups and restores (issue item 15): cursors name their database, so tablets of a restored
// server start again instead of silently skipping what the restore took away.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/server/backup';
import { accompaniment } from '../unit/fixtures';
import { admin, enrol, op, pullAll, push, testServer, type TestServer } from './helpers';
import { person } from './people';

/** These tests read the SQLite store directly (backups are of the SQLite file). */
const sqlite = () => s.repo as SqliteRepository;

let dir: string;
let s: TestServer;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relais-backup-'));
  s = await testServer({}, path.join(dir, 'data'));
});
afterEach(async () => {
  await s.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const pull = (since: string, headers: Record<string, string>) => s.app.inject({ url: `/api/v1/sync/pull?since=${encodeURIComponent(since)}`, headers });

describe('pull cursors', () => {
  it('name the database: `<dbId>.<seq>`; a legacy number, a future seq or another database gets 409 cursor_reset', async () => {
    const anne = await enrol(s.app, 'Anne');
    const { cursor } = await pullAll(s.app, anne.headers);
    expect(cursor).toMatch(/^[0-9a-f]{16}\.\d+$/);
    expect((await pull(cursor, anne.headers)).statusCode).toBe(200);
    const [dbId, seq] = cursor.split('.');
    for (const stale of [seq, `${dbId}.${Number(seq) + 1}`, `0123456789abcdef.${seq}`]) {
      const res = await pull(stale, anne.headers);
      expect(res.statusCode, stale).toBe(409);
      expect(res.json()).toEqual({ error: { code: 'cursor_reset', message: expect.any(String) } });
    }
    expect((await pull('not-a-cursor', anne.headers)).statusCode).toBe(400);
  });
});

describe('backup and restore', () => {
  it('erases again, in the restored database, the people erased since the backup', async () => {
    const anne = await enrol(s.app, 'Anne');
    const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard', note: 'Sa fille l’aide' }) as never });
    const visit = op({ data: accompaniment({ beneficiaryId: zoe.id, anonymous: null, note: 'APL de Zoé' }) as never });
    await push(s.app, anne.headers, [zoe, visit]);
    const backup = path.join(dir, 'relais-backup.sqlite');
    await backupDatabase(s.file, backup);
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/beneficiaries/${zoe.id}/erase`, headers: admin })).statusCode).toBe(200);

    await s.stop();
    expect(restoreDatabase(s.file, backup).reErased).toBe(1);
    expect(existsSync(`${s.file}-wal`)).toBe(false);
    s = await testServer({}, path.join(dir, 'data'));
    const { changes } = await pullAll(s.app, anne.headers);
    expect(changes.find((c) => c.id === zoe.id)).toMatchObject({ deleted: true, data: {}, erased: true });
    expect(changes.find((c) => c.id === visit.id)).toMatchObject({ deleted: false, data: { note: null } });
    const text = JSON.stringify([sqlite().db.prepare(`SELECT * FROM records`).all(), sqlite().db.prepare(`SELECT * FROM ops`).all()]);
    expect(text).not.toContain('Quintard');
    expect(text).not.toContain('APL de Zoé');
    const audit = sqlite().db.prepare(`SELECT actor_name, action, record_id FROM audit WHERE action = 'erase'`).all();
    expect(audit).toEqual([{ actor_name: 'Restauration', action: 'erase', record_id: zoe.id }]);
  });

  it('restores a snapshot taken while running; old cursors get cursor_reset and a pull from the start lists the restored state', async () => {
    const anne = await enrol(s.app, 'Anne');
    const before = op();
    await push(s.app, anne.headers, [before]);
    const { cursor } = await pullAll(s.app, anne.headers);

    const backup = path.join(dir, 'relais-backup.sqlite');
    const { dbId } = await backupDatabase(s.file, backup);
    expect(dbId).not.toBe(cursor.split('.')[0]);
    const after = op();
    await push(s.app, anne.headers, [after]);
    expect(() => restoreDatabase(s.file, backup)).toThrow(/arrêtez le serveur/);

    await s.stop();
    const restored = restoreDatabase(s.file, backup);
    expect(restored.dbId).toMatch(/^[0-9a-f]{16}$/);
    expect(restored.dbId).not.toBe(dbId);
    expect(existsSync(`${s.file}-wal`)).toBe(false);
    s = await testServer({}, path.join(dir, 'data'));

    const stale = await pull(cursor, anne.headers);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('cursor_reset');
    const fresh = await pullAll(s.app, anne.headers);
    const ids = fresh.changes.map((c) => c.id);
    expect(ids).toContain(before.id);
    expect(ids).not.toContain(after.id);
    expect(fresh.cursor.split('.')[0]).toBe(restored.dbId);
    // The tablet resends what the restored server lacks: applied again at version 1.
    expect((await push(s.app, anne.headers, [op({ id: after.id, data: after.data })])).json().results[0]).toMatchObject({ status: 'applied', version: 1 });
    // Versions restored from the backup say so; versions written since do not.
    const again = await pullAll(s.app, anne.headers);
    expect(again.changes.find((c) => c.id === before.id)).toMatchObject({ fromBackup: true });
    expect(again.changes.find((c) => c.id === after.id)).not.toHaveProperty('fromBackup');
  });

  it('never marks changes of a database that was not restored', async () => {
    const anne = await enrol(s.app, 'Anne');
    await push(s.app, anne.headers, [op()]);
    const { changes } = await pullAll(s.app, anne.headers);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.some((c) => 'fromBackup' in c)).toBe(false);
  });

  it('runs as `npm run backup` into a dated file under the data folder', async () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/server/backupCli.ts', 'backup'], {
      env: { ...process.env, RELAIS_DATA_DIR: path.join(dir, 'data') },
      encoding: 'utf8',
    });
    const file = /Sauvegarde écrite : (.+)$/m.exec(out)?.[1] ?? '';
    expect(file).toMatch(/data\/backups\/relais-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.sqlite$/);
    expect(existsSync(file)).toBe(true);
  });
});
