/**
 * The write path's check of a « Fait à sa place » visit's mandate (writes.ts): every save or
 * restore of a visit, from the form, an undo or a resend, meets the server's own rule.
 */
import type { AccompanimentData } from '../domain/records';
import { mandateErrors } from '../domain/sync';
import type { FieldError } from '../domain/validation';
import { db as appDb, type RelaisDB } from './database';
import { survivorId } from './survivors';

/**
 * The last check before a « Fait à sa place » visit is saved: the server's own rule
 * (domain/sync.ts `mandateErrors`: the mandate held, of her, valid on the visit's date, covering
 * each procedure's domain) on the mandate and the people as held here at this moment — a pull or
 * another tab may have revoked or deleted it since the form offered it. Empty when it fits.
 */
export async function mandateProblems(data: AccompanimentData, db: RelaisDB = appDb): Promise<FieldError[]> {
  if (data.posture !== 'fait_a_la_place') return [];
  const held = data.mandateId ? await db.mandates.get(data.mandateId) : undefined;
  const mandate = held && !held.deleted ? held.data : undefined;
  const ids = [...new Set([mandate?.beneficiaryId, data.beneficiaryId])].filter((id): id is string => typeof id === 'string');
  const survivors = new Map(await Promise.all(ids.map(async (id) => [id, await survivorId(id, db)] as const)));
  return mandateErrors(data, { mandate, survivorOf: (id) => survivors.get(id) ?? id });
}
