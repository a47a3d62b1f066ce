// Starts the app: renders it behind the lock, asks for persistent storage and registers the service worker,
// whose updates wait for the user's "Mettre à jour" instead of reloading under her fingers.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registerSW } from 'virtual:pwa-register';
import { App } from './app/App';
import { LockGate } from './features/lock/LockGate';
import { requestPersistence, useDevice } from './platform/deviceStore';
import { startSync } from './platform/syncRuntime';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LockGate>
      <App />
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
