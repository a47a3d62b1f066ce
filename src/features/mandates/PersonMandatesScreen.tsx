/**
 * « Mandats et suivis » of one person (`#/personnes/<id>/mandats`): her mandates and follow-ups
 * on a screen of their own, reached from « Mandats à renouveler » on the home screen. The person's
 * full page shows the same two sections in its slots.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import './mandates.css';
import { resolvePerson } from '../../db/people';
import { hrefOf } from '../../platform/router';
import { PersonFollowups } from '../followups/PersonFollowups';
import { PersonMandates } from './PersonMandates';

export default function PersonMandatesScreen({ personId }: { personId: string }) {
  const person = useLiveQuery(async () => (await resolvePerson(personId)) ?? null, [personId]);
  if (person === undefined) return <p className="muted">Chargement…</p>;
  if (person === null) {
    return (
      <section className="screen">
        <h1 tabIndex={-1}>Personne introuvable</h1>
        <p>Cette personne n’existe pas sur cette tablette, ou a été effacée.</p>
        <a className="button button-secondary" href={hrefOf({ name: 'today' })}>
          Retour à l’accueil
        </a>
      </section>
    );
  }
  return (
    <section className="screen" aria-labelledby="person-mandates-screen-title">
      <h1 id="person-mandates-screen-title" tabIndex={-1}>
        {person.data.firstName} {person.data.lastName} <span className="subtitle">mandats et suivis</span>
      </h1>
      <PersonMandates personId={person.id} />
      <PersonFollowups personId={person.id} />
      <a className="button button-ghost" href={hrefOf({ name: 'today' })}>
        Retour
      </a>
    </section>
  );
}
