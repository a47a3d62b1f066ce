// Opens a database file written by an older version of the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION } from '../../src/server/store/sqlite/migrations';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { op } from './helpers';

describe('server migrations', () => {
  it('upgrades a version 1 database file, keeping users, devices and records', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-mig-'));
    const file = path.join(dir, 'relais.sqlite');
    try {
      const old = new SqliteRepository(file, { migrateUpTo: 1 });
      expect(old.db.pragma('user_version', { simple: true })).toBe(1);
      const device = old.createDevice({
        id: 'd1',
        label: 'T',
        tokenHash: 'h',
        enrolment: { role: 'mediator', name: 'Anne', expiresAt: '' },
        createdAt: '2026-01-01T00:00:00Z',
        newUserId: 'u1',
      });
      const record = op();
      old.push({ userId: device.user.id, role: 'mediator', deviceId: 'd1' }, [record], '2026-01-01T00:00:00Z');
      old.close();

      const current = new SqliteRepository(file);
      expect(current.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(current.findDeviceByTokenHash('h')?.user.name).toBe('Anne');
      const pulled = current.pull({ userId: 'u1', role: 'mediator' }, 0, 1000).changes;
      expect(pulled.map((c) => c.id)).toContain(record.id);
      expect(pulled.filter((c) => c.entity === 'relay')).toHaveLength(8);
      // Records pushed before the upgrade keep their place before the seeded ones in the cursor order.
      expect(pulled[0].id).toBe(record.id);
      current.close();
      // Opening again applies nothing twice.
      const reopened = new SqliteRepository(file);
      expect(reopened.pull({ userId: 'u1', role: 'mediator' }, 0, 1000).changes.filter((c) => c.entity === 'procedure').length).toBeGreaterThan(15);
      expect((reopened.db.prepare("SELECT COUNT(*) AS n FROM records WHERE entity = 'relay'").get() as { n: number }).n).toBe(8);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
