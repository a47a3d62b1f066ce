/**
 * Her rights, the coordinator's side (online only; README "Her rights"): reading what the server
 * holds about one person (the dossier), and erasing her. Erasing is the server's transaction; a
 * sync then removes her from this tablet, and the other tablets at their next sync. Offline, it
 * says plainly that the network is needed — nothing is changed. Messages never carry her data.
 */
import { useEffect, useState } from 'react';
import { db } from '../../db/database';
import { navigate } from '../../platform/router';
import { syncNow } from '../../platform/syncRuntime';
import { createCoordinatorApi, SyncError } from '../../sync/api';
import { loadCredentials } from '../../sync/credentials';
import { useToast } from '../common/toastStore';

export const OFFLINE_RIGHTS = 'Pas de réseau : l’export et l’effacement se font avec le serveur. Réessayez une fois connectée.';

/** Whether the browser says it is online, kept current. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** The coordinator's API, or a plain French reason why it cannot be used now. */
async function coordinatorApi() {
  if (!navigator.onLine) throw new Error(OFFLINE_RIGHTS);
  const credentials = await loadCredentials(db);
  if (credentials?.role !== 'coordinator') throw new Error('Réservé à la coordination.');
  return createCoordinatorApi(window.location.origin, credentials.token);
}

function explain(error: unknown, what: 'export' | 'erase'): string {
  if (!(error instanceof SyncError)) return error instanceof Error ? error.message : 'Erreur inattendue.';
  if (error.kind === 'offline') return OFFLINE_RIGHTS;
  if (error.kind === 'auth') return 'Cette tablette n’est plus autorisée : inscrivez-la à nouveau.';
  if (error.status === 404) return 'Le serveur ne connaît pas encore cette personne : synchronisez d’abord la tablette qui l’a enregistrée.';
  if (error.status === 409) return 'Cette fiche a été fusionnée dans une autre : synchronisez, puis ouvrez la fiche qui reste.';
  if (error.status === 410) return 'Cette personne a déjà été effacée : synchronisez la tablette.';
  return what === 'export' ? 'L’export a échoué : réessayez.' : 'L’effacement a échoué. Rien n’a été effacé : réessayez.';
}

/** Loads the dossier of one person from the server. */
export async function loadDossier(id: string): Promise<{ dossier: Record<string, unknown> } | { error: string }> {
  try {
    return { dossier: await (await coordinatorApi()).personDossier(id) };
  } catch (error) {
    return { error: explain(error, 'export') };
  }
}

export function useErasePerson() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const showToast = useToast((s) => s.show);

  /** Erases her on the server, syncs this tablet, and goes back to the people list. */
  const erase = async (id: string) => {
    setError(null);
    setBusy(true);
    try {
      await (await coordinatorApi()).erasePerson(id);
      await syncNow().catch(() => undefined); // the next sync removes her here if this one fails
      showToast({ message: 'Personne effacée. Les autres tablettes l’effaceront à leur prochaine synchronisation.' });
      navigate({ name: 'people' });
    } catch (err) {
      setError(explain(err, 'erase'));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, erase };
}
