/**
 * The accompaniment form's decisions: what it shows, how it saves (an edit on the version it
 * started from; a new entry never over an existing one), what "Annuler" after a save does, and the
 * choice offered when the record changed elsewhere. The component only renders what this returns.
 * Database steps are `src/db/accompanimentSession.ts` functions, one transaction each.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { loadDraft, saveDraft } from '../../db/drafts';
import { survivorId } from '../../db/people';
import { saveEntry, storedEntry, type EntryDraft } from '../../db/accompanimentSession';
import { StorageError } from '../../db/storageError';
import { deleteRecord, editBaseOf, newId, restoreRecord, StaleEditError, ValidationError } from '../../db/writes';
import { parisDate } from '../../domain/dates';
import { validateAccompaniment, type FieldError } from '../../domain/validation';
import { navigate } from '../../platform/router';
import { useToast } from '../common/toastStore';
import { useAutosave } from '../common/useAutosave';
import { visitFollowup, visitFollowupErrors } from '../followups/visitFollowup';
import type { FormContext } from './AccompanimentScreen';
import { copyOfPrevious, errorsByField, firstErrorField, initialState, nextInQueue, stateFromData, toData, type FieldKey, type FormState } from './formModel';
import { registerForm, type ReloadReason } from './openForms';
import { undoEditedSave, undoNewSave } from './undoSave';

export type FormDraft = EntryDraft<FormState>;

/** A message above the form about where its content comes from. */
export type Notice = 'restored' | ReloadReason | 'setAsideBack' | 'current' | null;

/** A question the form asks before going on. */
export type Dialog =
  | { kind: 'stale'; current: LocalRecord<'accompaniment'> }
  | { kind: 'confirmCurrent'; current: LocalRecord<'accompaniment'> }
  | { kind: 'confirmDiscard' }
  | { kind: 'confirmDelete' }
  | null;

export interface FormStart {
  draftKey: string;
  initial: FormDraft;
  restored: boolean;
  record: LocalRecord<'accompaniment'> | null;
  context: FormContext;
}

