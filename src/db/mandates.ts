/**
 * Reading consent mandates: those to renew soon ("Mandats à renouveler") and the uses of one
 * mandate (each "Fait à sa place" visit that names it). A mandate is valid while
 * `signedOn <= date < expiresOn` and not revoked (api.md); the validity rule for a given visit
 * belongs to the domain (src/domain/mandates.ts). Each function takes an optional `db`.
 */
import { addDays } from '../domain/dates';
import type { AccompanimentData, IsoDate } from '../domain/records';
import { mandateErrors } from '../domain/sync';
import type { FieldError } from '../domain/validation';
import { isOwnRecord } from '../domain/ownership';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { ownerName } from './owner';
import { newestVisitFirst, survivorId } from './people';

/**
 * Mandates still valid `today`, not revoked, whose last valid day falls within the next `days`
 * days (`today < expiresOn <= today + days`), the soonest to end first.
 */
export async function mandatesExpiringWithin(days: number, today: IsoDate, db: RelaisDB = appDb): Promise<LocalRecord<'mandate'>[]> {
  const rows = await db.mandates
    .where('data.expiresOn')
    .between(today, addDays(today, days), false, true)
    .filter((m) => !m.deleted && m.data.revokedOn === null && m.data.signedOn <= today)
    .toArray();
  return rows.sort((a, b) => a.data.expiresOn.localeCompare(b.data.expiresOn));
}

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

/** « Mandats à renouveler » on the home screen: hers only, with the person's name, soonest first. */
export async function myMandatesToRenew(
  days: number,
  today: IsoDate,
  db: RelaisDB = appDb,
): Promise<{ mandate: LocalRecord<'mandate'>; person: LocalRecord<'beneficiary'> | undefined }[]> {
  const owner = await ownerName(db);
  const mine = (await mandatesExpiringWithin(days, today, db)).filter((m) => isOwnRecord(m, owner));
  const people = await db.beneficiaries.bulkGet(mine.map((m) => m.data.beneficiaryId));
  return mine.map((mandate, i) => ({ mandate, person: people[i] && !people[i].deleted ? people[i] : undefined }));
}
