// SQLite: the retention job (`npm run retention` may run in a second process while the server
// runs) decides what to anonymise in a read transaction, so a push landing on the server during
// its scan goes through, and when it finds something to rewrite it decides again under the write
// lock, so a visit pushed during the scan keeps its person from being anonymised.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, parisDate } from '../../src/domain/calendar';
import type { PushResult } from '../../src/domain/sync';
import { SqliteRepository } from '../../src/server/store/sqlite/sqliteRepository';
import { accompaniment } from '../unit/fixtures';
import { op } from './helpers';
import { person } from './people';

let dir: string;
let job: SqliteRepository;
let server: SqliteRepository;
const anne = { userId: 'u-anne', role: 'mediator' as const, deviceId: null };
const now = () => new Date().toISOString();
// Dates relative to the real day: the server stamps records with the real clock.
const today = parisDate(new Date());
const at = (date: string) => `${date}T10:00:00.000Z`;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relais-retention-'));
  const file = path.join(dir, 'relais.sqlite');
  job = SqliteRepository.open(file);
  server = SqliteRepository.open(file);
  server.db.pragma('busy_timeout = 0'); // a push that meets the job's write lock fails at once
});
afterEach(async () => {
  await job.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `during` once, inside the job's scan (when it reads the last contacts), then lets the scan go on. */
function duringTheScan(during: () => void) {
  const s = (job as unknown as { anonymise: { s: { contacts: { all: (...a: unknown[]) => unknown } } } }).anonymise.s;
  const contacts = s.contacts;
  let done = false;
  s.contacts = {
    all: (...a: unknown[]) => {
      if (!done) {
        done = true;
        during();
      }
      return contacts.all(...a);
    },
  };
}

const visitOf = (personId: string, date: string) => op({ data: accompaniment({ beneficiaryId: personId, anonymous: null, date }) as never });

describe('the retention job on SQLite', () => {
  it('takes no write lock while it scans: a push landing meanwhile is applied', async () => {
    const lea = op({ entity: 'beneficiary', data: person({ firstName: 'Léa', lastName: 'Bernardin' }) as never });
    await server.push(anne, [lea, visitOf(lea.id, addDays(today, -6))], now());
    let pushed: Promise<PushResult[]> | undefined;
    duringTheScan(() => {
      pushed = server.push(anne, [visitOf(lea.id, addDays(today, -5))], now());
    });
    // Nothing to anonymise: her last contact (this week) is after the cutoff.
    const counts = await job.anonymiseInactive(addDays(today, -365), at(addDays(today, 1)));
    expect(counts).toMatchObject({ people: 0, accompaniments: 0, mandates: 0, followups: 0 });
    expect((await pushed)?.map((r) => r.status)).toEqual(['applied']);
  });

  it('decides again under the lock: a visit pushed during the scan keeps the person it names', async () => {
    const lea = op({ entity: 'beneficiary', data: person({ firstName: 'Léa', lastName: 'Bernardin' }) as never });
    const zoe = op({ entity: 'beneficiary', data: person({ firstName: 'Zoé', lastName: 'Quintard' }) as never });
    await server.push(anne, [lea, zoe], now());
    // The job runs 60 days from now with a cutoff 30 days from now: the scan finds both inactive
    // (no contact since their records were made today); meanwhile a tablet sends a visit of Léa
    // dated after the cutoff.
    let pushed: Promise<PushResult[]> | undefined;
    duringTheScan(() => {
      pushed = server.push(anne, [visitOf(lea.id, addDays(today, 40))], now());
    });
    const counts = await job.anonymiseInactive(addDays(today, 30), at(addDays(today, 60)));
    expect((await pushed)?.map((r) => r.status)).toEqual(['applied']);
    expect(counts.people).toBe(1);
    const lastName = (id: string) => JSON.parse((job.db.prepare(`SELECT data FROM records WHERE id = ?`).get(id) as { data: string }).data).lastName;
    expect(lastName(lea.id)).toBe('Bernardin');
    expect(lastName(zoe.id)).not.toBe('Quintard');
  });
});
