/**
 * « Mandats à renouveler » on the home screen: her mandates ending within 30 days, soonest first,
 * each linking to the person's mandates (to print and sign a new one). Nothing shown when none.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './mandates.css';
import { myMandatesToRenew } from '../../db/mandates';
import { frenchDate } from '../../domain/dates';
import { RENEW_WITHIN_DAYS } from '../../domain/mandates';
import { hrefOf } from '../../platform/router';
import { domainsLabel, lastValidDay } from './mandateModel';
import { daysLeftLabel } from './PersonMandates';

export function MandatesToRenew({ today }: { today: string }) {
  const rows = useLiveQuery(() => myMandatesToRenew(RENEW_WITHIN_DAYS, today), [today]);
  if (!rows || rows.length === 0) return null;
  return (
    <section className="to-renew" aria-labelledby="to-renew-title">
      <h2 id="to-renew-title" className="list-title">
        Mandats à renouveler
      </h2>
      <ul className="entries" aria-label="Mandats à renouveler">
        {rows.map(({ mandate, person, daysLeft }) => (
          <li key={mandate.id}>
            <a className="entry" href={hrefOf({ name: 'person', id: person?.id ?? mandate.data.beneficiaryId })}>
              <span className="entry-main">
                <span>
                  <strong>{person ? `${person.data.firstName} ${person.data.lastName}` : 'Personne'}</strong> — {domainsLabel(mandate.data.domains)}
                </span>
                <span className="entry-detail">
                  Valable jusqu’au {frenchDate(lastValidDay(mandate.data))} inclus ({daysLeftLabel(daysLeft)})
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
