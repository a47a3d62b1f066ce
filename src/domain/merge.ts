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

export type MergeRefusal = 'same' | 'deleted';

/** Why two people cannot be merged (null when they can): the same person, or either deleted. */
export function mergeRefusal(duplicate: { id: string; deleted: boolean }, survivor: { id: string; deleted: boolean }): MergeRefusal | null {
  if (duplicate.id === survivor.id) return 'same';
  if (duplicate.deleted || survivor.deleted) return 'deleted';
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
