/**
 * Possible duplicates (domain.md §2: two of last name, first name, phone, birth year match), for
 * the coordinator to check and "Fusionner" (online). A mediator sees the list, not the button.
 */
import { useState } from 'react';
import { hrefOf } from '../../platform/router';
import { useDuplicates } from './duplicates';
import { personName } from './labels';
import { MergePanel } from './MergePanel';
import { useIsCoordinator } from './useMerge';

export default function DuplicatesScreen() {
  const pairs = useDuplicates();
  const coordinator = useIsCoordinator();
  const [merging, setMerging] = useState<string | null>(null);
  return (
    <section className="screen" aria-labelledby="dup-title">
      <h1 id="dup-title" tabIndex={-1}>
        Doublons possibles
      </h1>
      {!coordinator && <p className="hint-muted">Seule la coordinatrice peut fusionner deux fiches.</p>}
      {pairs?.length === 0 && <p className="muted">Aucun doublon possible.</p>}
      <ul className="list">
        {pairs?.map((d) => {
          const key = `${d.a.id}:${d.b.id}`;
          return (
            <li key={key} className="list-item">
              <a href={hrefOf({ name: 'person', id: d.a.id })}>{personName(d.a.data)}</a> et{' '}
              <a href={hrefOf({ name: 'person', id: d.b.id })}>{personName(d.b.data)}</a> <span className="muted">({d.why})</span>
              {coordinator && d.apart && <p className="hint-muted">{d.apart}</p>}
              {coordinator && !d.apart && merging !== key && (
                <button type="button" className="button button-secondary" onClick={() => setMerging(key)}>
                  Fusionner
                </button>
              )}
              {merging === key && <MergePanel a={d.a} b={d.b} onClose={() => setMerging(null)} />}
            </li>
          );
        })}
      </ul>
      <a className="button button-ghost" href={hrefOf({ name: 'people' })}>
        Retour aux personnes
      </a>
    </section>
  );
}
