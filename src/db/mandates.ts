/**
 * Reading consent mandates: those to renew soon ("Mandats à renouveler") and the uses of one
 * mandate (each "Fait à sa place" visit that names it). A mandate is valid while
 * `signedOn <= date < expiresOn` and not revoked (api.md); the validity rule for a given visit
 * belongs to the domain (src/domain/mandates.ts). Each function takes an optional `db`.
 */
import { addDays } from '../domain/dates';
import type { IsoDate } from '../domain/records';
import { isOwnRecord } from '../domain/ownership';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { ownerName } from './owner';
import { newestVisitFirst } from './people';

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
