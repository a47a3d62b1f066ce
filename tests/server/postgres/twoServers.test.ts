// Two server processes (the compiled server run by plain `node`, as in production; real HTTP) on one PostgreSQL, receiving
// overlapping batches at once: the same batch on both, devices interleaved, competing edits. No
// op applies twice, no update is lost (a stale edit is a conflict, never an overwrite), and a
// coordinator's tablet pulling from both servers throughout receives every change exactly once at
// each version it pulls, and ends at every record's latest version.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accompaniment } from '../../unit/fixtures';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { admin, op } from '../helpers';
import { spawnServer, type Child } from '../spawn';

let servers: Child[] = [];
let schema: string;
let dir: string;

beforeAll(async () => {
  schema = await freshSchema();
  dir = mkdtempSync(path.join(tmpdir(), 'relais-two-'));
  const env = { DATABASE_URL: schemaUrl(schema), RELAIS_DATA_DIR: dir };
  // `npm test` builds it first; a run of this file alone builds it here.
  if (!existsSync('dist-server/server/main.js')) execFileSync('npm', ['run', 'build:server'], { stdio: 'ignore' });
  servers = await Promise.all([spawnServer(env, { compiled: true }), spawnServer(env, { compiled: true })]); // both migrate at once
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

const call = async (base: string, method: string, url: string, headers: Record<string, string>, body?: unknown) => {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return JSON.parse(text);
};

async function enrolOn(base: string, name: string, role = 'mediator') {
  const { code } = await call(base, 'POST', '/api/v1/enrolments', admin, { role, name });
  const d = await call(base, 'POST', '/api/v1/devices', {}, { code, label: `Tablette ${name}` });
  return { authorization: `Bearer ${d.token}` };
}

type Change = { id: string; version: number; deleted: boolean; data: Record<string, unknown> };

describe('two app servers on one PostgreSQL', () => {
  it('name their engine in health', async () => {
    for (const s of servers) expect(await call(s.base, 'GET', '/api/v1/health', {})).toMatchObject({ engine: 'postgres' });
  });

  it('apply overlapping batches once, lose no update, and a tablet pulling throughout gets every change exactly once', async () => {
    const [s1, s2] = servers;
    const anne = await enrolOn(s1.base, 'Anne');
    const bruno = await enrolOn(s2.base, 'Bruno');
    const chloe = await enrolOn(s1.base, 'Chloé', 'coordinator');

    // The tablet pulling throughout, alternately from each server.
    const received: Change[] = [];
    let cursor = '';
    let pushing = true;
    const puller = (async () => {
      for (let turn = 0; pushing; turn++) {
        const page = await call(servers[turn % 2].base, 'GET', `/api/v1/sync/pull?since=${cursor}&limit=200`, chloe);
        received.push(...page.changes);
        cursor = page.cursor;
      }
    })();

    const push = (base: string, headers: Record<string, string>, ops: unknown[]) =>
      call(base, 'POST', '/api/v1/sync/push', headers, { ops }).then((r) => r.results as { opId: string; status: string; version?: number }[]);

    // 1. Creations: each device's batches sent to both servers at once, devices interleaved.
    const creations = { anne: [] as ReturnType<typeof op>[], bruno: [] as ReturnType<typeof op>[] };
    const rounds = [];
    for (let round = 0; round < 6; round++) {
      const a = Array.from({ length: 40 }, () => op());
      const b = Array.from({ length: 40 }, () => op());
      creations.anne.push(...a);
      creations.bruno.push(...b);
      rounds.push(Promise.all([push(s1.base, anne, a), push(s2.base, anne, a), push(s2.base, bruno, b), push(s1.base, bruno, b)]));
    }
    for (const [a1, a2, b1, b2] of await Promise.all(rounds)) {
      for (const [x, y] of [
        [a1, a2],
        [b1, b2],
      ]) {
        // Each op applied on exactly one server; the other answers duplicate with the same version.
        x.forEach((r, i) => {
          expect([r.status, y[i].status].sort()).toEqual(['applied', 'duplicate']);
          expect(r.version).toBe(1);
          expect(y[i].version).toBe(1);
        });
      }
    }

    // 2. Competing edits of the same records, both made on version 1, on different servers: one
    //    applies, the other is a conflict (never a silent overwrite).
    const targets = creations.anne.slice(0, 60);
    const edit = (o: ReturnType<typeof op>, minutes: number) => op({ id: o.id, baseVersion: 1, data: accompaniment({ durationMinutes: minutes }) as never });
    const left = targets.map((o) => edit(o, 111));
    const right = targets.map((o) => edit(o, 222));
    const [l, r] = await Promise.all([push(s1.base, anne, left), push(s2.base, anne, right)]);
    const winners = new Map<string, number>();
    targets.forEach((o, i) => {
      expect([l[i].status, r[i].status].sort()).toEqual(['applied', 'conflict']);
      winners.set(o.id, l[i].status === 'applied' ? 111 : 222);
    });
    // And the same edit batch again on both servers: duplicates only.
    const [l2, r2] = await Promise.all([push(s2.base, anne, left), push(s1.base, anne, left)]);
    for (const x of [...l2, ...r2]) expect(['duplicate', 'conflict']).toContain(x.status);

    pushing = false;
    await puller;
    for (;;) {
      const page = await call(s2.base, 'GET', `/api/v1/sync/pull?since=${cursor}&limit=500`, chloe);
      received.push(...page.changes);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }

    // No (record, version) twice; versions of a record only go up; each ends at its latest.
    const mine = received.filter((c) => !['relay', 'procedure'].includes((c as unknown as { entity: string }).entity));
    const pairs = mine.map((c) => `${c.id}@${c.version}`);
    expect(pairs.length).toBe(new Set(pairs).size);
    const last = new Map<string, Change>();
    for (const c of mine) {
      expect(c.version).toBeGreaterThan(last.get(c.id)?.version ?? 0);
      last.set(c.id, c);
    }
    const all = [...creations.anne, ...creations.bruno];
    expect([...last.keys()].sort()).toEqual(all.map((o) => o.id).sort());
    for (const o of all) {
      const latest = last.get(o.id) as Change;
      if (winners.has(o.id)) {
        expect(latest.version).toBe(2);
        expect(latest.data.durationMinutes).toBe(winners.get(o.id));
      } else expect(latest.version).toBe(1);
    }
    // And a fresh pull from the start agrees with what the tablet holds.
    const fresh = new Map<string, Change>();
    let c = '';
    for (;;) {
      const page = await call(s1.base, 'GET', `/api/v1/sync/pull?since=${c}&limit=1000`, chloe);
      for (const ch of page.changes) fresh.set(ch.id, ch);
      c = page.cursor;
      if (!page.hasMore) break;
    }
    for (const [id, ch] of last) expect(fresh.get(id)).toEqual(ch);
  });
});
