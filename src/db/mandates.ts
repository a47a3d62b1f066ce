/**
 * Reading consent mandates: those to renew soon ("Mandats à renouveler"), the uses of one
 * mandate (each "Fait à sa place" visit that names it) and the check of a visit's mandate at save. A mandate is valid while
 * `signedOn <= date < expiresOn` and not revoked (api.md); the validity rule for a given visit
 * belongs to the domain (src/domain/mandates.ts). Each function takes an optional `db`.
 */
import { addDays } from '../domain/dates';
import type { AccompanimentData, IsoDate } from '../domain/records';
import { mandatesToRenew } from '../domain/mandates';
import { mandateErrors } from '../domain/sync';
import type { FieldError } from '../domain/validation';
import { isOwnRecord } from '../domain/ownership';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { ownerName } from './owner';
import { newestVisitFirst, resolvePerson, survivorId } from './people';

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
  const ids = [mandate?.beneficiaryId, data.beneficiaryId].filter((id): id is string => typeof id === 'string');
  const survivors = new Map(await Promise.all(ids.map(async (id) => [id, await survivorId(id, db)] as const)));
  return mandateErrors(data, { mandate, survivorOf: (id) => survivors.get(id) ?? id });
}

/** The visits done on the person's behalf under this mandate, newest first. */
export async function usesOfMandate(mandateId: string, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  const rows = await db.accompaniments
    .where('data.mandateId')
    .equals(mandateId)
    .filter((a) => !a.deleted && a.data.posture === 'fait_a_la_place')
    .toArray();
  return rows.sort(newestVisitFirst);
}

/**
 * « Mandats à renouveler » on the home screen: hers only, as the domain's `mandatesToRenew` decides
 * (valid today, never revoked, ending within `days` days), soonest first, each with the person it
 * names now (after merges; undefined when not held here) and its days left.
 */
export async function myMandatesToRenew(
  days: number,
  today: IsoDate,
  db: RelaisDB = appDb,
): Promise<{ mandate: LocalRecord<'mandate'>; daysLeft: number; person: LocalRecord<'beneficiary'> | undefined }[]> {
  const owner = await ownerName(db);
  // The index narrows to the end dates that can be due; the rule itself is the domain's.
  const ending = await db.mandates
    .where('data.expiresOn')
    .between(today, addDays(today, days), false, true)
    .filter((m) => !m.deleted && isOwnRecord(m, owner))
    .toArray();
  const due = mandatesToRenew(ending, today, days);
  const people = await Promise.all(due.map((d) => resolvePerson(d.mandate.data.beneficiaryId, db)));
  return due.map((d, i) => ({ ...d, person: people[i] }));
}
