/**
 * The accompaniment form's state, and its mapping to and from the record's data. The state keeps
 * "not chosen yet" as null; validation (shared with the server) turns those into messages.
 */
import type { AccompanimentData, AnonymousStats, IsoDate, PermanenceData, ProcedureRef } from '../../domain/records';
import { newAnonymousStats } from '../../domain/records';
import { AGENCY_INSEE, type Equipment, type Outcome, type PlaceType, type Posture, type ReferralTarget } from '../../domain/reference';
import type { FieldError } from '../../domain/validation';
import type { FollowupProposal } from '../followups/followupModel';

export interface FormState {
  date: IsoDate;
  /** During the open (or the record's) permanence, or elsewhere. */
  inPermanence: boolean;
  permanenceId: string | null;
  placeType: Exclude<PlaceType, 'relay'>;
  communeInsee: string;
  procedures: ProcedureRef[];
  posture: Posture | null;
  outcome: Outcome | null;
  referralTarget: ReferralTarget | null;
  referralNote: string;
  /** A chip's value, or null. */
  duration: number | null;
  /** Typed minutes when "Autre durée" is chosen. */
  customDuration: string;
  useCustomDuration: boolean;
  anonymous: AnonymousStats;
  equipment: Equipment[];
  note: string;
  /** The followed person (set by the "who" part; absent: anonymous). */
  beneficiaryId?: string | null;
  /** « Fait à sa place »: the mandate chosen (see features/mandates/MandateChoice). */
  mandateId?: string | null;
  /** « Doit revenir »: the follow-up proposed (see features/followups). */
  followup?: FollowupProposal;
}

export interface PermanenceRef {
  id: string;
  data: Pick<PermanenceData, 'communeInsee' | 'date'>;
}

export function initialState(today: IsoDate, open: PermanenceRef | null): FormState {
  return {
    date: today,
    inPermanence: open !== null,
    permanenceId: open?.id ?? null,
    placeType: 'agency',
    communeInsee: open?.data.communeInsee ?? AGENCY_INSEE,
    procedures: [],
    posture: null,
    outcome: null,
    referralTarget: null,
    referralNote: '',
    duration: null,
    customDuration: '',
    useCustomDuration: false,
    beneficiaryId: null,
    anonymous: newAnonymousStats(),
    equipment: [],
    note: '',
  };
}

export function stateFromData(a: AccompanimentData, presets: readonly number[]): FormState {
  const preset = presets.includes(a.durationMinutes);
  return {
    date: a.date,
    inPermanence: a.permanenceId !== null,
    permanenceId: a.permanenceId,
    placeType: a.placeType === 'relay' ? 'agency' : a.placeType,
    communeInsee: a.communeInsee,
    procedures: a.procedures.map((p) => ({ ...p })),
    posture: a.posture,
    outcome: a.outcome,
    referralTarget: a.referral?.target ?? null,
    referralNote: a.referral?.note ?? '',
    duration: preset ? a.durationMinutes : null,
    customDuration: preset ? '' : String(a.durationMinutes),
    useCustomDuration: !preset,
    anonymous: a.anonymous ? { ...a.anonymous } : newAnonymousStats(),
    equipment: [...a.equipment],
    note: a.note ?? '',
    beneficiaryId: a.beneficiaryId,
    mandateId: a.mandateId,
  };
}

/** "Comme le précédent": the previous entry's choices, for a new person today. */
export function copyOfPrevious(previous: AccompanimentData, presets: readonly number[], today: IsoDate, open: PermanenceRef | null): FormState {
  const copy = stateFromData(previous, presets);
  const fresh = initialState(today, open);
  return {
    ...copy,
    date: today,
    inPermanence: fresh.inPermanence,
    permanenceId: fresh.permanenceId,
    communeInsee: open ? fresh.communeInsee : copy.communeInsee,
    note: '',
    beneficiaryId: null, // what was done, never who it was
    mandateId: null,
  };
}

/** "Enregistrer et nouveau": keeps the procedures (the next person often comes for the same). */
export function nextInQueue(saved: FormState, today: IsoDate, open: PermanenceRef | null): FormState {
  return { ...initialState(today, open), procedures: saved.procedures };
}

export function durationOf(s: FormState): number | null {
  if (!s.useCustomDuration) return s.duration;
  const n = Number(s.customDuration.trim());
  return s.customDuration.trim() === '' || Number.isNaN(n) ? null : n;
}

/**
 * The record's data. Unchosen fields stay null (cast) so that the shared validator reports them.
 * `permanenceCommune` is the commune of the permanence the entry belongs to.
 */
export function toData(s: FormState, permanenceCommune: string | null): AccompanimentData {
  const inPermanence = s.inPermanence && s.permanenceId !== null;
  const note = s.note.trim();
  return {
    permanenceId: inPermanence ? s.permanenceId : null,
    date: s.date,
    communeInsee: inPermanence && permanenceCommune ? permanenceCommune : s.communeInsee,
    placeType: inPermanence ? 'relay' : s.placeType,
    durationMinutes: durationOf(s) as number,
    // A followed person's statistics are hers (taken from her record by tallies), never typed.
    beneficiaryId: s.beneficiaryId ?? null,
    anonymous: s.beneficiaryId ? null : { ...s.anonymous },
    procedures: s.procedures,
    posture: s.posture as Posture,
    mandateId: s.posture === 'fait_a_la_place' ? (s.mandateId ?? null) : null,
    outcome: s.outcome as Outcome,
    referral: s.outcome === 'orientee' ? ({ target: s.referralTarget, note: s.referralNote.trim() || null } as AccompanimentData['referral']) : null,
    equipment: s.equipment,
    note: note === '' ? null : note,
  };
}

/** Form sections in screen order: the first one with an error gets the focus. */
export const FIELD_ORDER = [
  'date',
  'placeType',
  'communeInsee',
  'procedures',
  'posture',
  'mandateId',
  'outcome',
  'referral',
  'followup',
  'durationMinutes',
  'anonymous',
  'equipment',
  'note',
] as const;
export type FieldKey = (typeof FIELD_ORDER)[number];

/** Groups error paths by form field (e.g. `procedures.0.code` → `procedures`). */
export function errorsByField(errors: readonly FieldError[]): Partial<Record<FieldKey, string>> {
  const out: Partial<Record<FieldKey, string>> = {};
  for (const e of errors) {
    const head = e.path.split('.')[0] as FieldKey;
    const key: FieldKey = FIELD_ORDER.includes(head) ? head : 'note';
    out[key] ??= e.message;
  }
  return out;
}

export function firstErrorField(errors: Partial<Record<FieldKey, string>>): FieldKey | undefined {
  return FIELD_ORDER.find((k) => errors[k]);
}
