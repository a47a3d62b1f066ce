/**
 * The form that matters most. Top to bottom in the order she thinks: where and when, what
 * (procedures), how (posture), result, duration, then optional details folded away. The common
 * case is five taps after "Nouvel accompagnement" and no typing. Sections live in FormSections. Everything typed is kept as a
 * draft; errors sit next to their field and the first one gets the focus.
 */
import { useMemo, useRef, useState } from 'react';
import { navigate, hrefOf } from '../../platform/router';
import type { LocalRecord } from '../../db/database';
import { saveDraft } from '../../db/drafts';
import { StorageError } from '../../db/storageError';
import { deleteRecord, newId, restoreRecord, saveRecord, ValidationError } from '../../db/writes';
import { parisDate } from '../../domain/dates';
import { OUTCOME_LABELS, POSTURE_LABELS, REFERRAL_LABELS } from '../../domain/reference';
import { MANDATE_REQUIRED_MESSAGE, validateAccompaniment, type FieldError } from '../../domain/validation';
import { Group, optionsOf, RadioChips } from '../common/Choices';
import { useToast } from '../common/toastStore';
import { useAutosave } from '../common/useAutosave';
import { AnonymousStatsFields } from './AnonymousStatsFields';
import { DurationField, EquipmentAndNote, WhereAndWhen } from './FormSections';
import type { FormContext } from './AccompanimentScreen';
import { copyOfPrevious, errorsByField, firstErrorField, nextInQueue, toData, type FieldKey, type FormState } from './formModel';
import { ProcedurePicker } from './ProcedurePicker';

export interface FormDraft {
  id: string;
  state: FormState;
}

interface Props {
  draftKey: string;
  initial: FormDraft;
  restored: boolean;
  record: LocalRecord<'accompaniment'> | null;
  context: FormContext;
}

/** Where the focus goes for an error of each field. */
const FOCUS_TARGET: Record<FieldKey, string> = {
  date: 'acc-date',
  placeType: 'field-place',
  communeInsee: 'acc-commune',
  procedures: 'field-procedures',
  posture: 'field-posture',
  mandateId: 'field-posture',
  outcome: 'field-outcome',
  referral: 'field-referral',
  durationMinutes: 'field-duration',
  anonymous: 'field-anonymous',
  equipment: 'field-details',
  note: 'acc-note',
};

function focusField(key: FieldKey) {
  const target = document.getElementById(FOCUS_TARGET[key]);
  if (!target) return;
  target.closest('details')?.setAttribute('open', '');
  // In a group, a chip rather than a text box: focusing a text box would open the on-screen keyboard.
  const control = target.matches('input, select, textarea')
    ? target
    : (target.querySelector<HTMLElement>('input[type="radio"], input[type="checkbox"]') ??
      target.querySelector<HTMLElement>('input, select, textarea, button'));
  (control ?? target).focus();
}

