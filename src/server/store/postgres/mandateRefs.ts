/**
 * What the `fait_a_la_place` rule needs of other records during a push batch, on PostgreSQL: the
 * same guarantees as sqlite/mandateRefs.ts (at most two queries per batch, none without a
 * `fait_a_la_place` visit; a mandate applied earlier in the batch is what later visits are checked
 * against; another user's mandate is treated as unknown).
 */
import type pg from 'pg';
import type { PushOp } from '../../../domain/outbox';
import type { MandateData } from '../../../domain/records';
import { isRefused, type Actor, type IncomingOp, type PushRefs } from '../../../domain/sync';
import type { BatchRefs } from '../sqlite/mandateRefs';

export type { BatchRefs } from '../sqlite/mandateRefs';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const usesMandate = (op: PushOp) => op.entity === 'accompaniment' && !op.deleted && op.data.posture === 'fait_a_la_place';
const isRevocation = (op: PushOp) => op.entity === 'mandate' && !op.deleted && typeof op.data.revokedOn === 'string';
const beneficiaryOf = (data: unknown) => (isObj(data) && typeof data.beneficiaryId === 'string' ? data.beneficiaryId : null);

export class PgMandateRefs {
  async prefetch(c: pg.ClientBase, ops: readonly IncomingOp[]): Promise<BatchRefs> {
    const refs: BatchRefs = { mandates: new Map(), survivors: new Map(), lastUses: new Map() };
    const revoked = ops.filter((o): o is PushOp => !isRefused(o) && isRevocation(o));
    if (revoked.length > 0) {
      for (const o of revoked) refs.lastUses.set(o.id, '');
      const people = [...new Set(revoked.map((o) => beneficiaryOf(o.data)).filter((p): p is string => p !== null))];
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
    const visits = ops.filter((o): o is PushOp => !isRefused(o) && usesMandate(o));
    if (visits.length === 0) return refs;
    const named = [...new Set(visits.map((o) => o.data.mandateId).filter((id): id is string => typeof id === 'string'))];
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
    const people = new Set<string>();
    for (const o of ops) if (!isRefused(o)) people.add(beneficiaryOf(o.data) ?? '');
    for (const m of refs.mandates.values()) if (m.data) people.add(m.data.beneficiaryId);
    people.delete('');
    const merged = await c.query(`SELECT duplicate_id, survivor_id FROM merges WHERE duplicate_id = ANY($1::text[])`, [[...people]]);
    for (const r of merged.rows as { duplicate_id: string; survivor_id: string }[]) refs.survivors.set(r.duplicate_id, r.survivor_id);
    return refs;
  }

  forOp(op: PushOp, refs: BatchRefs, actor: Actor): PushRefs {
    if (isRevocation(op)) return { lastUseOn: refs.lastUses.get(op.id) || null };
    if (!usesMandate(op)) return {};
    const id = op.data.mandateId;
    const held = typeof id === 'string' ? refs.mandates.get(id) : undefined;
    const usable = held?.data && (actor.role === 'coordinator' || held.ownerId === actor.userId);
    return { mandate: usable ? (held.data ?? undefined) : undefined, survivorOf: (p) => refs.survivors.get(p) ?? p };
  }

  applied(op: PushOp, ownerId: string, refs: BatchRefs): void {
    if (op.entity === 'mandate') refs.mandates.set(op.id, { ownerId, data: op.deleted ? null : (op.data as unknown as MandateData) });
    const used = usesMandate(op) ? op.data.mandateId : undefined;
    if (typeof used === 'string' && refs.lastUses.has(used) && typeof op.data.date === 'string' && op.data.date > refs.lastUses.get(used)!) {
      refs.lastUses.set(used, op.data.date);
    }
  }
}
