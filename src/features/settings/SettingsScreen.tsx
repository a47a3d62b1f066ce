/**
 * Réglages: this device (storage protection, space used, changes waiting) and the reference data
 * it holds (relays, procedure catalogue).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { requestPersistence, useDevice } from '../../app/deviceStore';
import { allRelays, catalogue, pendingCount } from '../../db/queries';
import { communeName, DOMAIN_LABELS, PARTNER_LABELS } from '../../domain/reference';

function useStorageEstimate(): { usage: number; quota: number } | null {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  useEffect(() => {
    void navigator.storage?.estimate?.().then((e) => setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }));
  }, []);
  return estimate;
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;

export default function SettingsScreen() {
  const persistence = useDevice((s) => s.persistence);
  const pending = useLiveQuery(pendingCount);
  const relays = useLiveQuery(allRelays);
  const procedures = useLiveQuery(catalogue);
  const estimate = useStorageEstimate();

  return (
    <section className="screen" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        Réglages
      </h1>

      <h2>Cette tablette</h2>
      <dl className="facts">
        <dt>Stockage</dt>
        <dd>
          {persistence === 'granted' && 'Protégé : le navigateur ne l’effacera pas pour faire de la place.'}
          {persistence === 'denied' && (
            <>
              Non protégé : si la tablette manque de place, le navigateur pourrait effacer les données non synchronisées. Installez l’application sur l’écran d’accueil puis
              demandez à nouveau.{' '}
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
        <dd>{pending === undefined ? '—' : pending === 0 ? 'Aucune modification' : `${pending} modification${pending > 1 ? 's' : ''}`}</dd>
        <dt>Version</dt>
        <dd>{__APP_VERSION__}</dd>
      </dl>

      <h2>Relais ({relays?.length ?? 0})</h2>
      <ul className="entries">
        {relays?.map((r) => (
          <li key={r.id} className="entry entry-static">
            <span className="entry-main">
              <strong>{r.data.name}</strong>
              <span className="entry-detail">
                {communeName(r.data.communeInsee)}
                {r.data.schedule ? ` · ${r.data.schedule}` : ''}
                {r.data.active ? '' : ' · inactif'}
              </span>
            </span>
          </li>
        ))}
      </ul>

      <h2>Catalogue des démarches ({procedures?.length ?? 0})</h2>
      <ul className="entries">
        {procedures?.map((p) => (
          <li key={p.id} className="entry entry-static">
            <span className="entry-main">
              <strong>{p.data.label}</strong>
              <span className="entry-detail">
                {DOMAIN_LABELS[p.data.domain]} · {PARTNER_LABELS[p.data.partner]}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
