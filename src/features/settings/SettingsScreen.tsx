/**
 * Réglages: this tablet (enrolment, storage protection, space used, version), its lock (delay,
 * code, « Oublier cette tablette »), and for the coordinator the devices, the relays and the
 * procedure catalogue.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { requestPersistence, useDevice } from '../../platform/deviceStore';
import { syncNow } from '../../platform/syncRuntime';
import { db } from '../../db/database';
import { pendingCount } from '../../db/queries';
import { loadCredentials } from '../../sync/credentials';
import { useSync } from '../../sync/syncStore';
import { hrefOf } from '../../platform/router';
import { LockSettings } from '../lock/LockSettings';
import { DevicesPanel } from './DevicesPanel';
import { EnrolmentForm } from './EnrolmentForm';
import { ReferenceList } from './ReferenceEditor';

function useStorageEstimate(): { usage: number; quota: number } | null {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  useEffect(() => {
    void navigator.storage?.estimate?.().then((e) => setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }));
  }, []);
  return estimate;
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;

export default function SettingsScreen({ code }: { code?: string }) {
  const persistence = useDevice((s) => s.persistence);
  const pending = useLiveQuery(pendingCount);
  const credentials = useLiveQuery(async () => (await loadCredentials(db)) ?? null);
  const relays = useLiveQuery(async () => (await db.relays.toArray()).filter((r) => !r.deleted).sort((a, b) => a.data.name.localeCompare(b.data.name, 'fr')));
  const procedures = useLiveQuery(async () =>
    (await db.procedures.toArray()).filter((r) => !r.deleted).sort((a, b) => a.data.label.localeCompare(b.data.label, 'fr')),
  );
  const revoked = useSync((s) => s.error?.kind === 'auth');
  const running = useSync((s) => s.running);
  const estimate = useStorageEstimate();
  const coordinator = credentials?.role === 'coordinator';
  /** Enrolling an enrolled tablet again: a new token for her, or the tablet handed to someone else. */
  const [enrolAgain, setEnrolAgain] = useState(false);

  return (
    <section className="screen" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        Réglages
      </h1>

      <h2>Cette tablette</h2>
      {credentials === null || code || revoked || enrolAgain ? (
        <EnrolmentForm key={code} initialCode={code} again={!!credentials} onEnrolled={() => setEnrolAgain(false)} />
      ) : null}
      <dl className="facts">
        <dt>Inscription</dt>
        <dd>
          {credentials
            ? `${credentials.label}, au nom de ${credentials.name} (${credentials.role === 'coordinator' ? 'coordination' : 'médiation'})`
            : credentials === null
              ? 'Non inscrite'
              : '—'}{' '}
          {credentials && !enrolAgain && !code && !revoked && (
            <button type="button" className="button button-small" onClick={() => setEnrolAgain(true)}>
              Inscrire à nouveau
            </button>
          )}
        </dd>
        <dt>Stockage</dt>
        <dd>
          {persistence === 'granted' && 'Protégé : le navigateur ne l’effacera pas pour faire de la place.'}
          {persistence === 'denied' && (
            <>
              Non protégé : si la tablette manque de place, le navigateur pourrait effacer les données non synchronisées. Installez l’application sur l’écran
              d’accueil puis demandez à nouveau.{' '}
              <button type="button" className="button button-small" onClick={() => void requestPersistence()}>
                Demander la protection
              </button>
            </>
          )}
          {persistence === 'unsupported' && 'Ce navigateur ne permet pas de protéger le stockage.'}
          {persistence === 'checking' && 'Vérification…'}
        </dd>
        <dt>Espace utilisé</dt>
        <dd>{estimate ? `${mb(estimate.usage)} sur ${mb(estimate.quota)} disponibles` : '—'}</dd>
        <dt>En attente d’envoi</dt>
        <dd>
          {pending === undefined ? '—' : pending === 0 ? 'Aucune modification' : `${pending} modification${pending > 1 ? 's' : ''}`}{' '}
          {credentials && (
            <button type="button" className="button button-small" onClick={() => void syncNow()} disabled={running}>
              Synchroniser
            </button>
          )}
        </dd>
        <dt>Version</dt>
        <dd>{__APP_VERSION__}</dd>
      </dl>

      <h2>Verrouillage et données</h2>
      <LockSettings />

      {coordinator && credentials && (
        <>
          <h2>Appareils</h2>
          <DevicesPanel credentials={credentials} />
          <h2>Journal</h2>
          <p>Les exports, fusions, effacements, révocations et inscriptions, et les anonymisations automatiques (12 derniers mois).</p>
          <a className="button button-secondary button-large" href={hrefOf({ name: 'journal' })}>
            Ouvrir le journal
          </a>
        </>
      )}

      <h2>Relais ({relays?.length ?? 0})</h2>
      {coordinator ? (
        relays && <ReferenceList kind="relay" rows={relays} />
      ) : (
        <ul className="entries">
          {relays?.map((r) => (
            <li key={r.id} className="entry entry-static">
              <span className="entry-main">
                <strong>{r.data.name}</strong>
                <span className="entry-detail">{r.data.schedule ?? ''}</span>
              </span>
            </li>
          ))}
        </ul>
      )}

      <h2>Catalogue des démarches ({procedures?.length ?? 0})</h2>
      {coordinator ? (
        procedures && <ReferenceList kind="procedure" rows={procedures} />
      ) : (
        <p className="muted">Le catalogue est tenu par la coordination ; il arrive sur la tablette à chaque synchronisation.</p>
      )}
    </section>
  );
}
