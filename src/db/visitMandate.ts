/**
 * The write path's checks between visits and their mandates (writes.ts), the server's own rules:
 * every save, restore or resend of a « Fait à sa place » visit meets its mandate as held, and a
 * revocation never takes effect on or before a day the mandate was used.
 */
import { revocationProblem } from '../domain/mandates';
import type { AccompanimentData, MandateData } from '../domain/records';
import { mandateErrors } from '../domain/sync';
import type { FieldError } from '../domain/validation';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
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

/**
 * Why a mandate's revocation cannot be saved (its uses as held at this moment: another tab may
 * have logged one since the card was drawn), or an empty list.
 */
export async function revocationProblems(id: string, mandate: MandateData, db: RelaisDB = appDb): Promise<FieldError[]> {
  if (mandate.revokedOn === null) return [];
  const problem = revocationProblem(
    mandate,
    mandate.revokedOn,
    (await mandateUses(id, db)).map((u) => u.data.date),
  );
  return problem ? [{ path: 'revokedOn', message: problem }] : [];
}

/** The visits done on the person's behalf under this mandate (live « Fait à sa place » ones), in no order. */
export function mandateUses(mandateId: string, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  return db.accompaniments
    .where('data.mandateId')
    .equals(mandateId)
    .filter((a) => !a.deleted && a.data.posture === 'fait_a_la_place')
    .toArray();
}
