/**
 * The reads of the push batch's mandate rules on PostgreSQL (the rules and the batch's view:
 * ../mandateRefs.ts), as sqlite/mandateRefs.ts reads them, the mandates share-locked.
 */
import type pg from 'pg';
import type { MandateData } from '../../../domain/records';
import type { IncomingOp } from '../../../domain/sync';
import { emptyRefs, mandatesNamedBy, peopleToResolve, revocationsOf, revokedMandatesPeople, type BatchRefs } from '../mandateRefs';

export type { BatchRefs } from '../mandateRefs';

export class PgMandateRefs {
  async prefetch(c: pg.ClientBase, ops: readonly IncomingOp[]): Promise<BatchRefs> {
    const refs = emptyRefs();
    const revoked = revocationsOf(ops);
    if (revoked.length > 0) {
      for (const o of revoked) refs.lastUses.set(o.id, '');
      const stored = (await c.query(`SELECT data FROM records WHERE entity = 'mandate' AND id = ANY($1::text[])`, [revoked.map((o) => o.id)])).rows.map(
        (r: { data: string }) => JSON.parse(r.data) as unknown,
      );
      const people = revokedMandatesPeople(revoked, stored);
      // Found through the facts' index on the person (a mandate's uses are visits of its person,
      // or of someone merged into her), then checked on the record's JSON text.
      const rows = (
        await c.query(
          `SELECT f.date, r.data FROM accompaniment_facts f JOIN records r ON r.id = f.id
           WHERE (f.beneficiary_id = ANY($1::text[]) OR f.beneficiary_id IN (SELECT duplicate_id FROM merges WHERE survivor_id = ANY($1::text[])))
             AND r.deleted = 0`,
          [people],
        )
      ).rows as { date: string; data: string }[];
      for (const r of rows) {
        const d = JSON.parse(r.data) as { posture?: unknown; mandateId?: unknown };
        if (d.posture !== 'fait_a_la_place' || typeof d.mandateId !== 'string' || !refs.lastUses.has(d.mandateId)) continue;
        if (r.date > refs.lastUses.get(d.mandateId)!) refs.lastUses.set(d.mandateId, r.date);
      }
    }
    const named = mandatesNamedBy(ops);
    if (named.length === 0) return refs;
    // Share-locked: a revocation pushed at the same moment (which locks its mandate for update)
    // waits for this batch to commit and then sees its visits; or this read waits for the
    // revocation and sees the mandate revoked. Never both applied unseen.
    const rows = (
      await c.query(`SELECT id, owner_id, deleted, data FROM records WHERE entity = 'mandate' AND id = ANY($1::text[]) ORDER BY id FOR SHARE`, [named])
    ).rows as {
      id: string;
      owner_id: string;
      deleted: number;
      data: string;
    }[];
    for (const r of rows) refs.mandates.set(r.id, { ownerId: r.owner_id, data: r.deleted ? null : (JSON.parse(r.data) as MandateData) });
    const merged = await c.query(`SELECT duplicate_id, survivor_id FROM merges WHERE duplicate_id = ANY($1::text[])`, [peopleToResolve(ops, refs)]);
    for (const r of merged.rows as { duplicate_id: string; survivor_id: string }[]) refs.survivors.set(r.duplicate_id, r.survivor_id);
    return refs;
  }
}
