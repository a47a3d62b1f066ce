/**
 * The reads of the push batch's mandate rules on SQLite (the rules and the batch's view:
 * ../mandateRefs.ts): at most four queries per batch — the mandates it revokes, as stored, and their last uses,
 * the mandates its « Fait à sa place » visits name, the merges of every person involved — and
 * none for a batch with neither.
 */
import type Database from 'better-sqlite3';
import type { MandateData } from '../../../domain/records';
import type { IncomingOp } from '../../../domain/sync';
import { emptyRefs, mandatesNamedBy, peopleToResolve, revocationsOf, revokedMandatesPeople, type BatchRefs } from '../mandateRefs';

export type { BatchRefs } from '../mandateRefs';

export class SqliteMandateRefs {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      mandates: db.prepare(`SELECT id, owner_id AS ownerId, deleted, data FROM records WHERE entity = 'mandate' AND id IN (SELECT value FROM json_each(?))`),
      survivors: db.prepare(`SELECT duplicate_id AS id, survivor_id AS survivor FROM merges WHERE duplicate_id IN (SELECT value FROM json_each(?))`),
      // Found through the facts' index on the person (a mandate's uses are visits of its person, or
      // of someone merged into her), then checked on the record.
      lastUses: db.prepare(
        `SELECT json_extract(r.data, '$.mandateId') AS mandateId, MAX(f.date) AS lastUse
         FROM accompaniment_facts f JOIN records r ON r.id = f.id
         WHERE f.beneficiary_id IN (SELECT value FROM json_each(@people) UNION SELECT duplicate_id FROM merges WHERE survivor_id IN (SELECT value FROM json_each(@people)))
           AND r.deleted = 0 AND json_extract(r.data, '$.posture') = 'fait_a_la_place'
           AND json_extract(r.data, '$.mandateId') IN (SELECT value FROM json_each(@ids))
         GROUP BY 1`,
      ),
    };
  }

  /** Looks up what the batch's revocations and `fait_a_la_place` visits need. */
  prefetch(ops: readonly IncomingOp[]): BatchRefs {
    const refs = emptyRefs();
    const revoked = revocationsOf(ops);
    if (revoked.length > 0) {
      for (const o of revoked) refs.lastUses.set(o.id, '');
      const ids = JSON.stringify(revoked.map((o) => o.id));
      const stored = (this.s.mandates.all(ids) as { data: string }[]).map((r) => JSON.parse(r.data) as unknown);
      const people = revokedMandatesPeople(revoked, stored);
      const rows = this.s.lastUses.all({ people: JSON.stringify(people), ids }) as {
        mandateId: string;
        lastUse: string;
      }[];
      for (const r of rows) refs.lastUses.set(r.mandateId, r.lastUse);
    }
    const named = mandatesNamedBy(ops);
    if (named.length === 0) return refs;
    const rows = this.s.mandates.all(JSON.stringify(named)) as { id: string; ownerId: string; deleted: number; data: string }[];
    for (const r of rows) refs.mandates.set(r.id, { ownerId: r.ownerId, data: r.deleted ? null : (JSON.parse(r.data) as MandateData) });
    for (const r of this.s.survivors.all(JSON.stringify(peopleToResolve(ops, refs))) as { id: string; survivor: string }[])
      refs.survivors.set(r.id, r.survivor);
    return refs;
  }
}
