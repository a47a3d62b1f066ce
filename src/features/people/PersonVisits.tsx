/** Her visits on her page, newest first: date, procedures, posture, outcome; tap to open one. */
import { useLiveQuery } from 'dexie-react-hooks';
import type { LocalRecord } from '../../db/database';
import { catalogue } from '../../db/queries';
import { shortDate } from '../../domain/format';
import { OUTCOME_LABELS, POSTURE_LABELS } from '../../domain/reference';
import { hrefOf } from '../../platform/router';

export function PersonVisits({ visits }: { visits: readonly LocalRecord<'accompaniment'>[] }) {
  const labels = useLiveQuery(async () => new Map((await catalogue()).map((p) => [p.data.code, p.data.label])), []);
  if (visits.length === 0) return <p className="muted">Aucune visite enregistrée sur cette tablette.</p>;
  return (
    <ul className="list person-visits">
      {visits.map((v) => (
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
  );
}
