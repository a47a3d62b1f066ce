/**
 * One mandate on the person's page: its domains, dates and state (in words, with a mark, not
 * colour alone), the actions and where the paper is, its uses, « Imprimer le mandat » and
 * « Révoquer le mandat ».
 */
import { useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { frenchDate } from '../../domain/dates';
import { MANDATE_DURATIONS } from '../../domain/mandates';
import { hrefOf } from '../../platform/router';
import { useProcedureLabels } from '../common/useReference';
import { canRevoke, domainsLabel, mandateState } from './mandateModel';
import { RevokeMandate } from './RevokeMandate';

const MARK = { valid: '✓', expired: '✕', revoked: '✕', not_yet: '…' } as const;

const durationName = (days: number) => MANDATE_DURATIONS.find((d) => d.days === days)?.label ?? `${days} jours`;

interface Props {
  mandate: LocalRecord<'mandate'>;
  uses: LocalRecord<'accompaniment'>[];
  today: string;
}

export function MandateCard({ mandate, uses, today }: Props) {
  const [revoking, setRevoking] = useState(false);
  const label = useProcedureLabels();
  const m = mandate.data;
  const state = mandateState(m, today);
  const titleId = `mandate-${mandate.id}`;

  return (
    <li className={`card mandate mandate-${state.kind}`} aria-labelledby={titleId}>
      <h3 id={titleId}>Mandat : {domainsLabel(m.domains)}</h3>
      <p className={`mandate-state state-${state.kind}`}>
        <span aria-hidden="true">{MARK[state.kind]} </span>
        {state.label}
      </p>
      <p>
        Signé le {frenchDate(m.signedOn)} pour {durationName(m.durationDays)}.
      </p>
      <p>
        <span className="muted">Démarches : </span>
        {m.actions}
      </p>
      <p>
        <span className="muted">Mandat papier : </span>
        {m.paperLocation}
      </p>
      <details className="mandate-uses">
        <summary>{uses.length === 0 ? 'Pas encore utilisé' : `Utilisé ${uses.length} fois`}</summary>
        <ul aria-label="Utilisations du mandat">
          {uses.map((u) => (
            <li key={u.id}>
              <a href={hrefOf({ name: 'editAccompaniment', id: u.id })}>
                {frenchDate(u.data.date)} — {u.data.procedures.map((p) => label(p.code)).join(', ')} (fait à sa place)
              </a>
            </li>
          ))}
        </ul>
      </details>
      <div className="actions">
        <a className="button button-secondary" href={hrefOf({ name: 'printMandate', id: mandate.id })}>
          Imprimer le mandat
        </a>
        {canRevoke(m, today) && !revoking && (
          <button type="button" className="button button-danger-outline" onClick={() => setRevoking(true)}>
            Révoquer le mandat
          </button>
        )}
      </div>
      {revoking && <RevokeMandate mandate={mandate} uses={uses} today={today} onDone={() => setRevoking(false)} />}
    </li>
  );
}
