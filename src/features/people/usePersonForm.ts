/**
 * The person form's decisions ("Nouvelle personne", "Modifier"): its draft (kept as it is typed,
 * resumed on return), saving a new person (never over an existing id) or an edit on the version it
 * started from (a newer one landing meanwhile is asked about, as for accompaniments), and where it
 * goes next (her page, or back to the accompaniment form with her chosen).
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { StorageError } from '../../db/storageError';
import { editBaseOf, saveRecord, StaleEditError, ValidationError, type EditBase } from '../../db/writes';
import { validateBeneficiary } from '../../domain/validation';
import { navigate } from '../../platform/router';
import { returnWithPerson } from '../accompaniment/personReturn';
import { useToast } from '../common/toastStore';
import { useAutosave } from '../common/useAutosave';
import { firstPersonError, personDataOf, personErrors, personStateOf, type PersonField, type PersonState } from './personModel';

export interface PersonDraft {
  id: string;
  state: PersonState;
  /** Editing: the version the edit started from. */
  base?: EditBase;
}

export const personDraftKey = (id?: string) => `person:${id ?? 'new'}`;

export interface PersonFormStart {
  initial: PersonDraft;
  restored: boolean;
  record: LocalRecord<'beneficiary'> | null;
  /** Came from the accompaniment form ('new' or its id): goes back there with her chosen. */
  forEntry?: string;
}

export function usePersonForm({ initial, restored, record: startRecord, forEntry }: PersonFormStart) {
  const [draft, setDraft] = useState(initial);
  const [record, setRecord] = useState(startRecord);
  const [dirty, setDirty] = useState(restored);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState<LocalRecord<'beneficiary'> | null>(null);
  const [notice, setNotice] = useState<'restored' | 'current' | null>(restored ? 'restored' : null);
  const editing = record !== null;
  const key = personDraftKey(record?.id);
  const autosave = useAutosave(key, draft, dirty);
  const showToast = useToast((s) => s.show);
  const data = personDataOf(draft.state);
  const errors = personErrors(submitted ? validateBeneficiary(data) : []);

  const update = (patch: Partial<PersonState>) => {
    setDraft((d) => ({ ...d, state: { ...d.state, ...patch } }));
    setDirty(true);
    setFormError(null);
  };

  const save = async (overwriteStale = false): Promise<PersonField | undefined> => {
    if (busy) return;
    setSubmitted(true);
    const problems = personErrors(validateBeneficiary(data));
    if (Object.keys(problems).length > 0) return firstPersonError(problems);
    setBusy(true);
    autosave.pause();
    try {
      const options = editing ? { base: draft.base ?? editBaseOf(record), overwriteStale, draftKey: key } : { mustBeNew: true, draftKey: key };
      const saved = await saveRecord('beneficiary', draft.id, data, options);
      setDirty(false);
      setStale(null);
      showToast({ message: editing ? 'Personne modifiée.' : 'Personne enregistrée.' });
      if (forEntry) await returnWithPerson(forEntry, saved.id);
      else navigate({ name: 'person', id: saved.id });
    } catch (err) {
      if (err instanceof StaleEditError) setStale(err.current as LocalRecord<'beneficiary'>);
      else if (err instanceof ValidationError) return firstPersonError(personErrors(err.fields));
      else setFormError(err instanceof StorageError ? err.message : 'L’enregistrement a échoué. Votre saisie est gardée : réessayez.');
    } finally {
      setBusy(false);
    }
  };

  return {
    state: draft.state,
    editing,
    errors,
    busy,
    formError,
    stale,
    notice,
    update,
    submit: () => save(),
    saveMine: () => save(true),
    /** Shows the stored version instead of what she typed (she was told it is lost). */
    showCurrent: async () => {
      if (!stale) return;
      await autosave.discard();
      setRecord(stale);
      setDraft({ id: stale.id, state: personStateOf(stale.data), base: editBaseOf(stale) });
      setDirty(false);
      setStale(null);
      setSubmitted(false);
      setNotice('current');
    },
    /** "Annuler": leaves without saving (the draft is dropped). */
    cancel: async () => {
      await autosave.discard();
      if (forEntry) await returnWithPerson(forEntry, null);
      else navigate(record ? { name: 'person', id: record.id } : { name: 'people' });
    },
  };
}

export type PersonFormModel = ReturnType<typeof usePersonForm>;