export function AccompanimentForm({ draftKey, initial, restored, record, context }: Props) {
  const [draft, setDraft] = useState<FormDraft>(initial);
  const [dirty, setDirty] = useState(restored);
  const [showNotice, setShowNotice] = useState(restored);
  const [submitted, setSubmitted] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const showToast = useToast((s) => s.show);
  const { discard } = useAutosave(draftKey, draft, dirty);
  const saveIntent = useRef<'home' | 'next'>('home');

  const s = draft.state;
  const editing = record !== null;
  const today = parisDate(new Date());
  const open = context.open;
  // The permanence the entry belongs to: the open one, or (when editing) its own.
  const permanence =
    s.permanenceId && open?.id === s.permanenceId ? open.data : s.permanenceId && record?.data.permanenceId === s.permanenceId ? record.data : null;
  const permanenceCommune = permanence?.communeInsee ?? null;
  const canBeInPermanence = s.permanenceId !== null || open !== null;

  const update = (patch: Partial<FormState>) => {
    setDraft((d) => ({ ...d, state: { ...d.state, ...patch } }));
    setDirty(true);
    setFormError(null);
  };

  const data = useMemo(() => toData(s, permanenceCommune), [s, permanenceCommune]);
  const errorList: FieldError[] = useMemo(() => (submitted ? validateAccompaniment(data) : []), [submitted, data]);
  const errors = errorsByField(errorList);

  const afterSave = async (previous: LocalRecord<'accompaniment'> | null) => {
    await discard();
    setDirty(false);
    const undo = async () => {
      if (previous) await saveRecord('accompaniment', previous.id, previous.data);
      else {
        await deleteRecord('accompaniment', draft.id);
        await saveDraft(draftKey, draft);
        navigate({ name: 'newAccompaniment' });
      }
      showToast({ message: previous ? 'Modification annulée.' : 'Enregistrement annulé : la saisie est revenue dans le formulaire.' });
    };
    showToast({ message: previous ? 'Accompagnement modifié.' : 'Accompagnement enregistré.', action: { label: 'Annuler', run: undo } });
    if (saveIntent.current === 'next' && !previous) {
      setDraft({ id: newId(), state: nextInQueue(s, today, open) });
      setSubmitted(false);
      window.scrollTo(0, 0);
      document.getElementById('field-posture')?.querySelector('input')?.focus();
    } else {
      navigate({ name: 'today' });
    }
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    const problems = validateAccompaniment(data);
    if (problems.length > 0) {
      const first = firstErrorField(errorsByField(problems));
      if (first) requestAnimationFrame(() => focusField(first));
      return;
    }
    setBusy(true);
    try {
      await saveRecord('accompaniment', draft.id, data);
      await afterSave(record);
    } catch (err) {
      if (err instanceof ValidationError) {
        const first = firstErrorField(errorsByField(err.fields));
        if (first) focusField(first);
      } else {
        setFormError(err instanceof StorageError ? err.message : 'L’enregistrement a échoué. Votre saisie est gardée : réessayez.');
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!record) return;
    try {
      await deleteRecord('accompaniment', record.id);
      await discard();
      navigate({ name: 'today' });
      showToast({
        message: 'Accompagnement supprimé.',
        action: { label: 'Annuler', run: () => restoreRecord('accompaniment', record.id).then(() => showToast({ message: 'Accompagnement rétabli.' })) },
      });
    } catch (err) {
      setFormError((err as Error).message);
    }
  };

  const previous = context.recent[0];

  return (
    <section className="screen" aria-labelledby="acc-title">
      <h1 id="acc-title" tabIndex={-1}>
        {editing ? 'Modifier l’accompagnement' : 'Nouvel accompagnement'}
      </h1>

      {showNotice && (
        <div className="notice" role="status">
          <span>Saisie reprise là où vous l’aviez laissée.</span>
          {!editing && (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => {
                void discard();
                setDirty(false);
                setShowNotice(false);
                setSubmitted(false);
                setDraft({ id: newId(), state: { ...nextInQueue(s, today, open), procedures: [] } });
              }}
            >
              Effacer le formulaire
            </button>
          )}
        </div>
      )}

      {!editing && previous && (
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            setDraft((d) => ({ ...d, state: copyOfPrevious(previous.data, context.durations, today, open) }));
            setDirty(true);
          }}
        >
          Comme le précédent
        </button>
      )}

      <form onSubmit={(e) => void submit(e)} noValidate aria-describedby={formError ? 'form-error' : undefined}>
        <WhereAndWhen
          state={s}
          update={update}
          open={open}
          permanenceCommune={permanenceCommune}
          canBeInPermanence={canBeInPermanence}
          today={today}
          error={errors.placeType ?? errors.communeInsee ?? errors.date}
        />

        <p className="who">
          Personne : <strong>anonyme</strong>
        </p>

        <ProcedurePicker
          catalogue={context.catalogue}
          recentCodes={context.recentCodes}
          selected={s.procedures}
          onChange={(procedures) => update({ procedures })}
          error={errors.procedures}
        />

        <Group
          id="field-posture"
          legend="Qui a fait la démarche ?"
          error={errors.posture ?? errors.mandateId}
          hint={s.posture === 'fait_a_la_place' && !errors.mandateId ? MANDATE_REQUIRED_MESSAGE : undefined}
        >
          <RadioChips name="posture" value={s.posture} options={optionsOf(POSTURE_LABELS)} onChange={(posture) => update({ posture })} />
        </Group>

        <Group id="field-outcome" legend="Résultat" error={errors.outcome}>
          <RadioChips name="outcome" value={s.outcome} options={optionsOf(OUTCOME_LABELS)} onChange={(outcome) => update({ outcome })} />
        </Group>

        {s.outcome === 'orientee' && (
          <Group id="field-referral" legend="Orientée vers" error={errors.referral}>
            <RadioChips
              name="referral"
              value={s.referralTarget}
              options={optionsOf(REFERRAL_LABELS)}
              onChange={(referralTarget) => update({ referralTarget })}
            />
            <div className="field">
              <label htmlFor="acc-referral-note">Précision (facultatif)</label>
              <input
                id="acc-referral-note"
                value={s.referralNote}
                maxLength={200}
                onChange={(e) => update({ referralNote: e.target.value })}
                placeholder="ex. CCAS de Mèze"
              />
            </div>
          </Group>
        )}

        <DurationField state={s} update={update} durations={context.durations} error={errors.durationMinutes} />

        <details className="more" open={errors.anonymous ? true : undefined}>
          <summary>Statistiques anonymes (facultatif)</summary>
          <AnonymousStatsFields value={s.anonymous} onChange={(anonymous) => update({ anonymous })} error={errors.anonymous} />
        </details>

        <EquipmentAndNote state={s} update={update} errors={errors} />

        {formError && (
          <p className="form-error" role="alert" id="form-error">
            {formError}
          </p>
        )}

        <div className="actions actions-sticky">
          <button type="submit" className="button button-primary button-large" disabled={busy} onClick={() => (saveIntent.current = 'home')}>
            Enregistrer
          </button>
          {!editing && (
            <button type="submit" className="button button-secondary" disabled={busy} onClick={() => (saveIntent.current = 'next')}>
              Enregistrer et nouveau
            </button>
          )}
          <a className="button button-ghost" href={hrefOf({ name: 'today' })}>
            Retour
          </a>
        </div>
      </form>

      {editing && (
        <div className="danger-zone">
          {confirmDelete ? (
            <div role="alertdialog" aria-labelledby="confirm-delete-title" className="confirm">
              <p id="confirm-delete-title">Supprimer cet accompagnement ?</p>
              <button type="button" className="button button-danger" onClick={() => void remove()}>
                Oui, supprimer
              </button>
              <button type="button" className="button button-ghost" onClick={() => setConfirmDelete(false)}>
                Non, garder
              </button>
            </div>
          ) : (
            <button type="button" className="button button-danger-outline" onClick={() => setConfirmDelete(true)}>
              Supprimer
            </button>
          )}
        </div>
      )}
    </section>
  );
}
