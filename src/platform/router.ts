/**
 * Hash routes: every screen has an address, so a reload or a restart returns to the same screen
 * (and the service worker only ever serves one document).
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'today' }
  | { name: 'openPermanence' }
  | { name: 'newAccompaniment' }
  | { name: 'editAccompaniment'; id: string }
  | { name: 'history' }
  | { name: 'editPermanence'; id: string }
  | { name: 'settings'; code?: string }
  | { name: 'sync' }
  | { name: 'report' }
  | { name: 'people' }
  | { name: 'duplicates' }
  | { name: 'person'; id: string }
  | { name: 'editPerson'; id: string }
  /** `forEntry`: the accompaniment form to come back to with her chosen ('new' or its id). */
  | { name: 'newPerson'; forEntry?: string }
  | { name: 'printMandate'; id: string }
  /** Coordinator: everything the server holds about her, readable and printable (her right of access). */
  | { name: 'personData'; id: string }
  /** Coordinator: the server's audit log. */
  | { name: 'journal' };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/permanence/ouvrir') return { name: 'openPermanence' };
  if (path === '/accompagnement/nouveau') return { name: 'newAccompaniment' };
  const edit = /^\/accompagnement\/([0-9a-f-]{36})$/i.exec(path);
  if (edit) return { name: 'editAccompaniment', id: edit[1] };
  if (path === '/historique') return { name: 'history' };
  const permanence = new RegExp(`^/permanences/(${UUID})$`, 'i').exec(path);
  if (permanence) return { name: 'editPermanence', id: permanence[1] };
  if (path === '/reglages') return { name: 'settings' };
  if (path === '/reglages/journal') return { name: 'journal' };
  const enrol = /^\/inscription\/([A-Za-z0-9-]{4,20})$/.exec(path);
  if (enrol) return { name: 'settings', code: enrol[1] };
  if (path === '/synchronisation') return { name: 'sync' };
  if (path === '/bilan') return { name: 'report' };
  if (path === '/personnes') return { name: 'people' };
  if (path === '/personnes/doublons') return { name: 'duplicates' };
  const newPerson = new RegExp(`^/personnes/nouvelle(?:/pour/(nouveau|${UUID}))?$`, 'i').exec(path);
  if (newPerson) return { name: 'newPerson', forEntry: newPerson[1] === 'nouveau' ? 'new' : newPerson[1] };
  const person = new RegExp(`^/personnes/(${UUID})(/modifier)?$`, 'i').exec(path);
  if (person) return person[2] ? { name: 'editPerson', id: person[1] } : { name: 'person', id: person[1] };
  const data = new RegExp(`^/personnes/(${UUID})/donnees$`, 'i').exec(path);
  if (data) return { name: 'personData', id: data[1] };
  const print = /^\/mandats\/([0-9a-f-]{36})\/imprimer$/i.exec(path);
  if (print) return { name: 'printMandate', id: print[1] };
  return { name: 'today' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'today':
      return '#/';
    case 'openPermanence':
      return '#/permanence/ouvrir';
    case 'newAccompaniment':
      return '#/accompagnement/nouveau';
    case 'editAccompaniment':
      return `#/accompagnement/${route.id}`;
    case 'history':
      return '#/historique';
    case 'editPermanence':
      return `#/permanences/${route.id}`;
    case 'settings':
      return route.code ? `#/inscription/${route.code}` : '#/reglages';
    case 'sync':
      return '#/synchronisation';
    case 'report':
      return '#/bilan';
    case 'people':
      return '#/personnes';
    case 'duplicates':
      return '#/personnes/doublons';
    case 'person':
      return `#/personnes/${route.id}`;
    case 'editPerson':
      return `#/personnes/${route.id}/modifier`;
    case 'newPerson':
      return route.forEntry ? `#/personnes/nouvelle/pour/${route.forEntry === 'new' ? 'nouveau' : route.forEntry}` : '#/personnes/nouvelle';
    case 'printMandate':
      return `#/mandats/${route.id}/imprimer`;
    case 'personData':
      return `#/personnes/${route.id}/donnees`;
    case 'journal':
      return '#/reglages/journal';
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route).slice(1);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
