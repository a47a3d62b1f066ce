/**
 * Historique's search also finds followed people (by name, through the in-memory index): they are
 * listed with a link to their page, and their visits join the results. Mounted only while
 * searching, so the index is built only then.
 */
import { useEffect } from 'react';
import { hrefOf } from '../../platform/router';
import { personLine, personName } from '../people/labels';
import { usePeopleSearch } from '../people/peopleSearch';

interface Props {
  query: string;
  /** The ids of the people found (their visits are shown among the results). */
  onFound: (ids: ReadonlySet<string>) => void;
}

export function HistoryPeople({ query, onFound }: Props) {
  const { tooShort, results } = usePeopleSearch(query, 10);
  const key = tooShort ? '' : (results ?? []).map((r) => r.person.id).join(',');
  useEffect(() => onFound(new Set(key ? key.split(',') : [])), [key, onFound]);
  if (tooShort || !results || results.length === 0) return null;
  return (
    <>
      <h3>Personnes ({results.length})</h3>
      <ul className="person-results" aria-label="Personnes trouvées">
        {results.map(({ person, residenceInsee, lastVisitOn }) => (
          <li key={person.id}>
            <a className="person-hit" href={hrefOf({ name: 'person', id: person.id })}>
              <strong>{personName(person.data)}</strong>
              <span className="muted">{personLine(residenceInsee, lastVisitOn)}</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
