/**
 * The person a merged id now stands for, as merges are known on this device (a merged person's
 * tombstone keeps `mergedInto`). Apart from people.ts so that the write path can use it.
 */
import { db as appDb, type RelaisDB } from './database';

/** Merges are short chains; a cycle (never made by the server) must not loop forever. */
export const MAX_MERGE_CHAIN = 16;

/** The id a person's id stands for now: the survivor of the merges it went through, or itself. */
export async function survivorId(id: string, db: RelaisDB = appDb): Promise<string> {
  let current = id;
  for (let i = 0; i < MAX_MERGE_CHAIN; i++) {
    const next = (await db.beneficiaries.get(current))?.mergedInto;
    if (!next || next === id) return current;
    current = next;
  }
  return current;
}
