/**
 * "Fusionner" (coordinator, online): she confirms which of two people stays; the server moves the
 * other's visits, mandates and follow-ups to her and leaves a tombstone pointing to her; a sync
 * then brings the merge to this tablet (and to the others at their next sync). Offline, it says
 * plainly that the network is needed — nothing is changed.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { db } from '../../db/database';
import { navigate, type Route } from '../../platform/router';
import { syncNow } from '../../platform/syncRuntime';
import { createCoordinatorApi, SyncError } from '../../sync/api';
import { loadCredentials, loadEnrolment } from '../../sync/credentials';
import { useToast } from '../common/toastStore';

export const OFFLINE_MERGE = 'La fusion se fait avec le serveur : elle demande le réseau. Réessayez une fois connectée.';

/** Whether this tablet is the coordinator's (who alone may merge). */
export function useIsCoordinator(): boolean {
  return useLiveQuery(async () => (await loadEnrolment(db))?.role === 'coordinator', []) ?? false;
}

export function useMerge() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const showToast = useToast((s) => s.show);

  /** Merges `duplicate` into `survivor`, then syncs and opens the survivor's page. */
  const merge = async (duplicate: string, survivor: string, then: Route = { name: 'person', id: survivor }) => {
    setError(null);
    if (!navigator.onLine) return setError(OFFLINE_MERGE);
    const credentials = await loadCredentials(db);
    if (credentials?.role !== 'coordinator') return setError('Seule la coordinatrice peut fusionner deux personnes.');
    setBusy(true);
    try {
      await createCoordinatorApi(window.location.origin, credentials.token).mergePeople(duplicate, survivor);
      await syncNow().catch(() => undefined); // the next sync brings it if this one fails
      showToast({ message: 'Personnes fusionnées.' });
      navigate(then);
    } catch (err) {
      const e = err instanceof SyncError ? err : null;
      setError(
        e?.kind === 'offline'
          ? OFFLINE_MERGE
          : e?.code === 'different_owners'
            ? 'Ces deux fiches sont suivies par deux personnes différentes : pas de fusion possible, chacune ne verrait plus une partie de ses visites.'
            : e?.status === 409
              ? 'Une des deux personnes a déjà été fusionnée ou effacée : synchronisez, puis vérifiez.'
              : e?.status === 404
                ? 'Le serveur ne connaît pas encore l’une des deux personnes : synchronisez d’abord les deux tablettes.'
                : 'La fusion a échoué. Rien n’a été changé : réessayez.',
      );
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, merge };
}