export function useAccompanimentForm({ draftKey, initial, restored, record: startRecord, context }: FormStart) {
  const [draft, setDraft] = useState<FormDraft>(initial);
  const [record, setRecord] = useState(startRecord);
  // A resumed draft is written again at once: the id or base the resume fixed must be kept.
  const [dirty, setDirty] = useState(restored);
  const [notice, setNotice] = useState<Notice>(restored ? (initial.next ? 'undoneSetAside' : 'restored') : null);
  const [submitted, setSubmitted] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  // What the save itself refused (the mandate as held at that moment): shown until the next change.
  const [saveErrors, setSaveErrors] = useState<FieldError[]>([]);
  const showToast = useToast((s) => s.show);
  const autosave = useAutosave(draftKey, draft, dirty);
  const intent = useRef<'home' | 'next'>('home');

  const s = draft.state;
  const editing = record !== null;
  const today = parisDate(new Date());
  const open = context.open;
  // The permanence the entry belongs to: the open one, or (when editing) its own.
  const permanence =
    s.permanenceId && open?.id === s.permanenceId ? open.data : s.permanenceId && record?.data.permanenceId === s.permanenceId ? record.data : null;
  const permanenceCommune = permanence?.communeInsee ?? null;
  const data = useMemo(() => toData(s, permanenceCommune), [s, permanenceCommune]);
  // « Doit revenir »: the follow-up saved with the visit (features/followups decides it).
  const relayId = open && open.id === s.permanenceId ? open.data.relayId : null;
  const followup = useMemo(() => visitFollowup(s, data, context.catalogue, relayId), [s, data, context.catalogue, relayId]);
  const problems = useMemo(() => [...validateAccompaniment(data), ...visitFollowupErrors(followup)], [data, followup]);
  const errorList: FieldError[] = submitted ? [...problems, ...saveErrors] : [];

  /** Shows `next` as the form's content, already stored (or deliberately not) as its draft. */
  const show = useCallback((next: FormDraft, why: Notice, stored = true) => {
    setDraft(next);
    setDirty(!stored);
    setSubmitted(false);
    setFormError(null);
    setNotice(why);
  }, []);

  // The undo in the toast outlives this form: it writes through here what is on screen, then
  // makes this form show what it put back.
  useEffect(
    () =>
      registerForm(draftKey, {
        flush: autosave.flush,
        reload: async (reason) => {
          const kept = await loadDraft<FormDraft>(draftKey);
          if (!kept) return;
          autosave.pause();
          setDialog(null);
          show(kept, reason);
        },
      }),
    [draftKey, autosave, show],
  );

  const update = (patch: Partial<FormState>) => {
    setDraft((d) => ({ ...d, state: { ...d.state, ...patch } }));
    setDirty(true);
    setFormError(null);
    setSaveErrors([]);
  };

  const afterSave = (saved: LocalRecord<'accompaniment'>, previous: LocalRecord<'accompaniment'> | null) => {
    setDirty(false);
    if (editing && previous) {
      showToast({ message: 'Accompagnement modifié.', action: { label: 'Annuler', run: () => undoEditedSave(previous, saved, showToast) } });
      return navigate({ name: 'today' });
    }
    const entry = { id: saved.id, state: s };
    showToast({ message: 'Accompagnement enregistré.', action: { label: 'Annuler', run: () => undoNewSave(draftKey, entry, showToast) } });
    if (intent.current === 'home') return navigate({ name: 'today' });
    // The entry set aside for the next person (by an undo) was made the draft by the save.
    if (draft.next) show({ ...draft.next }, 'setAsideBack');
    else show({ id: newId(), state: nextInQueue(s, today, open) }, null);
    window.scrollTo(0, 0);
    document.getElementById('field-posture')?.querySelector('input')?.focus();
  };

  const save = async (overwriteStale = false): Promise<FieldKey | undefined> => {
    if (busy) return;
    setSubmitted(true);
    if (problems.length > 0) return firstErrorField(errorsByField(problems));
    setBusy(true);
    // What was typed last is in the draft before the save is tried: if the save is refused or
    // fails, nothing is lost (the save clears the draft in its own transaction when it succeeds).
    await autosave.flush();
    autosave.pause(); // no late write may bring the draft back
    try {
      // She may have been merged into another person since she was chosen: save under the survivor.
      const who = data.beneficiaryId ? { ...data, beneficiaryId: await survivorId(data.beneficiaryId) } : data;
      const { record: saved, previous } = await saveEntry({ key: draftKey, draft, data: who, editing: record, overwriteStale, followup });
      setDialog(null);
      afterSave(saved, previous);
    } catch (err) {
      if (err instanceof StaleEditError) setDialog({ kind: 'stale', current: err.current as LocalRecord<'accompaniment'> });
      else if (err instanceof ValidationError) {
        setSaveErrors(err.fields);
        return firstErrorField(errorsByField(err.fields));
      } else setFormError(err instanceof StorageError ? err.message : 'L’enregistrement a échoué. Votre saisie est gardée : réessayez.');
    } finally {
      setBusy(false);
    }
  };

  /** Replaces what she typed by the stored version (after she confirmed). */
  const showStored = async (current: LocalRecord<'accompaniment'> | undefined) => {
    await autosave.discard();
    setDialog(null);
    if (!current || current.deleted) {
      showToast({ message: 'Cet accompagnement a été supprimé ailleurs.', tone: 'error' });
      return navigate({ name: 'today' });
    }
    setRecord(current);
    show({ id: current.id, state: stateFromData(current.data, context.durations), base: editBaseOf(current) }, 'current', true);
  };

  const remove = async () => {
    if (!record) return;
    try {
      await deleteRecord('accompaniment', record.id);
      await autosave.discard();
      navigate({ name: 'today' });
      showToast({
        message: 'Accompagnement supprimé.',
        action: { label: 'Annuler', run: () => restoreRecord('accompaniment', record.id).then(() => showToast({ message: 'Accompagnement rétabli.' })) },
      });
    } catch (err) {
      setFormError((err as Error).message);
    }
  };

  return {
    state: s,
    editing,
    today,
    open,
    permanenceCommune,
    canBeInPermanence: s.permanenceId !== null || open !== null,
    errors: errorsByField(errorList),
    notice,
    formError,
    busy,
    dialog,
    update,
    /** "Enregistrer" or "Enregistrer et nouveau": returns the field to focus when invalid. */
    submit: (then: 'home' | 'next') => {
      intent.current = then;
      return save();
    },
    /** The "who": a followed person (null: anonymous). */
    choosePerson: (beneficiaryId: string | null) => update({ beneficiaryId }),
    /** "Nouvelle personne": keeps this entry as its draft, then opens the person form, which comes back. */
    newPerson: async () => {
      await saveDraft(draftKey, draft);
      autosave.pause();
      navigate({ name: 'newPerson', forEntry: record ? record.id : 'new' });
    },
    copyPrevious: (previous: LocalRecord<'accompaniment'>) => update(copyOfPrevious(previous.data, context.durations, today, open)),
    /** New entry: starts again (with what was set aside for the next person, if anything). */
    clearForm: async () => {
      await autosave.discard();
      if (draft.next) show({ ...draft.next }, 'setAsideBack', false);
      else show({ id: newId(), state: { ...initialState(today, open), procedures: [] } }, null);
    },
    /** The stale-edit choice: see the stored version (asks first), or save hers anyway. */
    askShowCurrent: () => dialog?.kind === 'stale' && setDialog({ kind: 'confirmCurrent', current: dialog.current }),
    confirmShowCurrent: () => (dialog?.kind === 'confirmCurrent' ? showStored(dialog.current) : undefined),
    saveMine: () => save(true),
    askDiscard: () => setDialog({ kind: 'confirmDiscard' }),
    confirmDiscard: async () => showStored(record ? await storedEntry(record.id) : undefined),
    askDelete: () => setDialog({ kind: 'confirmDelete' }),
    remove,
    closeDialog: () => setDialog(null),
  };
}

export type AccompanimentFormModel = ReturnType<typeof useAccompanimentForm>;
