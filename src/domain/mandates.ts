/**
 * Consent mandates (domain.md §2, api.md "fait_a_la_place"), pure rules shared by the tablet
 * (which mandates the form offers, and why another does not fit) and the server (which refuses a
 * pushed visit whose mandate does not fit).
 *
 * Rules:
 * - a mandate is valid on `date` when `signedOn <= date < expiresOn` (`expiresOn` is the first
 *   day it no longer applies: `expiresOnFor(signedOn, durationDays)`);
 * - a mandate revoked on day R is valid strictly before R: not on R itself (the person asked on R
 *   that nothing more be done for her, so a visit dated R cannot use it);
 * - it must be of the visit's person and cover the domain of every procedure of the visit;
 *   `numerique` (digital skills) needs no mandate and is never a mandate domain, so it needs no
 *   coverage. A `fait_a_la_place` visit always names a mandate, even when all its procedures are
 *   `numerique`: any mandate of that person valid on that date is then enough (every
 *   `fait_a_la_place` visit is a logged use of a mandate, domain.md §2).
 */
import { addDays, daysBetween, frenchDate } from './dates';
import type { IsoDate, MandateData } from './records';
import { DOMAIN_LABELS, type DomainCode } from './reference';

/** The durations offered (ux.md): Aidants Connect's 1 day, 31 days, 6 months (182 days), 1 year. */
export const MANDATE_DURATIONS = [
  { days: 1, label: '1 jour' },
  { days: 31, label: '31 jours' },
  { days: 182, label: '6 mois' },
  { days: 365, label: '1 an' },
] as const;
export const DEFAULT_MANDATE_DAYS = 365;
/** Mandates expiring within this many days are "à renouveler". */
export const RENEW_WITHIN_DAYS = 30;
/** The domain that needs no mandate. */
export const NO_MANDATE_DOMAIN: DomainCode = 'numerique';

/** The first day a mandate signed on `signedOn` for `durationDays` days no longer applies. */
export function expiresOnFor(signedOn: IsoDate, durationDays: number): IsoDate {
  return addDays(signedOn, durationDays);
}

export type MandateMisfit = 'unknown' | 'other_person' | 'not_yet' | 'expired' | 'revoked' | 'domains';
export type MandateFit = { ok: true } | { ok: false; reason: MandateMisfit; message: string };

export interface MandateUse {
  /** The visit's person (null for an anonymous visit). */
  beneficiaryId: string | null;
  /** The visit's date. */
  date: IsoDate;
  /** The domains of the visit's procedures (duplicates and `numerique` allowed). */
  domains: readonly string[];
}

/** The domains a visit needs a mandate to cover: distinct, without `numerique`. */
export function domainsNeedingMandate(domains: readonly string[]): DomainCode[] {
  return [...new Set(domains)].filter((d): d is DomainCode => d !== NO_MANDATE_DOMAIN) as DomainCode[];
}

const domainLabel = (d: string) => (DOMAIN_LABELS as Record<string, string>)[d] ?? d;

/**
 * Whether `mandate` can be used for a visit, and if not why, in the plain words of ux.md
 * (« expiré le 12/03/2026 », « révoqué le … », « ne couvre pas « Logement » »). `undefined`
 * means the mandate is not known (not held, deleted, or not readable by the user).
 * Checked in this order: known, person, not yet signed, revoked, expired, domains.
 */
export function mandateFit(mandate: MandateData | undefined, use: MandateUse): MandateFit {
  if (!mandate) return { ok: false, reason: 'unknown', message: 'mandat introuvable : enregistrez-le (ou synchronisez) avant de l’utiliser' };
  if (use.beneficiaryId === null || mandate.beneficiaryId !== use.beneficiaryId) {
    return { ok: false, reason: 'other_person', message: 'mandat d’une autre personne' };
  }
  if (use.date < mandate.signedOn) return { ok: false, reason: 'not_yet', message: `signé le ${frenchDate(mandate.signedOn)} : pas encore valable` };
  const revoked = mandate.revokedOn;
  if (revoked !== null && revoked <= use.date && revoked < mandate.expiresOn) {
    return { ok: false, reason: 'revoked', message: `révoqué le ${frenchDate(revoked)}` };
  }
  if (use.date >= mandate.expiresOn) return { ok: false, reason: 'expired', message: `expiré le ${frenchDate(mandate.expiresOn)}` };
  const covered = new Set<string>(mandate.domains);
  const missing = domainsNeedingMandate(use.domains).filter((d) => !covered.has(d));
  if (missing.length > 0) {
    return { ok: false, reason: 'domains', message: `ne couvre pas ${missing.map((d) => `« ${domainLabel(d)} »`).join(', ')}` };
  }
  return { ok: true };
}

/**
 * The earliest day a revocation can take effect: the day it was signed, and never on or before a
 * day it was already used (a use on day D needs `D < revokedOn`). Dating it earlier would make a
 * visit already done under it invalid: offline, the revocation can reach the server before that
 * visit, which the server would then refuse though it was done while the mandate held.
 */
export function earliestRevocation(mandate: MandateData, useDates: readonly IsoDate[]): IsoDate {
  const lastUse = useDates.reduce<IsoDate | null>((last, d) => (last === null || d > last ? d : last), null);
  const afterUse = lastUse === null ? null : addDays(lastUse, 1);
  return afterUse !== null && afterUse > mandate.signedOn ? afterUse : mandate.signedOn;
}

/** Why a revocation on `revokedOn` is refused (plain words, ux.md), or null when it can be saved. */
export function revocationProblem(mandate: MandateData, revokedOn: IsoDate, useDates: readonly IsoDate[]): string | null {
  const earliest = earliestRevocation(mandate, useDates);
  if (revokedOn >= earliest) return null;
  if (earliest === mandate.signedOn) return `Le mandat a été signé le ${frenchDate(mandate.signedOn)} : la révocation ne peut pas être datée avant.`;
  return `Le mandat a servi le ${frenchDate(addDays(earliest, -1))} : la révocation prend effet au plus tôt le lendemain, le ${frenchDate(earliest)}.`;
}

/** Whether a mandate is valid on `date` (signed, not revoked, not expired), whatever the domains. */
export function isMandateValidOn(mandate: MandateData, date: IsoDate): boolean {
  return mandate.signedOn <= date && date < mandate.expiresOn && (mandate.revokedOn === null || date < mandate.revokedOn);
}

export interface MandateToRenew<T> {
  mandate: T;
  /** Days left, counting today, until `expiresOn` (1: today is its last valid day). */
  daysLeft: number;
}

/**
 * Mandates to renew (ux.md « Mandats à renouveler »): valid today and expiring within `withinDays`
 * days (`expiresOn - today <= withinDays`), soonest first. Revoked ones (even from a later day)
 * are not renewed.
 */
export function mandatesToRenew<T extends { data: MandateData }>(mandates: readonly T[], today: IsoDate, withinDays = RENEW_WITHIN_DAYS): MandateToRenew<T>[] {
  return mandates
    .filter((m) => m.data.revokedOn === null && isMandateValidOn(m.data, today))
    .map((m) => ({ mandate: m, daysLeft: daysBetween(today, m.data.expiresOn) }))
    .filter((m) => m.daysLeft <= withinDays)
    .sort((a, b) => a.daysLeft - b.daysLeft);
}
