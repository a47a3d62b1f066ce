/**
 * The search box and its hits ("Chercher une personne"): from 2 letters of a first or last name,
 * accents, case and hyphens ignored, instant and offline. Each hit shows commune and last visit;
 * `onChoose` makes a hit a button (the form), otherwise hits are links to the person's page.
 *
 * Cheap per keystroke: the query lives here only (the form around it does not re-render as she
 * types), at most 20 hits are drawn (then « tapez plus de lettres »), and a hit whose person and
 * line did not change is not drawn again (memoised rows).
 */
import { memo, useCallback, useId, useRef, useState } from 'react';
import type { LocalRecord } from '../../db/database';
import { hrefOf } from '../../platform/router';
import { personLine, personName } from './labels';
import { usePeopleSearch } from './peopleSearch';

interface Props {
  label?: string;
  onChoose?: (id: string) => void;
  autoFocus?: boolean;
}

export const SHOWN_HITS = 20;

export function PersonSearchBox({ label = 'Chercher une personne', onChoose, autoFocus }: Props) {
  const [query, setQuery] = useState('');
  const { ready, tooShort, results, more, current } = usePeopleSearch(query, SHOWN_HITS);
  const id = useId();
  // A stable callback for the memoised rows, calling the latest `onChoose`.
  const chooseRef = useRef(onChoose);
  chooseRef.current = onChoose;
  const choose = useCallback((personId: string) => chooseRef.current?.(personId), []);
  const status = !ready
    ? 'Chargement des personnes…'
    : tooShort
      ? 'Tapez au moins 2 lettres du prénom ou du nom.'
      : results?.length === 0
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
        <>
          <ul className="person-results" aria-label="Personnes trouvées" aria-busy={!current} data-hits-for={query} data-query={current ? query : undefined}>
            {results.map(({ person, residenceInsee, lastVisitOn }) => (
              <Hit key={person.id} person={person} line={personLine(residenceInsee, lastVisitOn)} onChoose={onChoose ? choose : undefined} />
            ))}
          </ul>
          {more && <p className="hint-muted">D’autres personnes ont ces lettres : tapez-en davantage pour les trouver.</p>}
        </>
      )}
    </div>
  );
}

interface HitProps {
  person: LocalRecord<'beneficiary'>;
  line: string;
  onChoose?: (id: string) => void;
}

const Hit = memo(function Hit({ person, line, onChoose }: HitProps) {
  const body = (
    <>
      <strong>{personName(person.data)}</strong>
      <span className="muted">{line}</span>
    </>
  );
  return (
    <li>
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
});
