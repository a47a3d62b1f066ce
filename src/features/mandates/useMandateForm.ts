/**
 * « Enregistrer un mandat » and « Révoquer le mandat »: the form state, the errors next to each
 * field (the shared validator's, so the tablet says what the server would), and the saves through
 * the one write path. A revocation keeps the stored version it was made on.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { StorageError } from '../../db/storageError';
import { editBaseOf, newId, saveRecord, StaleEditError, ValidationError } from '../../db/writes';
import type { IsoDate } from '../../domain/records';
import { validateMandate, type FieldError } from '../../domain/validation';
import { mandateDataOf, newMandateForm, type MandateFormState } from './mandateModel';

export type MandateField = 'signedOn' | 'durationDays' | 'domains' | 'actions' | 'paperLocation';

/** Validator paths → the field that shows them (`expiresOn` is computed from the duration). */
function byField(errors: readonly FieldError[]): Partial<Record<MandateField, string>> {
  const out: Partial<Record<MandateField, string>> = {};
  for (const e of errors) {
    const head = e.path.split('.')[0];
    const key: MandateField = head === 'expiresOn' ? 'durationDays' : head === 'beneficiaryId' || head === 'revokedOn' ? 'signedOn' : (head as MandateField);
    out[key] ??= e.message;
  }
  return out;
}

const failure = (err: unknown) => (err instanceof StorageError ? err.message : 'L’enregistrement a échoué. Réessayez.');

export function useMandateForm(personId: string, today: IsoDate, onSaved: (saved: LocalRecord<'mandate'>) => void) {
  const [state, setState] = useState<MandateFormState>(() => newMandateForm(today));
  const [submitted, setSubmitted] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const data = mandateDataOf(personId, state);
  const errors = submitted ? byField(validateMandate(data)) : {};

  const save = async (): Promise<MandateField | undefined> => {
    setSubmitted(true);
    const found = byField(validateMandate(data));
    const first = (['signedOn', 'durationDays', 'domains', 'actions', 'paperLocation'] as const).find((k) => found[k]);
    if (first) return first;
    setBusy(true);
    try {
      onSaved(await saveRecord('mandate', newId(), data, { mustBeNew: true }));
    } catch (err) {
      if (err instanceof ValidationError) return 'signedOn';
      setFormError(failure(err));
    } finally {
      setBusy(false);
    }
  };

  return {
    state,
    errors,
    formError,
    busy,
    expiresOn: data.expiresOn,
    update: (patch: Partial<MandateFormState>) => setState((s) => ({ ...s, ...patch })),
    save,
  };
}

/** Révoquer le mandat: sets `revokedOn` (the reason is not stored: see RevokeMandate). */
export async function revokeMandate(mandate: LocalRecord<'mandate'>, revokedOn: IsoDate): Promise<string | null> {
  try {
    // Refused (ValidationError) when dated on or before a day it was used: the write path's check.
    await saveRecord('mandate', mandate.id, { ...mandate.data, revokedOn }, { base: editBaseOf(mandate) });
    return null;
  } catch (err) {
    if (err instanceof ValidationError) return err.fields[0]?.message ?? 'Date invalide.';
    if (err instanceof StaleEditError) return 'Ce mandat a été modifié ailleurs entre-temps : rouvrez-le puis révoquez-le.';
    return failure(err);
  }
}
