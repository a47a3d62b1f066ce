/**
 * The mandates part of a person's page (its slot: `<PersonMandates personId={…} />`): those to
 * renew within 30 days first, then every mandate with its state and uses, and
 * « Enregistrer un mandat ».
 */
import { useState } from 'react';
import { frenchDate } from '../../domain/dates';
import { useToast } from '../common/toastStore';
import { useNow } from '../common/useNow';
import { MandateCard } from './MandateCard';
import { MandateForm } from './MandateForm';
import { domainsLabel, lastValidDay } from './mandateModel';
import { usePersonMandates } from './usePersonMandates';

export const daysLeftLabel = (daysLeft: number) => (daysLeft <= 1 ? 'dernier jour aujourd’hui' : `encore ${daysLeft} jours`);

export function PersonMandates({ personId }: { personId: string }) {
  const { today } = useNow();
  const view = usePersonMandates(personId, today);
  const [adding, setAdding] = useState(false);
  const showToast = useToast((s) => s.show);

  return (
    <section className="person-mandates" aria-labelledby="person-mandates-title">
      <h2 id="person-mandates-title">Mandats</h2>
      {view && view.toRenew.length > 0 && (
        <div className="card card-warn" role="region" aria-label="Mandats à renouveler">
          <h3>Mandats à renouveler</h3>
          <ul>
            {view.toRenew.map(({ mandate, daysLeft }) => (
              <li key={mandate.id}>
                Mandat {domainsLabel(mandate.data.domains)} : valable jusqu’au {frenchDate(lastValidDay(mandate.data))} inclus ({daysLeftLabel(daysLeft)}).
                Faites signer un nouveau mandat.
              </li>
            ))}
          </ul>
        </div>
      )}
      {view && view.mandates.length === 0 && <p className="muted">Aucun mandat enregistré.</p>}
      <ul className="mandates" aria-label="Ses mandats">
        {view?.mandates.map(({ mandate, uses }) => (
          <MandateCard key={mandate.id} mandate={mandate} uses={uses} today={today} />
        ))}
      </ul>
      {adding ? (
        <MandateForm
          personId={personId}
          today={today}
          onCancel={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            showToast({ message: 'Mandat enregistré.' });
          }}
        />
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setAdding(true)}>
          Enregistrer un mandat
        </button>
      )}
    </section>
  );
}
