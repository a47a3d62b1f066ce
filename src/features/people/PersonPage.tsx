/**
 * A followed person's page (`#/personnes/<id>`; a merged id opens the survivor's): identity (the
 * minimal fields), consent date, possible duplicates (the coordinator can merge them), the
 * "Parcours vers l'autonomie", her visits, her mandates and her follow-ups; for the coordinator,
 * her rights (export her data, erase her: PersonRights.tsx).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { personPage } from '../../db/people';
import { shortDate } from '../../domain/format';
import { autonomyPath } from '../../domain/people';
import { communeName, GENDER_LABELS, SOCIAL_STATUS_LABELS } from '../../domain/reference';
import { hrefOf } from '../../platform/router';
import { PersonFollowups } from '../followups/PersonFollowups';
import { PersonMandates } from '../mandates/PersonMandates';
import { AutonomyPath } from './AutonomyPath';
import { useDuplicates } from './duplicates';
import { personName, PUBLIC_LABELS } from './labels';
import { MergePanel } from './MergePanel';
import { PersonRights } from './PersonRights';
import { PersonVisits } from './PersonVisits';
import { useIsCoordinator } from './useMerge';

export default function PersonPage({ id }: { id: string }) {
  const page = useLiveQuery(async () => (await personPage(id)) ?? null, [id]);
  // Duplicates read every person held here: looked for once her page is on screen, not before.
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (!page) return;
    const t = setTimeout(() => setShown(page.person.id), 50);
    return () => clearTimeout(t);
  }, [page?.person.id]);
  const duplicates = useDuplicates(shown ?? undefined, shown !== null);
  const coordinator = useIsCoordinator();
  const [merging, setMerging] = useState<number | null>(null);
  const paths = useMemo(() => (page ? autonomyPath(page.visits.map((v) => v.data)) : []), [page]);

  if (page === undefined) return <p className="muted">Chargement…</p>;
  if (page === null)
    return (
      <section className="screen">
        <h1 tabIndex={-1}>Personne introuvable</h1>
        <p>Cette personne n’existe pas ou a été effacée.</p>
        <a className="button button-secondary" href={hrefOf({ name: 'people' })}>
          Retour aux personnes
        </a>
      </section>
    );
  const p = page.person.data;
  return (
    <section className="screen person-page" aria-labelledby="person-name">
      <h1 id="person-name" tabIndex={-1}>
        {personName(p)}
      </h1>
      <dl className="identity">
        <dt>Année de naissance</dt>
        <dd>{p.birthYear ?? 'Non précisée'}</dd>
        <dt>Commune</dt>
        <dd>{p.residenceInsee ? communeName(p.residenceInsee) : 'Non précisée'}</dd>
        <dt>Téléphone</dt>
        <dd>{p.noPhone ? 'Pas de téléphone' : (p.phone ?? 'Non donné')}</dd>
        <dt>Quartier prioritaire</dt>
        <dd>{p.qpv ? 'Oui' : 'Non'}</dd>
        <dt>Public</dt>
        <dd>{PUBLIC_LABELS[p.public]}</dd>
        <dt>Genre</dt>
        <dd>{GENDER_LABELS[p.gender]}</dd>
        <dt>Situation</dt>
        <dd>{SOCIAL_STATUS_LABELS[p.socialStatus]}</dd>
        <dt>Accord pour être suivie</dt>
        <dd>le {shortDate(p.consentedOn)}</dd>
        {p.note && (
          <>
            <dt>Note</dt>
            <dd>{p.note}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <a className="button button-secondary" href={hrefOf({ name: 'editPerson', id: page.person.id })}>
          Modifier
        </a>
      </div>

      {duplicates && duplicates.length > 0 && (
        <div className="card card-warn" role="note">
          <h2>Doublon possible</h2>
          <ul>
            {duplicates.map((d, i) => {
              const other = d.a.id === page.person.id ? d.b : d.a;
              return (
                <li key={other.id}>
                  <a href={hrefOf({ name: 'person', id: other.id })}>{personName(other.data)}</a> ({d.why})
                  {coordinator && d.apart && <p className="hint-muted">{d.apart}</p>}
                  {coordinator && !d.apart && merging !== i && (
                    <button type="button" className="button button-secondary" onClick={() => setMerging(i)}>
                      Fusionner
                    </button>
                  )}
                  {merging === i && <MergePanel a={page.person} b={other} onClose={() => setMerging(null)} />}
                </li>
              );
            })}
          </ul>
        </div>
      )}

      <h2>Parcours vers l’autonomie</h2>
      <AutonomyPath paths={paths} />

      <h2>Visites ({page.visits.length})</h2>
      <PersonVisits visits={page.visits} />

      <PersonMandates personId={page.person.id} />

      <PersonFollowups personId={page.person.id} />

      {coordinator && <PersonRights person={page.person} />}
    </section>
  );
}
