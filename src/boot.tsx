// Starts the app: renders it behind the lock, asks for persistent storage and registers the
// service worker, whose updates wait for the user's "Mettre à jour" instead of reloading under her
// fingers. The app always opens on its lock screen: the app's screens are fetched meanwhile (not
// needed for the first paint), and shown once unlocked.
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { LockGate } from './features/lock/LockGate';
import { requestPersistence, useDevice } from './platform/deviceStore';
import { startSync } from './platform/syncRuntime';

const loadApp = () => import('./app/App');
const App = lazy(() => loadApp().then((m) => ({ default: m.App })));
void loadApp();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LockGate>
      <Suspense fallback={<p className="muted">Chargement…</p>}>
        <App />
      </Suspense>
    </LockGate>
  </StrictMode>,
);

void requestPersistence();
void startSync();

const updateSW = registerSW({
  onNeedRefresh() {
    useDevice.getState().offerUpdate(() => updateSW(true));
  },
});
