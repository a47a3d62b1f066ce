/**
 * The person form's decisions ("Nouvelle personne", "Modifier"): its draft (kept as it is typed,
 * resumed on return), saving a new person (never over an existing id) or an edit on the version it
 * started from (a newer one landing meanwhile is asked about, as for accompaniments), and where it
 * goes next (her page, or back to the accompaniment form with her chosen).
 */
import type { LocalRecord } from '../../db/database';
import { editBaseOf, saveRecord } from '../../db/writes';
import { validateBeneficiary } from '../../domain/validation';
import { navigate } from '../../platform/router';
import { returnWithPerson } from '../accompaniment/personReturn';
import { useToast } from '../common/toastStore';
import { useEditForm, type EditDraft } from '../common/useEditForm';
import { firstPersonError, personDataOf, personErrors, personStateOf, type PersonField, type PersonState } from './personModel';

export type PersonDraft = EditDraft<PersonState>;

export const personDraftKey = (id?: string) => `person:${id ?? 'new'}`;

export interface PersonFormStart {
  initial: PersonDraft;
  restored: boolean;
  record: LocalRecord<'beneficiary'> | null;
  /** Came from the accompaniment form ('new' or its id): goes back there with her chosen. */
  forEntry?: string;
}

export function usePersonForm({ initial, restored, record: startRecord, forEntry }: PersonFormStart) {
  const key = personDraftKey(startRecord?.id);
  const form = useEditForm<'beneficiary', PersonState, PersonField>({
    draftKey: key,
    initial,
    restored,
    record: startRecord,
    errorsOf: personErrors,
    firstError: firstPersonError,
    stateOf: personStateOf,
  });
  const { draft, record, stale, autosave } = form;
  const showToast = useToast((s) => s.show);
  const editing = record !== null;
  const data = personDataOf(draft.state);
  const errors = personErrors(form.submitted ? validateBeneficiary(data) : []);

  const save = (overwriteStale = false) =>
    form.save(
      validateBeneficiary(data),
      () =>
        saveRecord(
          'beneficiary',
          draft.id,
          data,
          record ? { base: draft.base ?? editBaseOf(record), overwriteStale, draftKey: key } : { mustBeNew: true, draftKey: key },
        ),
      async (saved: LocalRecord<'beneficiary'>) => {
        showToast({ message: editing ? 'Personne modifiée.' : 'Personne enregistrée.' });
        if (forEntry) await returnWithPerson(forEntry, saved.id);
        else navigate({ name: 'person', id: saved.id });
      },
    );

  return {
    state: draft.state,
    editing,
    errors,
    busy: form.busy,
    formError: form.formError,
    stale,
    notice: form.notice,
    update: form.update,
    submit: () => save(),
    saveMine: () => save(true),
    /** Shows the stored version instead of what she typed (she was told it is lost). */
    showCurrent: async () => {
      if (stale) await form.showCurrent(stale);
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
