/**
 * "Modifier la permanence" (from Historique): relay tiles (the commune follows the relay), date,
 * start and end times, note. Errors sit next to their field and the first one gets the focus; a
 * version changed elsewhere is asked about. Decisions are `usePermanenceForm`'s.
 */
import { useEffect, useRef } from 'react';
import { communeName } from '../../domain/reference';
import { NOTE_MAX } from '../../domain/validation';
import { TextField } from '../common/TextField';
import type { PermanenceField } from './permanenceModel';
import { usePermanenceForm, type PermanenceFormModel, type PermanenceFormStart } from './usePermanenceForm';

const FOCUS: Record<PermanenceField, string> = {
  relayId: 'perm-relay-tiles',
  date: 'perm-edit-date',
  startTime: 'perm-edit-start',
  endTime: 'perm-edit-end',
  note: 'perm-edit-note',
};

function focusField(field: PermanenceField) {
  const target = document.getElementById(FOCUS[field]);
  const control = target?.matches('input, select, textarea') ? target : target?.querySelector<HTMLElement>('input');
  (control ?? target)?.focus();
}

function StaleQuestion({ form }: { form: PermanenceFormModel }) {
  const title = useRef<HTMLParagraphElement>(null);
  useEffect(() => title.current?.focus(), [form.stale]);
  if (!form.stale) return null;
  return (
    <div role="alertdialog" aria-labelledby="perm-stale-title" aria-describedby="perm-stale-text" className="confirm confirm-question">
      <p id="perm-stale-title" className="confirm-title" tabIndex={-1} ref={title}>
        {form.stale.deleted
          ? 'Cette permanence a été supprimée ailleurs depuis que vous l’avez ouverte.'
          : 'Cette permanence a été modifiée ailleurs depuis que vous l’avez ouverte.'}
      </p>
      <p id="perm-stale-text">
        Votre saisie n’est pas encore enregistrée. Voir la version actuelle (votre saisie sera perdue), ou enregistrer la vôtre ? Dans ce cas, les deux versions
        seront à départager dans Synchronisation.
      </p>
      <div className="confirm-actions">
        <button type="button" className="button button-secondary button-large" disabled={form.busy} onClick={() => void form.showCurrent()}>
          Voir la version actuelle
        </button>
        <button type="button" className="button button-primary button-large" disabled={form.busy} onClick={() => void form.saveMine()}>
          Enregistrer ma version
        </button>
      </div>
    </div>
  );
}

export function PermanenceForm(props: PermanenceFormStart) {
  const form = usePermanenceForm(props);
  const { state: s, errors, update } = form;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const first = await form.submit();
    if (first) requestAnimationFrame(() => focusField(first));
  };

  return (
    <section className="screen" aria-labelledby="perm-edit-title">
      <h1 id="perm-edit-title" tabIndex={-1}>
        Modifier la permanence
      </h1>
      {form.notice && (
        <p className="notice" role="status">
          {form.notice === 'restored' ? 'Saisie reprise là où vous l’aviez laissée.' : 'Voici la version actuelle de cette permanence.'}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className={`group ${errors.relayId ? 'group-error' : ''}`}>
          <legend>Relais</legend>
          <div
            className="tiles"
            id="perm-relay-tiles"
            tabIndex={-1}
            aria-describedby={
              [errors.relayId ? 'perm-relay-error' : null, form.visitsKeepCommune ? 'perm-relay-visits' : null].filter(Boolean).join(' ') || undefined
            }
          >
            {form.relays.map((r) => (
              <label key={r.id} className="tile">
                <input type="radio" name="perm-relay" value={r.id} checked={s.relayId === r.id} onChange={() => update({ relayId: r.id })} />
                <span className="tile-title">{r.data.name}</span>
                <span className="tile-detail">{communeName(r.data.communeInsee)}</span>
              </label>
            ))}
          </div>
          {form.visitsKeepCommune > 0 && (
            <p className="hint" id="perm-relay-visits" role="status">
              {form.visitsKeepCommune > 1 ? `Ses ${form.visitsKeepCommune} accompagnements restent` : 'Son accompagnement reste'} dans cette permanence et
              {form.visitsKeepCommune > 1 ? ' gardent leur' : ' garde sa'} propre commune.
            </p>
          )}
          {errors.relayId && (
            <p className="field-error" id="perm-relay-error">
              {errors.relayId}
            </p>
          )}
        </fieldset>
        <div className="row">
          <TextField id="perm-edit-date" type="date" label="Date" value={s.date} onChange={(date) => update({ date })} error={errors.date} />
          <TextField
            id="perm-edit-start"
            type="time"
            label="Heure de début"
            value={s.startTime}
            onChange={(startTime) => update({ startTime })}
            error={errors.startTime}
          />
          {form.status === 'closed' && (
            <TextField
              id="perm-edit-end"
              type="time"
              label="Heure de fin"
              value={s.endTime}
              onChange={(endTime) => update({ endTime })}
              error={errors.endTime}
            />
          )}
        </div>
        {form.status === 'open' && <p className="hint-muted">Cette permanence est encore ouverte : elle se clôture depuis l’accueil.</p>}
        <div className="field">
          <label htmlFor="perm-edit-note">Note (facultative)</label>
          <textarea
            id="perm-edit-note"
            rows={3}
            maxLength={NOTE_MAX}
            value={s.note}
            onChange={(e) => update({ note: e.target.value })}
            aria-invalid={errors.note ? true : undefined}
            aria-describedby={errors.note ? 'perm-edit-note-error' : undefined}
          />
          {errors.note && (
            <p className="field-error" id="perm-edit-note-error">
              {errors.note}
            </p>
          )}
        </div>
        {form.formError && (
          <p className="form-error" role="alert">
            {form.formError}
          </p>
        )}
        <StaleQuestion form={form} />
        <div className="actions actions-sticky">
          <button type="submit" className="button button-primary button-large" disabled={form.busy}>
            Enregistrer
          </button>
          <button type="button" className="button button-ghost" onClick={() => void form.cancel()}>
            Retour
          </button>
        </div>
      </form>
    </section>
  );
}
