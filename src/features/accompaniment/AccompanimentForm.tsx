/**
 * The form that matters most. Top to bottom in the order she thinks: where and when, what
 * (procedures), how (posture), result, duration, then optional details folded away. The common
 * case is five taps after "Nouvel accompagnement" and no typing. This component renders; its
 * decisions (drafts, saving, undo, a record changed elsewhere) are `useAccompanimentForm`'s.
 * Errors sit next to their field and the first one gets the focus.
 */
import { OUTCOME_LABELS, POSTURE_LABELS, REFERRAL_LABELS } from '../../domain/reference';
import { hrefOf } from '../../platform/router';
import { Group, optionsOf, RadioChips } from '../common/Choices';
import { FollowupProposalFields } from '../followups/FollowupProposalFields';
import { MandateChoice } from '../mandates/MandateChoice';
import { AnonymousStatsFields } from './AnonymousStatsFields';
import { DurationField, EquipmentAndNote, WhereAndWhen } from './FormSections';
import { FormNotice, FormQuestion } from './FormNotices';
import type { FieldKey } from './formModel';
import { ProcedurePicker } from './ProcedurePicker';
import { useAccompanimentForm, type FormStart } from './useAccompanimentForm';
import { WhoSection } from './WhoSection';

/** Where the focus goes for an error of each field. */
const FOCUS_TARGET: Record<FieldKey, string> = {
  date: 'acc-date',
  placeType: 'field-place',
  communeInsee: 'acc-commune',
  procedures: 'field-procedures',
  posture: 'field-posture',
  mandateId: 'field-mandate',
  outcome: 'field-outcome',
  referral: 'field-referral',
  followup: 'field-followup',
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

export function AccompanimentForm(props: FormStart) {
  const form = useAccompanimentForm(props);
  const { state: s, errors, editing, formError, busy, context } = { ...form, context: props.context };
  const update = form.update;
  const submit = async (e: React.FormEvent, then: 'home' | 'next') => {
    e.preventDefault();
    const first = await form.submit(then);
    if (first) requestAnimationFrame(() => focusField(first));
  };
  const previous = context.recent[0];

  return (
    <section className="screen" aria-labelledby="acc-title">
      <h1 id="acc-title" tabIndex={-1}>
        {editing ? 'Modifier l’accompagnement' : 'Nouvel accompagnement'}
      </h1>

      <FormNotice form={form} />

      {!editing && previous && (
        <button type="button" className="button button-ghost" onClick={() => form.copyPrevious(previous)}>
          Comme le précédent
        </button>
      )}

      <form onSubmit={(e) => void submit(e, 'home')} noValidate aria-describedby={formError ? 'form-error' : undefined}>
        <WhereAndWhen
          state={s}
          update={update}
          open={form.open}
          permanenceCommune={form.permanenceCommune}
          canBeInPermanence={form.canBeInPermanence}
          today={form.today}
          error={errors.placeType ?? errors.communeInsee ?? errors.date}
        />

        <WhoSection beneficiaryId={s.beneficiaryId ?? null} date={s.date} onChoose={form.choosePerson} onNewPerson={() => void form.newPerson()} />

        <ProcedurePicker
          catalogue={context.catalogue}
          recentCodes={context.recentCodes}
          selected={s.procedures}
          onChange={(procedures) => update({ procedures })}
          error={errors.procedures}
        />

        <Group id="field-posture" legend="Qui a fait la démarche ?" error={errors.posture}>
          <RadioChips name="posture" value={s.posture} options={optionsOf(POSTURE_LABELS)} onChange={(posture) => update({ posture })} />
        </Group>
        {s.posture === 'fait_a_la_place' && <MandateChoice state={s} update={update} error={errors.mandateId} />}

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

        {s.outcome === 'doit_revenir' && (
          <FollowupProposalFields state={s} update={update} catalogue={context.catalogue} visitId={props.record?.id ?? null} error={errors.followup} />
        )}

        <DurationField state={s} update={update} durations={context.durations} error={errors.durationMinutes} />

        {!s.beneficiaryId && (
          <details className="more" open={errors.anonymous ? true : undefined}>
            <summary>Statistiques anonymes (facultatif)</summary>
            <AnonymousStatsFields value={s.anonymous} onChange={(anonymous) => update({ anonymous })} error={errors.anonymous} />
          </details>
        )}

        <EquipmentAndNote state={s} update={update} errors={errors} />

        {formError && (
          <p className="form-error" role="alert" id="form-error">
            {formError}
          </p>
        )}

        <div className="actions actions-sticky">
          <button type="submit" className="button button-primary button-large" disabled={busy}>
            Enregistrer
          </button>
          {!editing && (
            <button type="button" className="button button-secondary" disabled={busy} onClick={(e) => void submit(e, 'next')}>
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
          {form.dialog?.kind === 'confirmDelete' ? (
            <div role="alertdialog" aria-labelledby="confirm-delete-title" className="confirm">
              <p id="confirm-delete-title">Supprimer cet accompagnement ?</p>
              <button type="button" className="button button-danger" onClick={() => void form.remove()}>
                Oui, supprimer
              </button>
              <button type="button" className="button button-ghost" onClick={form.closeDialog}>
                Non, garder
              </button>
            </div>
          ) : (
            <button type="button" className="button button-danger-outline" onClick={form.askDelete}>
              Supprimer
            </button>
          )}
        </div>
      )}
      <FormQuestion form={form} />
    </section>
  );
}
