/** The app frame: header with navigation and status line, the current screen, the toast area. */
import { lazy, Suspense, useEffect, useRef } from 'react';
import { ToastArea } from '../features/common/Toast';
import { lockNow } from '../platform/lock';
import { StatusLine } from '../features/status/StatusLine';
import { TodayScreen } from '../features/today/TodayScreen';
import { hrefOf, useRoute, type Route } from '../platform/router';

// Screens other than the home one load on demand (precached by the service worker, so offline
// too), keeping the JavaScript needed for the first paint small; they are warmed up when idle.
const loadAccompaniment = () => import('../features/accompaniment/AccompanimentScreen');
const loadOpenPermanence = () => import('../features/permanence/OpenPermanenceScreen');
const AccompanimentScreen = lazy(() => loadAccompaniment().then((m) => ({ default: m.AccompanimentScreen })));
const OpenPermanenceScreen = lazy(() => loadOpenPermanence().then((m) => ({ default: m.OpenPermanenceScreen })));
const HistoryScreen = lazy(() => import('../features/history/HistoryScreen'));
const PermanenceEditScreen = lazy(() => import('../features/permanence/PermanenceEditScreen'));
const SettingsScreen = lazy(() => import('../features/settings/SettingsScreen'));
const SyncScreen = lazy(() => import('../features/sync/SyncScreen'));
const ReportScreen = lazy(() => import('../features/report/ReportScreen'));
const PeopleScreen = lazy(() => import('../features/people/PeopleScreen'));
const PersonPage = lazy(() => import('../features/people/PersonPage'));
const PersonFormScreen = lazy(() => import('../features/people/PersonFormScreen'));
const DuplicatesScreen = lazy(() => import('../features/people/DuplicatesScreen'));
const MandatePrintScreen = lazy(() => import('../features/mandates/MandatePrintScreen'));
const PersonDataScreen = lazy(() => import('../features/people/PersonDataScreen'));
const JournalScreen = lazy(() => import('../features/settings/JournalScreen'));

const NAV: { route: Route; label: string }[] = [
  { route: { name: 'today' }, label: 'Aujourd’hui' },
  { route: { name: 'people' }, label: 'Personnes' },
  { route: { name: 'history' }, label: 'Historique' },
  { route: { name: 'report' }, label: 'Bilan' },
  { route: { name: 'settings' }, label: 'Réglages' },
];

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'today':
      return <TodayScreen />;
    case 'openPermanence':
      return <OpenPermanenceScreen />;
    case 'newAccompaniment':
      return <AccompanimentScreen key="new" />;
    case 'editAccompaniment':
      return <AccompanimentScreen key={route.id} id={route.id} />;
    case 'history':
      return <HistoryScreen />;
    case 'editPermanence':
      return <PermanenceEditScreen key={route.id} id={route.id} />;
    case 'settings':
      return <SettingsScreen code={route.code} />;
    case 'sync':
      return <SyncScreen />;
    case 'report':
      return <ReportScreen />;
    case 'people':
      return <PeopleScreen />;
    case 'duplicates':
      return <DuplicatesScreen />;
    case 'person':
      return <PersonPage key={route.id} id={route.id} />;
    case 'newPerson':
      return <PersonFormScreen key={`new:${route.forEntry ?? ''}`} forEntry={route.forEntry} />;
    case 'editPerson':
      return <PersonFormScreen key={route.id} id={route.id} />;
    case 'printMandate':
      return <MandatePrintScreen key={route.id} mandateId={route.id} />;
    case 'personData':
      return <PersonDataScreen key={route.id} id={route.id} />;
    case 'journal':
      return <JournalScreen />;
  }
}

const FORMS: ReadonlySet<Route['name']> = new Set(['newAccompaniment', 'editAccompaniment', 'openPermanence', 'editPermanence', 'newPerson', 'editPerson']);
const isForm = (r: Route) => FORMS.has(r.name);

export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    const warm = () => void Promise.all([loadAccompaniment(), loadOpenPermanence()]);
    const id = setTimeout(warm, 1500);
    return () => clearTimeout(id);
  }, []);

  // Move focus to the new screen for keyboard and screen-reader users (not on first load).
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
    window.scrollTo(0, 0);
  }, [route.name, 'id' in route ? route.id : '']);

  return (
    <div className="app">
      <a className="skip-link" href="#contenu">
        Aller au contenu
      </a>
      <header className="app-header">
        <nav aria-label="Navigation principale" className="app-nav">
          {NAV.map((item) => (
            <a key={item.route.name} href={hrefOf(item.route)} className="nav-link" aria-current={route.name === item.route.name ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <button type="button" className="button button-small lock-button" onClick={() => void lockNow()}>
          Verrouiller
        </button>
        <StatusLine allowUpdate={!isForm(route)} />
      </header>
      <main id="contenu" ref={main} className="app-main">
        <Suspense fallback={<p className="muted">Chargement…</p>}>
          <Screen route={route} />
        </Suspense>
      </main>
      <ToastArea placement={isForm(route) ? 'top' : 'bottom'} />
    </div>
  );
}
