/**
 * Reading consent mandates: those to renew soon ("Mandats à renouveler"), the uses of one
 * mandate (each "Fait à sa place" visit that names it). A mandate is valid while
 * `signedOn <= date < expiresOn` and not revoked (api.md); the validity rule for a given visit
 * belongs to the domain (src/domain/mandates.ts). Each function takes an optional `db`.
 */
import { addDays } from '../domain/dates';
import type { IsoDate } from '../domain/records';
import { mandatesToRenew } from '../domain/mandates';
import { isOwnRecord } from '../domain/ownership';
import { db as appDb, type LocalRecord, type RelaisDB } from './database';
import { ownerName } from './owner';
import { newestVisitFirst, resolvePerson } from './people';
import { mandateUses } from './visitMandate';

/** The visits done on the person's behalf under this mandate, newest first. */
export async function usesOfMandate(mandateId: string, db: RelaisDB = appDb): Promise<LocalRecord<'accompaniment'>[]> {
  return (await mandateUses(mandateId, db)).sort(newestVisitFirst);
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
