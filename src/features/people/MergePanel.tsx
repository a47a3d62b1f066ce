/**
 * The coordinator's "Fusionner" for one pair of possible duplicates: she chooses which person
 * stays (the other's visits, mandates and follow-ups move to her), confirms, and it is done online.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { personName } from './labels';
import { useMerge } from './useMerge';

interface Props {
  a: LocalRecord<'beneficiary'>;
  b: LocalRecord<'beneficiary'>;
  onClose: () => void;
}

export function MergePanel({ a, b, onClose }: Props) {
  const [survivor, setSurvivor] = useState(a.id);
  const { busy, error, merge } = useMerge();
  const duplicate = survivor === a.id ? b : a;
  const kept = survivor === a.id ? a : b;
  const describe = (p: LocalRecord<'beneficiary'>) =>
    `${personName(p.data)}${p.data.birthYear ? `, naissance ${p.data.birthYear}` : ''}${p.data.phone ? `, ${p.data.phone}` : ''}, accord du ${p.data.consentedOn.split('-').reverse().join('/')}`;

  return (
    <div role="alertdialog" aria-labelledby="merge-title" className="confirm confirm-question">
      <p id="merge-title" className="confirm-title">
        Fusionner ces deux fiches : laquelle garder ?
      </p>
      <fieldset className="group group-plain">
        <legend>Fiche gardée</legend>
        {[a, b].map((p) => (
          <label key={p.id} className="check">
            <input type="radio" name="survivor" checked={survivor === p.id} onChange={() => setSurvivor(p.id)} />
            <span>{describe(p)}</span>
          </label>
        ))}
      </fieldset>
      <p>
        Les visites, mandats et suivis de « {personName(duplicate.data)} » passeront sur la fiche de « {personName(kept.data)} », et sa fiche sera retirée. Cela
        demande le réseau.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="confirm-actions">
        <button type="button" className="button button-danger button-large" disabled={busy} onClick={() => void merge(duplicate.id, kept.id)}>
          Oui, fusionner
        </button>
        <button type="button" className="button button-ghost button-large" onClick={onClose}>
          Non, annuler
        </button>
      </div>
    </div>
  );
}
