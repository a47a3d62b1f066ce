/**
 * Retention rules of domain.md §5 as pure functions, shared by the server's daily job and tests:
 * which people have had no contact for the retention period, which mandates ended long enough
 * ago, and what a record looks like once anonymised. Anonymising blanks exactly the personal
 * fields of personalFields.ts with values the validators accept (a fixed marker where a non-empty
 * text is required, null elsewhere) and keeps every statistic (birth year, gender, situation,
 * residence, QPV, dates, codes), so past tallies do not change. Anonymising twice changes nothing.
 */
import { takePersonal, type PersonalPath } from './personalFields';
import type { Entity, IsoDate } from './records';

export const DEFAULT_RETENTION_MONTHS = 24;

/** The marker of an anonymised person's names. */
export const ANONYMOUS_NAME = 'Anonyme';
/** The marker of an anonymised required text (a mandate's actions, a follow-up's label). */
export const ANONYMISED_TEXT = 'Anonymisé';

/** Personal fields that must stay non-empty strings for the record to validate. */
const REQUIRED_TEXT: Readonly<Record<string, string>> = {
  'beneficiary.firstName': ANONYMOUS_NAME,
  'beneficiary.lastName': ANONYMOUS_NAME,
  'mandate.actions': ANONYMISED_TEXT,
  'mandate.paperLocation': ANONYMISED_TEXT,
  'followup.label': ANONYMISED_TEXT,
};

/** The blank value of a personal field once anonymised. */
export const blankOf = (entity: Entity, path: PersonalPath): string | null => REQUIRED_TEXT[`${entity}.${path}`] ?? null;

/** `data` with its personal fields blanked; statistics and dates unchanged. */
export function anonymisedData<T extends object>(entity: Entity, data: T): T {
  return takePersonal(entity, data, (path) => blankOf(entity, path)).rest;
}

/** Whether a person's record was anonymised (both names are the marker). */
export const isAnonymisedPerson = (p: { firstName: string; lastName: string }) => p.firstName === ANONYMOUS_NAME && p.lastName === ANONYMOUS_NAME;

/** Whether anonymising `data` would change nothing (already anonymised, or nothing personal). */
export function isAnonymised(entity: Entity, data: object): boolean {
  return JSON.stringify(anonymisedData(entity, data)) === JSON.stringify(data);
}

/**
 * The first day still inside the retention period: a contact before it is too old. Months are
 * calendar months (a cutoff on the 31st falls back to the month's last day).
 */
export function retentionCutoff(today: IsoDate, months = DEFAULT_RETENTION_MONTHS): IsoDate {
  const [y, m, d] = today.split('-').map(Number);
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The latest of some dates (nulls ignored); null when none. */
export function latestDate(dates: readonly (IsoDate | null | undefined)[]): IsoDate | null {
  let latest: IsoDate | null = null;
  for (const d of dates) if (typeof d === 'string' && (latest === null || d > latest)) latest = d;
  return latest;
}

/**
 * A person's last contact for retention: the latest of `dates` that is not after `today` (a
 * follow-up due or a mandate expiring in the future is not a contact: it must not keep her forever).
 */
export function lastContact(dates: readonly (IsoDate | null | undefined)[], today: IsoDate): IsoDate | null {
  return latestDate(dates.filter((d) => typeof d === 'string' && d <= today));
}

/** The day a mandate stopped applying: its revocation, or its expiry (the first day it no longer applies). */
export function mandateEnd(m: { expiresOn: IsoDate; revokedOn: IsoDate | null }): IsoDate {
  return m.revokedOn !== null && m.revokedOn < m.expiresOn ? m.revokedOn : m.expiresOn;
}

/** Whether a mandate ended before the cutoff (so more than the retention period ago). */
export const mandateEndedBefore = (m: { expiresOn: IsoDate; revokedOn: IsoDate | null }, cutoff: IsoDate) => mandateEnd(m) < cutoff;

/** Parses RELAIS_RETENTION_MONTHS: a whole number of months (1 to 1200), else the default. */
export function retentionMonths(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_RETENTION_MONTHS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1200) throw new Error(`RELAIS_RETENTION_MONTHS must be a whole number of months (1 to 1200), not "${raw}".`);
  return n;
}
