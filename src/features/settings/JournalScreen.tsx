/**
 * « Journal » (`#/reglages/journal`, coordinator, online): the server's audit log — who exported,
 * merged, erased, revoked or enrolled what, and each retention run's counts — newest first, a page
 * at a time (« Voir les entrées plus anciennes »). It holds no personal data of the people helped:
 * records are named by kind and a short opaque id. Dates in French, Paris time.
 */
import { useEffect, useRef, useState } from 'react';
import { db } from '../../db/database';
import { hrefOf } from '../../platform/router';
import { createCoordinatorApi, SyncError, type AuditEntryInfo } from '../../sync/api';
import { loadCredentials } from '../../sync/credentials';

const ACTION_LABELS: Record<AuditEntryInfo['action'], string> = {
  export: 'Export',
  merge: 'Fusion de deux fiches',
  erase: 'Effacement d’une personne',
  revoke: 'Révocation',
  enrol: 'Inscription',
  retention: 'Conservation : anonymisation automatique',
  recover: 'Récupération de la clé d’une tablette bloquée',
};

const ENTITY_LABELS: Record<string, string> = {
  beneficiary: 'personne',
  mandate: 'mandat',
  device: 'appareil',
  enrolment: 'code d’inscription créé',
  'accompaniments.csv': 'accompagnements (CSV)',
  'tallies.csv': 'bilan (CSV)',
  'tallies.xlsx': 'bilan (Excel)',
};

/** Singular and plural of each count (French: 0 and 1 take the singular). */
const COUNT_LABELS: Record<string, [string, string]> = {
  people: ['personne', 'personnes'],
  mandates: ['mandat', 'mandats'],
  followups: ['suivi', 'suivis'],
  accompaniments: ['accompagnement', 'accompagnements'],
  opCopies: ['copie purgée', 'copies purgées'],
  ops: ['modification', 'modifications'],
};

const when = (iso: string) => new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' });

function what(e: AuditEntryInfo): string {
  const parts = [ACTION_LABELS[e.action] ?? e.action];
  if (e.entity) parts.push(ENTITY_LABELS[e.entity] ?? e.entity);
  if (e.action === 'export' && e.entity === 'beneficiary') parts[1] = 'données d’une personne';
  if (e.recordId) parts.push(`n° ${e.recordId.slice(0, 8)}`);
  return parts.join(' — ');
}

const countsOf = (c: Record<string, number> | null) =>
  c
    ? Object.entries(c)
        .map(([k, n]) => `${n} ${COUNT_LABELS[k]?.[n > 1 ? 1 : 0] ?? k}`)
        .join(', ')
    : '';

function explain(error: unknown): string {
  if (error instanceof SyncError && error.kind === 'offline') return 'Pas de réseau : le journal se lit sur le serveur. Réessayez une fois connectée.';
  if (error instanceof SyncError && error.kind === 'auth') return 'Cette tablette n’est plus autorisée : inscrivez-la à nouveau.';
  if (error instanceof SyncError && error.status === 403) return 'Le journal est réservé à la coordination.';
  return 'Le serveur ne répond pas : réessayez.';
}

export default function JournalScreen() {
  const [entries, setEntries] = useState<AuditEntryInfo[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = async (before?: string) => {
    setState('loading');
    try {
      const credentials = await loadCredentials(db);
      if (credentials?.role !== 'coordinator') throw new SyncError('refused', 'forbidden', 403);
      if (!navigator.onLine) throw new SyncError('offline', 'offline');
      const page = await createCoordinatorApi(window.location.origin, credentials.token).audit({ before });
      setEntries((old) => (before ? [...old, ...page.entries] : page.entries));
      setNext(page.hasMore && page.next ? page.next : null);
      setState('ready');
      setError(null);
    } catch (e) {
      setError(explain(e));
      setState('error');
    }
  };
  useEffect(() => {
    heading.current?.focus();
    void load();
  }, []);

  return (
    <section className="screen" aria-labelledby="journal-title">
      <h1 id="journal-title" ref={heading} tabIndex={-1}>
        Journal
      </h1>
      <p>
        Qui a exporté, fusionné, effacé, révoqué ou inscrit quoi, et quand, sur les 12 derniers mois. Le journal ne contient aucune donnée des personnes
        accompagnées.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {state === 'ready' && entries.length === 0 && <p className="muted">Aucune entrée.</p>}
      <ul className="entries" aria-label="Entrées du journal">
        {entries.map((e) => (
          <li key={e.id} className="entry">
            <strong>{what(e)}</strong>
            <span>
              {when(e.at)} — par {e.actorName}
            </span>
            {e.counts && Object.keys(e.counts).length > 0 && <span className="muted">{countsOf(e.counts)}</span>}
          </li>
        ))}
      </ul>
      {state === 'loading' && <p className="muted">Chargement…</p>}
      <div className="actions">
        {next && state !== 'loading' && (
          <button type="button" className="button button-secondary button-large" onClick={() => void load(next)}>
            Voir les entrées plus anciennes
          </button>
        )}
        {state === 'error' && (
          <button type="button" className="button button-secondary button-large" onClick={() => void load()}>
            Réessayer
          </button>
        )}
        <a className="button button-ghost button-large" href={hrefOf({ name: 'settings' })}>
          Retour aux réglages
        </a>
      </div>
    </section>
  );
}
