/**
 * The mandate screens' decisions, as pure functions: the new-mandate form's state and its record
 * data (`expiresOn` always `expiresOnFor(signedOn, days)`, which the server checks), the words for
 * a mandate's state, and which of a person's mandates a "Fait à sa place" visit can use (the
 * domain's `mandateFit`, so the form and the server say the same thing).
 */
import { addDays, frenchDate } from '../../domain/dates';
import { DEFAULT_MANDATE_DAYS, expiresOnFor, isMandateValidOn, mandateFit, NO_MANDATE_DOMAIN, type MandateUse } from '../../domain/mandates';
import type { IsoDate, MandateData } from '../../domain/records';
import { DOMAIN_LABELS, type DomainCode } from '../../domain/reference';

/** The domains a mandate can cover: every §3 domain but `numerique` (it needs no mandate). */
export const MANDATE_DOMAIN_OPTIONS = (Object.keys(DOMAIN_LABELS) as DomainCode[])
  .filter((d) => d !== NO_MANDATE_DOMAIN)
  .map((value) => ({ value, label: DOMAIN_LABELS[value] }));

export interface MandateFormState {
  signedOn: IsoDate;
  durationDays: number;
  domains: DomainCode[];
  actions: string;
  paperLocation: string;
}

export function newMandateForm(today: IsoDate): MandateFormState {
  return { signedOn: today, durationDays: DEFAULT_MANDATE_DAYS, domains: [], actions: '', paperLocation: '' };
}

/** The record's data; an unreadable date is kept as typed so that validation names it. */
export function mandateDataOf(personId: string, s: MandateFormState): MandateData {
  let expiresOn = s.signedOn;
  try {
    expiresOn = expiresOnFor(s.signedOn, s.durationDays);
  } catch {
    // an invalid signing date: validation reports it next to the field
  }
  return {
    beneficiaryId: personId,
    signedOn: s.signedOn,
    durationDays: s.durationDays,
    expiresOn,
    domains: s.domains,
    actions: s.actions.trim(),
    paperLocation: s.paperLocation.trim(),
    revokedOn: null,
  };
}

/** The last day a mandate applies (the day before `expiresOn`). */
export const lastValidDay = (m: Pick<MandateData, 'expiresOn'>): IsoDate => addDays(m.expiresOn, -1);

export type MandateStateKind = 'valid' | 'expired' | 'revoked' | 'not_yet';

/** « valide jusqu’au 28/11/2027 inclus », « expiré le … », « révoqué le … », « valable à partir du … ». */
export function mandateState(m: MandateData, today: IsoDate): { kind: MandateStateKind; label: string } {
  if (m.revokedOn !== null && m.revokedOn <= today) return { kind: 'revoked', label: `Révoqué le ${frenchDate(m.revokedOn)}` };
  if (today >= m.expiresOn) return { kind: 'expired', label: `Expiré le ${frenchDate(m.expiresOn)}` };
  if (today < m.signedOn) return { kind: 'not_yet', label: `Valable à partir du ${frenchDate(m.signedOn)}` };
  const revokes = m.revokedOn !== null ? ` (révocation prévue le ${frenchDate(m.revokedOn)})` : '';
  return { kind: 'valid', label: `Valide jusqu’au ${frenchDate(lastValidDay(m))} inclus${revokes}` };
}

export interface MandateChoice<T> {
  mandate: T;
  /** Null when it can be used; otherwise why not, in plain words. */
  why: string | null;
}

/**
 * A person's mandates for a visit: those that fit first (most recently signed first), then the
 * others with the reason, as `mandateFit` words it.
 */
export function mandateChoices<T extends { id: string; data: MandateData }>(
  mandates: readonly T[],
  use: MandateUse,
  /** People compared after merges (as the server does): a merged person's id gives her survivor's. */
  survivorOf: (id: string) => string = (id) => id,
): MandateChoice<T>[] {
  const person = use.beneficiaryId === null ? null : survivorOf(use.beneficiaryId);
  const all = mandates.map((mandate) => {
    const fit = mandateFit({ ...mandate.data, beneficiaryId: survivorOf(mandate.data.beneficiaryId) }, { ...use, beneficiaryId: person });
    return { mandate, why: fit.ok ? null : fit.message };
  });
  const bySigned = (a: MandateChoice<T>, b: MandateChoice<T>) => b.mandate.data.signedOn.localeCompare(a.mandate.data.signedOn);
  return [...all.filter((c) => c.why === null).sort(bySigned), ...all.filter((c) => c.why !== null).sort(bySigned)];
}

/** Whether a mandate can still be revoked (not revoked yet, not expired). */
export const canRevoke = (m: MandateData, today: IsoDate) => m.revokedOn === null && (today < m.expiresOn || isMandateValidOn(m, today));

/** The domains' names, « Logement, Travail – Formation ». */
export const domainsLabel = (domains: readonly string[]) => domains.map((d) => (DOMAIN_LABELS as Record<string, string>)[d] ?? d).join(', ');
