/**
 * "Personnes": the searchable list of followed people (the same search as the form), each with
 * commune and last visit; "Nouvelle personne"; the coordinator's link to the possible duplicates.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../../db/database';
import { readWithoutPersonal } from '../../db/queries';
import { hrefOf } from '../../platform/router';
import { useIsCoordinator } from './useMerge';
import { PersonSearchBox } from './PersonSearchBox';

export default function PeopleScreen() {
  // A count needs no name: the people are read as stored (not 20,000 decryptions).
  const count = useLiveQuery(() => readWithoutPersonal(db, ['beneficiaries'], () => db.beneficiaries.filter((p) => !p.deleted).count()), []);
  const coordinator = useIsCoordinator();
  return (
    <section className="screen" aria-labelledby="people-title">
      <h1 id="people-title" tabIndex={-1}>
        Personnes
      </h1>
      <p className="muted">{count === undefined ? '' : `${count} personne${count > 1 ? 's' : ''} suivie${count > 1 ? 's' : ''} sur cette tablette.`}</p>
      <div className="actions">
        <a className="button button-primary button-large" href={hrefOf({ name: 'newPerson' })}>
          Nouvelle personne
        </a>
        {coordinator && (
          <a className="button button-secondary" href={hrefOf({ name: 'duplicates' })}>
            Doublons possibles
          </a>
        )}
      </div>
      <PersonSearchBox autoFocus />
    </section>
  );
}
