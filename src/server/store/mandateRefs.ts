/**
 * What the `fait_a_la_place` rule and the revocation rule need of other records during a push
 * batch (api.md Records), engine-neutral: the batch's view of mandates, merges and last uses, what
 * `decidePush` gets for each op, and how an applied op updates that view. Each store only reads
 * (sqlite/mandateRefs.ts, postgres/mandateRefs.ts `prefetch`).
 *
 * Guarantees:
 * - ops apply in order: a mandate applied earlier in the same batch (created, edited, revoked or
 *   deleted) is what a later visit of the batch is checked against, and a visit applied earlier
 *   counts as a use of its mandate for a later revocation;
 * - a mediator may use only her own mandates; another user's mandate is treated as unknown, so
 *   the answer never tells whether it exists.
 */
import type { PushOp } from '../../domain/outbox';
import type { MandateData } from '../../domain/records';
import { isRefused, type Actor, type IncomingOp, type PushRefs } from '../../domain/sync';
import { personOf } from './erasedPeople';

export interface HeldMandate {
  ownerId: string;
  /** null for a tombstone. */
  data: MandateData | null;
}

/** The batch's view of mandates and merges, updated as its ops apply. */
export interface BatchRefs {
  mandates: Map<string, HeldMandate>;
  survivors: Map<string, string>;
  /** The latest « Fait à sa place » use of each mandate the batch revokes ('' for none; as held, then as applied). */
  lastUses: Map<string, string>;
}

const usesMandate = (op: PushOp) => op.entity === 'accompaniment' && !op.deleted && op.data.posture === 'fait_a_la_place';
const isRevocation = (op: PushOp) => op.entity === 'mandate' && !op.deleted && typeof op.data.revokedOn === 'string';

export const emptyRefs = (): BatchRefs => ({ mandates: new Map(), survivors: new Map(), lastUses: new Map() });

/** The batch's revocations (their last uses are looked up). */
export const revocationsOf = (ops: readonly IncomingOp[]) => ops.filter((o): o is PushOp => !isRefused(o) && isRevocation(o));

/**
 * Whose visits may have used the mandates the batch revokes: each revocation's person as pushed
 * and as stored (`stored`: the held mandates' data), since an edit that revokes may also name
 * another person; her uses must still be found.
 */
export function revokedMandatesPeople(revoked: readonly PushOp[], stored: readonly unknown[]): string[] {
  const people = new Set([...revoked.map((o) => personOf(o.data)), ...stored.map(personOf)]);
  people.delete('');
  return [...people];
}

/** The mandates the batch's « Fait à sa place » visits name (looked up, none for a batch without). */
export const mandatesNamedBy = (ops: readonly IncomingOp[]): string[] => [
  ...new Set(
    ops
      .filter((o): o is PushOp => !isRefused(o) && usesMandate(o))
      .map((o) => o.data.mandateId)
      .filter((id): id is string => typeof id === 'string'),
  ),
];

/** Every person the batch may compare (its records' and the held mandates' beneficiaries): their merges are looked up. */
export function peopleToResolve(ops: readonly IncomingOp[], refs: BatchRefs): string[] {
  const people = new Set<string>();
  for (const o of ops) if (!isRefused(o)) people.add(personOf(o.data));
  for (const m of refs.mandates.values()) if (m.data) people.add(m.data.beneficiaryId);
  people.delete('');
  return [...people];
}

/** What `decidePush` needs for this op. */
export function refsForOp(op: PushOp, refs: BatchRefs, actor: Actor): PushRefs {
  if (isRevocation(op)) return { lastUseOn: refs.lastUses.get(op.id) || null };
  if (!usesMandate(op)) return {};
  const id = op.data.mandateId;
  const held = typeof id === 'string' ? refs.mandates.get(id) : undefined;
  const usable = held?.data && (actor.role === 'coordinator' || held.ownerId === actor.userId);
  return { mandate: usable ? (held.data ?? undefined) : undefined, survivorOf: (p) => refs.survivors.get(p) ?? p };
}

/** An op was applied: a mandate's new state, and a visit's use of its mandate, count for the rest of the batch. */
export function afterApplied(op: PushOp, ownerId: string, refs: BatchRefs): void {
  if (op.entity === 'mandate') refs.mandates.set(op.id, { ownerId, data: op.deleted ? null : (op.data as unknown as MandateData) });
  const used = usesMandate(op) ? op.data.mandateId : undefined;
  if (typeof used === 'string' && refs.lastUses.has(used) && typeof op.data.date === 'string' && op.data.date > refs.lastUses.get(used)!) {
    refs.lastUses.set(used, op.data.date);
  }
}
