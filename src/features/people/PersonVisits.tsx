/**
 * Her visits on her page, newest first: date, procedures, posture, outcome; tap to open one. The
 * latest 30 are drawn at first (her page opens fast with hundreds of visits); « Voir les visites
 * plus anciennes » draws the others.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { catalogue } from '../../db/queries';
import { shortDate } from '../../domain/format';
import { OUTCOME_LABELS, POSTURE_LABELS } from '../../domain/reference';
import { hrefOf } from '../../platform/router';

/** How many visits her page draws before « Voir les visites plus anciennes ». */
export const FIRST_VISITS_SHOWN = 30;

export const PersonVisits = memo(function PersonVisits({ visits }: { visits: readonly LocalRecord<'accompaniment'>[] }) {
  const labels = useLiveQuery(async () => new Map((await catalogue()).map((p) => [p.data.code, p.data.label])), []);
  const [all, setAll] = useState(false);
  if (visits.length === 0) return <p className="muted">Aucune visite enregistrée sur cette tablette.</p>;
  const shown = all ? visits : visits.slice(0, FIRST_VISITS_SHOWN);
  const older = visits.length - shown.length;
  return (
    <>
      <ul className="list person-visits">
        {shown.map((v) => (
          <li key={v.id}>
            <a className="list-item" href={hrefOf({ name: 'editAccompaniment', id: v.id })}>
              <strong>{shortDate(v.data.date)}</strong> — {v.data.procedures.map((p) => labels?.get(p.code) ?? p.code).join(', ')}
              <span className="muted">
                {' '}
                · {POSTURE_LABELS[v.data.posture]} · {OUTCOME_LABELS[v.data.outcome]}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {older > 0 && (
        <button type="button" className="button button-secondary" onClick={() => setAll(true)}>
          Voir les visites plus anciennes ({older})
        </button>
      )}
    </>
  );
});
