/**
 * The permanence edit form's content: what is typed (`PermanenceState`), the data it saves (the
 * commune follows the relay chosen), and its errors by field, in screen order.
 */
import type { LocalRecord } from '../../db/database';
import type { EditBase } from '../../db/writes';
import type { PermanenceData } from '../../domain/records';
import type { FieldError } from '../../domain/validation';

export interface PermanenceState {
  relayId: string | null;
  date: string;
  startTime: string;
  endTime: string;
  note: string;
}

export interface PermanenceDraft {
  id: string;
  state: PermanenceState;
  /** The version the edit started from. */
  base: EditBase;
}

export const permanenceDraftKey = (id: string) => `permanence:${id}`;

export function permanenceStateOf(data: PermanenceData): PermanenceState {
  return { relayId: data.relayId, date: data.date, startTime: data.startTime, endTime: data.endTime ?? '', note: data.note ?? '' };
}

/**
 * The data to save over `stored`: its status is kept (an open one is closed from the home
 * screen); a new relay brings its commune, the same relay keeps the stored one.
 */
export function permanenceDataOf(s: PermanenceState, stored: PermanenceData, relays: ReadonlyMap<string, LocalRecord<'relay'>>): PermanenceData {
  const relayId = s.relayId ?? '';
  const communeInsee = relayId === stored.relayId ? stored.communeInsee : (relays.get(relayId)?.data.communeInsee ?? stored.communeInsee);
  const note = s.note.trim();
  return {
    relayId,
    communeInsee,
    date: s.date,
    startTime: s.startTime,
    endTime: stored.status === 'open' ? null : s.endTime === '' ? null : s.endTime,
    status: stored.status,
    note: note === '' ? null : note,
  };
}

/** Fields in screen order: the first one with an error gets the focus. */
export const PERMANENCE_FORM_FIELDS = ['relayId', 'date', 'startTime', 'endTime', 'note'] as const;
export type PermanenceField = (typeof PERMANENCE_FORM_FIELDS)[number];

export function permanenceErrors(errors: readonly FieldError[]): Partial<Record<PermanenceField, string>> {
  const out: Partial<Record<PermanenceField, string>> = {};
  for (const e of errors) {
    const key: PermanenceField = (PERMANENCE_FORM_FIELDS as readonly string[]).includes(e.path)
      ? (e.path as PermanenceField)
      : e.path === 'communeInsee'
        ? 'relayId'
        : 'note';
    out[key] ??= e.message;
  }
  return out;
}

export const firstPermanenceError = (errors: Partial<Record<PermanenceField, string>>) => PERMANENCE_FORM_FIELDS.find((k) => errors[k]);
