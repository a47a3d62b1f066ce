/**
 * « Révoquer le mandat »: the date (today by default, or the day after its last use when it
 * served today: a revocation never takes effect on or before a day it was used, see
 * `earliestRevocation`), then a confirmation. The reason is NOT
 * stored: the record (api.md) has no field for it, and a reason can tell more about her situation
 * than the service needs. If she gives one, it goes on the paper revocation form (page 2 of
 * « Imprimer le mandat »), kept with the signed mandate.
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { addDays, frenchDate } from '../../domain/dates';
import { earliestRevocation } from '../../domain/mandates';
import { revokeMandate } from './useMandateForm';

interface Props {
  mandate: LocalRecord<'mandate'>;
  /** Its uses (« Fait à sa place » visits naming it). */
  uses: readonly LocalRecord<'accompaniment'>[];
  today: string;
  onDone: () => void;
}

export function RevokeMandate({ mandate, uses, today, onDone }: Props) {
  const earliest = earliestRevocation(
    mandate.data,
    uses.map((u) => u.data.date),
  );
  const [date, setDate] = useState(earliest > today ? earliest : today);
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
          min={earliest}
          onChange={(e) => setDate(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        />
      </div>
      <p className="hint-muted" id={`${id}-hint`}>
        {earliest > mandate.data.signedOn && `Il a servi le ${frenchDate(addDays(earliest, -1))} : la révocation prend effet au plus tôt le lendemain. `}
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
