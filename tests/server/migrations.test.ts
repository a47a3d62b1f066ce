// Opens a database file written by an older version of the server.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PullAnswer } from '../../src/domain/sync';
import { openSqliteDatabase } from '../../src/server/store/sqlite/database';
import { LATEST_VERSION, migrate } from '../../src/server/store/sqlite/migrations';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { accompanimentFact, encodeDims } from '../../src/domain/tallyFacts';
import { accompaniment } from '../unit/fixtures';

describe('server migrations', () => {
  it('upgrades a version 1 database file, keeping users, devices and records', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-mig-'));
    const file = path.join(dir, 'relais.sqlite');
    try {
      // What the first version of the server wrote: a user, a device, one pushed record and its op.
      const old = openSqliteDatabase(file);
      expect(migrate(old, 1)).toBe(1);
      const id = randomUUID();
      const at = '2026-01-01T00:00:00Z';
      old.prepare(`INSERT INTO users (id, name, name_key, role, created_at) VALUES ('u1', 'Anne', 'anne', 'mediator', ?)`).run(at);
      old.prepare(`INSERT INTO devices (id, user_id, label, token_hash, created_at) VALUES ('d1', 'u1', 'T', 'h', ?)`).run(at);
      old
        .prepare(
          `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_device, updated_at, seq)
           VALUES (?, 'accompaniment', 1, 0, ?, 'u1', 'u1', ?, 'u1', 'd1', ?, 1)`,
        )
        .run(id, JSON.stringify(accompaniment()), at, at);
      old
        .prepare(
          `INSERT INTO ops (op_id, user_id, device_id, entity, record_id, base_version, deleted, status, version, received_at)
           VALUES (?, 'u1', 'd1', 'accompaniment', ?, 0, 0, 'applied', 1, ?)`,
        )
        .run(randomUUID(), id, at);
      old.prepare(`UPDATE counters SET value = 1 WHERE name = 'seq'`).run();
      old.close();

      const current = SqliteRepository.open(file);
      expect(current.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect((await current.findDeviceByTokenHash('h'))?.user.name).toBe('Anne');
      const pulled = ((await current.pull({ userId: 'u1', role: 'mediator' }, null, 1000)) as PullAnswer).changes;
      expect(pulled.map((c) => c.id)).toContain(id);
      expect(pulled.filter((c) => c.entity === 'relay')).toHaveLength(8);
      // Records pushed before the upgrade keep their place before the seeded ones in the cursor order.
      expect(pulled[0].id).toBe(id);
      // The upgrade gives the database an identity, named by its cursors.
      const dbId = await current.databaseId();
      expect(dbId).toMatch(/^[0-9a-f]{16}$/);
      expect(((await current.pull({ userId: 'u1', role: 'mediator' }, null, 1000)) as PullAnswer).cursor).toMatch(new RegExp(`^${dbId}\\.\\d+$`));
      await current.close();
      // Opening again applies nothing twice.
      const reopened = SqliteRepository.open(file);
      expect(await reopened.databaseId()).toBe(dbId);
      expect(
        ((await reopened.pull({ userId: 'u1', role: 'mediator' }, null, 1000)) as PullAnswer).changes.filter((c) => c.entity === 'procedure').length,
      ).toBeGreaterThan(15);
      expect((reopened.db.prepare("SELECT COUNT(*) AS n FROM records WHERE entity = 'relay'").get() as { n: number }).n).toBe(8);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recomputes user name keys in NFC, keeping users that now share a name apart (version 4)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-mig-'));
    const file = path.join(dir, 'relais.sqlite');
    try {
      // Version 3 keyed names without NFC: "Hélène" typed twice, with combining accents and
      // precomposed, made two users.
      const old = openSqliteDatabase(file);
      expect(migrate(old, 3)).toBe(3);
      const insert = old.prepare(`INSERT INTO users (id, name, name_key, role, created_at) VALUES (?, ?, ?, 'mediator', ?)`);
      const decomposed = 'He\u0301le\u0300ne';
      insert.run('u-old', decomposed, decomposed.toLocaleLowerCase('fr-FR'), '2026-01-01T00:00:00Z');
      insert.run('u-new', 'H\u00e9l\u00e8ne ', 'h\u00e9l\u00e8ne', '2026-02-01T00:00:00Z');
      insert.run('u-anne', 'Anne', 'anne', '2026-01-15T00:00:00Z');
      old.close();

      const current = SqliteRepository.open(file);
      const rows = current.db.prepare(`SELECT id, name, name_key FROM users ORDER BY id`).all();
      expect(rows).toEqual([
        { id: 'u-anne', name: 'Anne', name_key: 'anne' },
        { id: 'u-new', name: 'H\u00e9l\u00e8ne', name_key: ' h\u00e9l\u00e8ne u-new' },
        { id: 'u-old', name: 'H\u00e9l\u00e8ne', name_key: 'h\u00e9l\u00e8ne' },
      ]);
      // New devices for that name join the oldest user, however the name is typed.
      expect((await current.findUserByName('H\u00c9L\u00c8NE'))?.id).toBe('u-old');
      expect((await current.findUserByName(decomposed))?.id).toBe('u-old');
      await current.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the tally facts of a version 9 database under their records' seq, and derives again those of records changed since (version 10)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relais-mig-'));
    const file = path.join(dir, 'relais.sqlite');
    try {
      // Version 9 kept one fact per live accompaniment keyed (date, id), current up to facts_seq.
      const old = openSqliteDatabase(file);
      expect(migrate(old, 9)).toBe(9);
      const at = '2026-11-24T10:00:00Z';
      old.prepare(`INSERT INTO users (id, name, name_key, role, created_at) VALUES ('u1', 'Anne', 'anne', 'mediator', ?)`).run(at);
      const record = old.prepare(
        `INSERT INTO records (id, entity, version, deleted, data, owner_id, created_by, created_at, updated_by, updated_at, seq)
         VALUES (?, 'accompaniment', 1, ?, ?, 'u1', 'u1', ?, 'u1', ?, ?)`,
      );
      const fact = old.prepare(
        `INSERT INTO accompaniment_facts (date, id, owner_id, created_by, permanence_id, beneficiary_id, dims) VALUES (?, ?, 'u1', 'u1', ?, ?, ?)`,
      );
      const putFact = (id: string, data: ReturnType<typeof accompaniment>) => {
        const f = accompanimentFact(id, data, 'u1');
        fact.run(f.date, id, f.permanenceId, f.beneficiaryId, encodeDims(f));
      };
      const seed = (old.prepare(`SELECT value FROM counters WHERE name = 'seq'`).get() as { value: number }).value;
      const [kept, moved, deleted] = [randomUUID(), randomUUID(), randomUUID()];
      // Current facts (up to facts_seq): `kept`, and `moved` and `deleted` as they were then…
      record.run(kept, 0, JSON.stringify(accompaniment({ date: '2026-11-20' })), at, at, seed + 1);
      putFact(kept, accompaniment({ date: '2026-11-20' }));
      putFact(moved, accompaniment({ date: '2026-11-21' }));
      putFact(deleted, accompaniment({ date: '2026-11-22' }));
      old.prepare(`UPDATE counters SET value = ? WHERE name = 'facts_seq'`).run(seed + 3);
      // …then changed after facts_seq (a new date; a deletion), their facts not yet caught up.
      record.run(moved, 0, JSON.stringify(accompaniment({ date: '2026-11-23' })), at, at, seed + 4);
      record.run(deleted, 1, '{}', at, at, seed + 5);
      old.prepare(`UPDATE counters SET value = ? WHERE name = 'seq'`).run(seed + 5);
      old.close();

      const current = SqliteRepository.open(file);
      const facts = () => current.db.prepare(`SELECT id, date, seq FROM accompaniment_facts ORDER BY date`).all();
      expect(facts()).toEqual([
        { id: kept, date: '2026-11-20', seq: seed + 1 },
        { id: moved, date: '2026-11-23', seq: seed + 4 },
      ]);
      const week = { from: '2026-11-16', to: '2026-11-30' };
      expect((await current.tallyFacts({ period: week, individual: true })).accompaniments.map((a) => [a.id, a.date])).toEqual([
        [kept, '2026-11-20'],
        [moved, '2026-11-23'],
      ]);
      // Facts written before the upgrade follow the next change of their record (a new seq).
      const results = await current.push(
        { userId: 'u1', role: 'mediator', deviceId: null },
        [{ opId: randomUUID(), entity: 'accompaniment', id: kept, baseVersion: 1, deleted: false, data: accompaniment({ date: '2026-11-26' }) as never }],
        at,
      );
      expect(results[0].status).toBe('applied');
      await new Promise((resolve) => setImmediate(resolve)); // the push's facts are written just after its answer
      // Version 11's triggers find the replaced fact by (date, seq): the one written before the upgrade goes.
      expect(facts()).toEqual([
        { id: moved, date: '2026-11-23', seq: seed + 4 },
        { id: kept, date: '2026-11-26', seq: seed + 6 },
      ]);
      await current.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
