/**
 * Merging two records of one person (domain.md §2: the coordinator merges possible duplicates).
 * Pure rules shared by the coordinator's tablet and the server:
 * - every live accompaniment, mandate and follow-up naming the duplicate names the survivor
 *   instead (nothing else changes: an accompaniment keeps its `mandateId`, whose mandate moves
 *   to the survivor with it);
 * - the duplicate becomes a tombstone that points to the survivor (`mergedInto` on the pulled
 *   change), so a visit still naming the duplicate (pushed later by an offline tablet) is counted
 *   as the survivor's: `survivorOf` follows those pointers.
 */
import type { Entity } from './records';

/** The entities that name a person by `beneficiaryId`. */
export const PERSON_REFERENCING: readonly Entity[] = ['accompaniment', 'mandate', 'followup'];

export interface ReferencingRecord {
  entity: Entity;
  id: string;
  deleted: boolean;
  data: { beneficiaryId?: string | null } & Record<string, unknown>;
}

export type MergeRefusal = 'same' | 'deleted' | 'owners';

/** One side of a merge: a person's record, with the user who follows her (her records' owner). */
export interface MergeSide {
  id: string;
  deleted: boolean;
  ownerId: string;
}

/**
 * Why two people cannot be merged (null when they can): the same person, either deleted, or
 * followed by two different users. A mediator's tablet pulls only the records she owns: moving
 * her visits, mandates and follow-ups onto someone else's person would leave them on her tablet
 * naming a person it never receives (her page, her search hit, her mandates gone), so records
 * only move between two people of one owner.
 */
export function mergeRefusal(duplicate: MergeSide, survivor: MergeSide): MergeRefusal | null {
  if (duplicate.id === survivor.id) return 'same';
  if (duplicate.deleted || survivor.deleted) return 'deleted';
  if (duplicate.ownerId !== survivor.ownerId) return 'owners';
  return null;
}

/**
 * The records to change when `duplicateId` is merged into `survivorId`: each live accompaniment,
 * mandate or follow-up naming the duplicate, with `beneficiaryId` set to the survivor and every
 * other field unchanged. Other records are left out.
 */
export function mergeChanges<R extends ReferencingRecord>(duplicateId: string, survivorId: string, records: readonly R[]): R[] {
  return records
    .filter((r) => !r.deleted && PERSON_REFERENCING.includes(r.entity) && r.data.beneficiaryId === duplicateId)
    .map((r) => ({ ...r, data: { ...r.data, beneficiaryId: survivorId } }));
}

/**
 * The person an id stands for after merges (`mergedInto`: duplicate → survivor, as pulled
 * tombstones carry it); follows chains (A into B, then B into C) and stops on a cycle.
 */
export function survivorOf(mergedInto: ReadonlyMap<string, string>, id: string): string {
  let current = id;
  const seen = new Set<string>([id]);
  for (let next = mergedInto.get(current); next !== undefined && !seen.has(next); next = mergedInto.get(current)) {
    seen.add(next);
    current = next;
  }
  return current;
}
