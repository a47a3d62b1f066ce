/**
 * The search box and its hits ("Chercher une personne"): from 2 letters of a first or last name,
 * accents, case and hyphens ignored, instant and offline. Each hit shows commune and last visit;
 * `onChoose` makes a hit a button (the form), otherwise hits are links to the person's page.
 */
import { useId, useState } from 'react';
import { hrefOf } from '../../platform/router';
import { personLine, personName } from './labels';
import { usePeopleSearch } from './peopleSearch';

interface Props {
  label?: string;
  onChoose?: (id: string) => void;
  autoFocus?: boolean;
}

export function PersonSearchBox({ label = 'Chercher une personne', onChoose, autoFocus }: Props) {
  const [query, setQuery] = useState('');
  const { ready, tooShort, results, current } = usePeopleSearch(query);
  const id = useId();
  const status = !ready
    ? 'Chargement des personnes…'
    : tooShort
      ? 'Tapez au moins 2 lettres du prénom ou du nom.'
      : current && results?.length === 0
        ? 'Aucune personne trouvée avec ces lettres.'
        : '';

  return (
    <div className="person-search">
      <div className="field">
        <label htmlFor={`${id}-q`}>{label}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          autoFocus={autoFocus}
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          placeholder="ex. mar, dup"
          onChange={(e) => setQuery(e.target.value)}
          aria-describedby={`${id}-status`}
        />
      </div>
      <p id={`${id}-status`} className="hint-muted" role="status">
        {status}
      </p>
      {!tooShort && results && results.length > 0 && (
        <ul className="person-results" aria-label="Personnes trouvées" aria-busy={!current} data-query={current ? query : undefined}>
          {results.map(({ person, residenceInsee, lastVisitOn }) => {
            const body = (
              <>
                <strong>{personName(person.data)}</strong>
                <span className="muted">{personLine(residenceInsee, lastVisitOn)}</span>
              </>
            );
            return (
              <li key={person.id}>
                {onChoose ? (
                  <button type="button" className="person-hit" onClick={() => onChoose(person.id)}>
                    {body}
                  </button>
                ) : (
                  <a className="person-hit" href={hrefOf({ name: 'person', id: person.id })}>
                    {body}
                  </a>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
