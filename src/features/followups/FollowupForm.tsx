/**
 * « Nouveau suivi » typed by hand (from a person's page, or the home screen): what, commune, due
 * date. Saved through the one write path; errors next to their field.
 */
import { useState } from 'react';
import { newId, saveRecord, ValidationError } from '../../db/writes';
import { addDays } from '../../domain/dates';
import { validateFollowup } from '../../domain/validation';
import { COMMUNE_OPTIONS, SelectField } from '../common/SelectField';
import { TextField } from '../common/TextField';
import { DEFAULT_DUE_DAYS, manualFollowupData, type ManualFollowup } from './followupModel';

interface Props {
  beneficiaryId: string | null;
  today: string;
  communeInsee: string | null;
  relayId: string | null;
  onDone: (saved: boolean) => void;
}

export function FollowupForm({ beneficiaryId, today, communeInsee, relayId, onDone }: Props) {
  const [f, setF] = useState<ManualFollowup>({ label: '', communeInsee: communeInsee ?? '', dueOn: addDays(today, DEFAULT_DUE_DAYS) });
  const [submitted, setSubmitted] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const data = manualFollowupData(f, beneficiaryId, f.communeInsee === communeInsee ? relayId : null);
  const errors = submitted ? Object.fromEntries(validateFollowup(data).map((e) => [e.path, e.message])) : {};
  const idp = `followup-new-${beneficiaryId ?? 'any'}`;

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (validateFollowup(data).length > 0) return requestAnimationFrame(() => document.getElementById(`${idp}-label`)?.focus());
    try {
      await saveRecord('followup', newId(), data, { mustBeNew: true });
      onDone(true);
    } catch (err) {
      setFailed(err instanceof ValidationError ? err.fields[0].message : 'L’enregistrement a échoué. Réessayez.');
    }
  };

  return (
    <form className="card followup-form" onSubmit={(e) => void save(e)} noValidate aria-label="Nouveau suivi">
      <TextField
        id={`${idp}-label`}
        label={beneficiaryId ? 'À faire ou vérifier' : 'À faire ou vérifier, et pour qui (quelques mots)'}
        value={f.label}
        maxLength={200}
        onChange={(label) => setF({ ...f, label })}
        error={errors.label}
      />
      <SelectField
        id={`${idp}-commune`}
        label="Commune"
        value={f.communeInsee}
        options={COMMUNE_OPTIONS}
        empty="Sans commune"
        onChange={(communeInsee) => setF({ ...f, communeInsee })}
      />
      <div className="field field-inline">
        <label htmlFor={`${idp}-due`}>Pour le</label>
        <input id={`${idp}-due`} type="date" value={f.dueOn} onChange={(e) => setF({ ...f, dueOn: e.target.value })} />
        {errors.dueOn && <p className="field-error">{errors.dueOn}</p>}
      </div>
      {failed && (
        <p className="form-error" role="alert">
          {failed}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary">
          Enregistrer le suivi
        </button>
        <button type="button" className="button button-ghost" onClick={() => onDone(false)}>
          Annuler
        </button>
      </div>
    </form>
  );
}
