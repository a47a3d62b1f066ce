// A « Fait à sa place » visit and a revocation of its mandate pushed at the same moment to two app
// servers on one PostgreSQL: the visit's batch holds its mandate (share lock) until it commits,
// so the revocation sees the visit and is refused; never both applied with the use unseen.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresRepository } from '../../../src/server/store/postgres/postgresRepository';
import type { AccompanimentData } from '../../../src/domain/records';
import { accompaniment } from '../../unit/fixtures';
import { dropSchema, freshSchema, schemaUrl } from '../engine';
import { op } from '../helpers';
import { mandate, person } from '../people';

const coordinator = { userId: 'u-coord', role: 'coordinator' as const, deviceId: null };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const now = () => new Date().toISOString();

describe('a visit and a revocation of its mandate at the same moment, on two servers', () => {
  it('refuses the revocation dated on the visit’s day once the visit commits', async () => {
    const schema = await freshSchema();
    const a = await PostgresRepository.open(schemaUrl(schema));
    const b = await PostgresRepository.open(schemaUrl(schema));
    cleanup.push(async () => {
      await a.close();
      await b.close();
      await dropSchema(schema);
    });
    const leila = op({ entity: 'beneficiary', data: person() as never });
    const m = op({ entity: 'mandate', data: mandate(leila.id) as never });
    await a.push(coordinator, [leila, m], now());
    const visit = op({
      data: accompaniment({
        beneficiaryId: leila.id,
        anonymous: null,
        posture: 'fait_a_la_place',
        mandateId: m.id,
        date: '2026-03-10',
        procedures: [{ code: 'caf_logement', domain: 'logement', partner: 'caf' }],
      } as Partial<AccompanimentData>) as never,
    });
    const revoke = op({ entity: 'mandate', id: m.id, baseVersion: 1, data: mandate(leila.id, { revokedOn: '2026-03-10' }) as never });

    // Server A's batch has checked its visit against the mandate and stays open before committing.
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    a.batches.onSeqTaken = () => {
      reached();
      return new Promise<void>((r) => (release = r));
    };
    const pushingVisit = a.push(coordinator, [visit], now());
    await held;
    a.batches.onSeqTaken = null;

    // Server B's revocation waits for it rather than deciding without the visit.
    let revoked = false;
    const revoking = b.push(coordinator, [revoke], now()).then((r) => ((revoked = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(revoked).toBe(false);

    release();
    expect((await pushingVisit)[0].status).toBe('applied');
    expect((await revoking)[0]).toMatchObject({ status: 'rejected', fields: [{ path: 'revokedOn' }] });
  });
});
