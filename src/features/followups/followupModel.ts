/**
 * Follow-ups (« À suivre ») as the screens shape them, pure: the proposal « Doit revenir » makes in
 * the accompaniment form (what — from the procedures —, for whom, due date; commune and relay
 * come from the visit), a follow-up typed by hand, and the words for when one is due.
 */
import { addDays, daysBetween, frenchDate } from '../../domain/dates';
import type { FollowupData, IsoDate, ProcedureRef } from '../../domain/records';

/** The due-date chips: in one week, two weeks, four weeks. */
export const DUE_PRESETS = [
  { days: 7, label: 'Dans 1 semaine' },
  { days: 14, label: 'Dans 2 semaines' },
  { days: 28, label: 'Dans 4 semaines' },
] as const;
export const DEFAULT_DUE_DAYS = 7;

/** What the form keeps while « Doit revenir » is chosen. */
export interface FollowupProposal {
  /** She can decline the proposal. */
  wanted: boolean;
  /** What to do; null: the proposal made from the procedures (it follows them). */
  label: string | null;
  /** For an anonymous visit: a few words to recognise her (never a full identity). */
  forWhom: string;
  dueOn: IsoDate;
}

export function newProposal(visitDate: IsoDate): FollowupProposal {
  return { wanted: true, label: null, forWhom: '', dueOn: addDays(visitDate, DEFAULT_DUE_DAYS) };
}

/** « Revenir pour : Carte grise, Déclaration de revenus » (empty without procedures). */
export function proposedLabel(procedures: readonly ProcedureRef[], labelOf: (code: string) => string): string {
  return procedures.length === 0 ? '' : `Revenir pour : ${procedures.map((p) => labelOf(p.code)).join(', ')}`;
}

export interface FollowupContext {
  beneficiaryId: string | null;
  procedures: readonly ProcedureRef[];
  labelOf: (code: string) => string;
  communeInsee: string | null;
  relayId: string | null;
}

/** The follow-up record « Doit revenir » saves with the visit (its id is set by the save). */
export function followupFromProposal(p: FollowupProposal, c: FollowupContext): FollowupData {
  const what = (p.label ?? proposedLabel(c.procedures, c.labelOf)).trim();
  const who = c.beneficiaryId === null ? p.forWhom.trim() : '';
  return {
    beneficiaryId: c.beneficiaryId,
    label: who && what ? `${who} — ${what}` : what || who,
    communeInsee: c.communeInsee,
    relayId: c.relayId,
    dueOn: p.dueOn || null,
    doneOn: null,
    accompanimentId: null,
  };
}

/** A follow-up typed by hand (from a person's page or the home screen). */
export interface ManualFollowup {
  label: string;
  communeInsee: string;
  dueOn: IsoDate;
}

export function manualFollowupData(f: ManualFollowup, beneficiaryId: string | null, relayId: string | null): FollowupData {
  return {
    beneficiaryId,
    label: f.label.trim(),
    communeInsee: f.communeInsee || null,
    relayId,
    dueOn: f.dueOn || null,
    doneOn: null,
    accompanimentId: null,
  };
}

/** « en retard de 3 jours (prévu le 26/11/2026) », « prévu aujourd’hui », « prévu le … ». */
export function dueLabel(dueOn: IsoDate | null, today: IsoDate): { overdue: boolean; text: string } {
  if (dueOn === null) return { overdue: false, text: 'sans date' };
  const late = daysBetween(dueOn, today);
  if (late > 0) return { overdue: true, text: `En retard de ${late} jour${late > 1 ? 's' : ''} (prévu le ${frenchDate(dueOn)})` };
  if (late === 0) return { overdue: false, text: 'Prévu aujourd’hui' };
  return { overdue: false, text: `Prévu le ${frenchDate(dueOn)}` };
}

/** Where an edit of a follow-up keeps its draft while typed. */
export const followupDraftKey = (id: string) => `followup:${id}`;

export type FollowupField = 'label' | 'communeInsee' | 'dueOn';
const FOLLOWUP_FORM_FIELDS: readonly FollowupField[] = ['label', 'communeInsee', 'dueOn'];

/** What the edit form shows of a stored follow-up. */
export function followupStateOf(d: FollowupData): ManualFollowup {
  return { label: d.label, communeInsee: d.communeInsee ?? '', dueOn: d.dueOn ?? '' };
}

/** A follow-up as edited: what, commune, due date; the rest kept (its relay only while in the same commune). */
export function editedFollowupData(s: ManualFollowup, stored: FollowupData): FollowupData {
  const communeInsee = s.communeInsee || null;
  return { ...stored, label: s.label.trim(), communeInsee, relayId: communeInsee === stored.communeInsee ? stored.relayId : null, dueOn: s.dueOn || null };
}

export function followupErrors(errors: readonly { path: string; message: string }[]): Partial<Record<FollowupField, string>> {
  const out: Partial<Record<FollowupField, string>> = {};
  for (const e of errors) if ((FOLLOWUP_FORM_FIELDS as readonly string[]).includes(e.path)) out[e.path as FollowupField] ??= e.message;
  return out;
}

export const firstFollowupError = (errors: Partial<Record<FollowupField, string>>) => FOLLOWUP_FORM_FIELDS.find((k) => errors[k]);
