/**
 * What the `fait_a_la_place` rule needs of other records during a push batch (api.md Records):
 * the mandates the batch's accompaniments name, and the survivors of merged people.
 *
 * Guarantees:
 * - set-based: at most two queries per batch (the named mandates, then the merges of every person
 *   involved), and none for a batch without a `fait_a_la_place` visit;
 * - ops apply in order: a mandate applied earlier in the same batch (created, edited, revoked or
 *   deleted) is what a later visit of the batch is checked against;
 * - a mediator may use only her own mandates; another user's mandate is treated as unknown, so
 *   the answer never tells whether it exists.
 */
import type Database from 'better-sqlite3';
import type { PushOp } from '../../../domain/outbox';
import type { MandateData } from '../../../domain/records';
import { isRefused, type Actor, type IncomingOp, type PushRefs } from '../../../domain/sync';

interface HeldMandate {
  ownerId: string;
  /** null for a tombstone. */
  data: MandateData | null;
}

/** The batch's view of mandates and merges, updated as its ops apply. */
export interface BatchRefs {
  mandates: Map<string, HeldMandate>;
  survivors: Map<string, string>;
  /** The latest « Fait à sa place » use of each mandate the batch revokes (as held, then as applied). */
  lastUses: Map<string, string>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const usesMandate = (op: PushOp) => op.entity === 'accompaniment' && !op.deleted && op.data.posture === 'fait_a_la_place';
const isRevocation = (op: PushOp) => op.entity === 'mandate' && !op.deleted && typeof op.data.revokedOn === 'string';
const beneficiaryOf = (data: unknown) => (isObj(data) && typeof data.beneficiaryId === 'string' ? data.beneficiaryId : null);

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

  /** Looks up what the batch's `fait_a_la_place` visits need (nothing when it has none). */
  prefetch(ops: readonly IncomingOp[]): BatchRefs {
    const refs: BatchRefs = { mandates: new Map(), survivors: new Map(), lastUses: new Map() };
    const revoked = ops.filter((o): o is PushOp => !isRefused(o) && isRevocation(o));
    if (revoked.length > 0) {
      for (const o of revoked) refs.lastUses.set(o.id, '');
      const people = [...new Set(revoked.map((o) => beneficiaryOf(o.data)).filter((p): p is string => p !== null))];
      const rows = this.s.lastUses.all({ people: JSON.stringify(people), ids: JSON.stringify(revoked.map((o) => o.id)) }) as {
        mandateId: string;
        lastUse: string;
      }[];
      for (const r of rows) refs.lastUses.set(r.mandateId, r.lastUse);
    }
    const visits = ops.filter((o): o is PushOp => !isRefused(o) && usesMandate(o));
    if (visits.length === 0) return refs;
    const named = [...new Set(visits.map((o) => o.data.mandateId).filter((id): id is string => typeof id === 'string'))];
    const rows = this.s.mandates.all(JSON.stringify(named)) as { id: string; ownerId: string; deleted: number; data: string }[];
    for (const r of rows) refs.mandates.set(r.id, { ownerId: r.ownerId, data: r.deleted ? null : (JSON.parse(r.data) as MandateData) });
    // Every person the batch may compare: its records' and the held mandates' beneficiaries.
    const people = new Set<string>();
    for (const o of ops) if (!isRefused(o)) people.add(beneficiaryOf(o.data) ?? '');
    for (const m of refs.mandates.values()) if (m.data) people.add(m.data.beneficiaryId);
    people.delete('');
    for (const r of this.s.survivors.all(JSON.stringify([...people])) as { id: string; survivor: string }[]) refs.survivors.set(r.id, r.survivor);
    return refs;
  }

  /** What `decidePush` needs for this op. */
  forOp(op: PushOp, refs: BatchRefs, actor: Actor): PushRefs {
    if (isRevocation(op)) return { lastUseOn: refs.lastUses.get(op.id) || null };
    if (!usesMandate(op)) return {};
    const id = op.data.mandateId;
    const held = typeof id === 'string' ? refs.mandates.get(id) : undefined;
    const usable = held?.data && (actor.role === 'coordinator' || held.ownerId === actor.userId);
    return { mandate: usable ? (held.data ?? undefined) : undefined, survivorOf: (p) => refs.survivors.get(p) ?? p };
  }

  /** An op was applied: a mandate's new state counts for the rest of the batch. */
  applied(op: PushOp, ownerId: string, refs: BatchRefs): void {
    if (op.entity === 'mandate') refs.mandates.set(op.id, { ownerId, data: op.deleted ? null : (op.data as unknown as MandateData) });
    const used = usesMandate(op) ? op.data.mandateId : undefined;
    if (typeof used === 'string' && refs.lastUses.has(used) && typeof op.data.date === 'string' && op.data.date > refs.lastUses.get(used)!) {
      refs.lastUses.set(used, op.data.date);
    }
  }
}
