/**
 * « Enregistrer un mandat »: signed on (today by default), duration chips (1 an by default), the
 * domains covered (never « Compétences numériques »), the actions written on the paper, where the
 * paper is kept. The end date is shown as it will be stored. Errors sit next to their field.
 */
import type { LocalRecord } from '../../db/database';
import { frenchDate } from '../../domain/dates';
import { MANDATE_DURATIONS } from '../../domain/mandates';
import { CheckChips, Group, RadioChips } from '../common/Choices';
import { TextField } from '../common/TextField';
import { lastValidDay, MANDATE_DOMAIN_OPTIONS } from './mandateModel';
import { useMandateForm, type MandateField } from './useMandateForm';

const FOCUS: Record<MandateField, string> = {
  signedOn: 'mandate-signed-on',
  durationDays: 'mandate-duration',
  domains: 'mandate-domains',
  actions: 'mandate-actions',
  paperLocation: 'mandate-paper',
};

function focus(field: MandateField) {
  const el = document.getElementById(FOCUS[field]);
  (el?.matches('input, textarea') ? el : el?.querySelector<HTMLElement>('input'))?.focus();
}

interface Props {
  personId: string;
  today: string;
  onSaved: (saved: LocalRecord<'mandate'>) => void;
  onCancel: () => void;
}

export function MandateForm({ personId, today, onSaved, onCancel }: Props) {
  const form = useMandateForm(personId, today, onSaved);
  const { state: s, errors, update } = form;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const first = await form.save();
    if (first) requestAnimationFrame(() => focus(first));
  };
  const ends = /^\d{4}-\d{2}-\d{2}$/.test(form.expiresOn) && form.expiresOn > s.signedOn ? frenchDate(lastValidDay({ expiresOn: form.expiresOn })) : null;

  return (
    <form className="card mandate-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="mandate-form-title">
      <h3 id="mandate-form-title">Enregistrer un mandat</h3>
      <div className="field field-inline">
        <label htmlFor="mandate-signed-on">Signé le</label>
        <input
          id="mandate-signed-on"
          type="date"
          value={s.signedOn}
          onChange={(e) => update({ signedOn: e.target.value })}
          aria-invalid={errors.signedOn ? true : undefined}
          aria-describedby={errors.signedOn ? 'mandate-signed-on-error' : undefined}
        />
        {errors.signedOn && (
          <p className="field-error" id="mandate-signed-on-error">
            {errors.signedOn}
          </p>
        )}
      </div>
      <Group id="mandate-duration" legend="Durée" error={errors.durationDays} hint={ends ? `Valable jusqu’au ${ends} inclus.` : undefined}>
        <RadioChips
          name="mandate-duration"
          value={s.durationDays}
          options={MANDATE_DURATIONS.map((d) => ({ value: d.days, label: d.label }))}
          onChange={(durationDays) => update({ durationDays })}
        />
      </Group>
      <Group id="mandate-domains" legend="Domaines couverts" error={errors.domains} hint="Les compétences numériques n’ont pas besoin de mandat.">
        <CheckChips
          options={MANDATE_DOMAIN_OPTIONS}
          values={s.domains}
          onToggle={(d, on) => update({ domains: on ? [...s.domains, d] : s.domains.filter((x) => x !== d) })}
        />
      </Group>
      <div className="field">
        <label htmlFor="mandate-actions">Démarches écrites sur le mandat papier</label>
        <textarea
          id="mandate-actions"
          rows={3}
          maxLength={1000}
          value={s.actions}
          placeholder="ex. Demande d’aide au logement sur caf.fr"
          onChange={(e) => update({ actions: e.target.value })}
          aria-invalid={errors.actions ? true : undefined}
          aria-describedby={errors.actions ? 'mandate-actions-error' : undefined}
        />
        {errors.actions && (
          <p className="field-error" id="mandate-actions-error">
            {errors.actions}
          </p>
        )}
      </div>
      <TextField
        id="mandate-paper"
        label="Où le mandat papier est rangé"
        value={s.paperLocation}
        maxLength={200}
        placeholder="ex. Classeur bleu, bureau de Sète"
        onChange={(paperLocation) => update({ paperLocation })}
        error={errors.paperLocation}
      />
      {form.formError && (
        <p className="form-error" role="alert">
          {form.formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={form.busy}>
          Enregistrer le mandat
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Annuler
        </button>
      </div>
    </form>
  );
}
