/**
 * « Révoquer le mandat »: the date (today by default), then a confirmation. The reason is NOT
 * stored: the record (api.md) has no field for it, and a reason can tell more about her situation
 * than the service needs. If she gives one, it goes on the paper revocation form (page 2 of
 * « Imprimer le mandat »), kept with the signed mandate.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { revokeMandate } from './useMandateForm';

export function RevokeMandate({ mandate, today, onDone }: { mandate: LocalRecord<'mandate'>; today: string; onDone: () => void }) {
  const [date, setDate] = useState(today);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `revoke-${mandate.id}`;

  const confirm = async () => {
    setBusy(true);
    const problem = await revokeMandate(mandate, date);
    setBusy(false);
    if (problem) setError(problem);
    else onDone();
  };

  return (
    <div className="confirm revoke" role="group" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`}>
        <strong>Révoquer ce mandat ?</strong> À partir de cette date, plus rien ne peut être fait à sa place avec lui.
      </p>
      <div className="field field-inline">
        <label htmlFor={`${id}-date`}>Révoqué le</label>
        <input
          id={`${id}-date`}
          type="date"
          value={date}
          min={mandate.data.signedOn}
          onChange={(e) => setDate(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        />
      </div>
      <p className="hint-muted" id={`${id}-hint`}>
        La raison n’est pas enregistrée dans l’application. Si la personne en donne une, notez-la sur le formulaire de révocation papier (page 2 du mandat
        imprimé).
      </p>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button button-danger" disabled={busy} onClick={() => void confirm()}>
          Oui, révoquer
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          Non, garder
        </button>
      </div>
    </div>
  );
}
