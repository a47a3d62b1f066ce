/**
 * What the device tells about itself: whether the browser keeps our storage for good
 * (persistent storage) and whether a new version of the app is waiting to be applied.
 */
import { create } from 'zustand';
import { db } from '../db/database';

export type Persistence = 'checking' | 'granted' | 'denied' | 'unsupported';

interface DeviceState {
  persistence: Persistence;
  updateReady: boolean;
  /** A newer version of the app opened the database in another tab: this one must reload. */
  reloadNeeded: boolean;
  applyUpdate: () => Promise<void>;
  setPersistence: (p: Persistence) => void;
  offerUpdate: (apply: () => Promise<void>) => void;
}

export const useDevice = create<DeviceState>((set) => ({
  persistence: 'checking',
  updateReady: false,
  reloadNeeded: false,
  applyUpdate: async () => {},
  setPersistence: (persistence) => set({ persistence }),
  offerUpdate: (applyUpdate) => set({ updateReady: true, applyUpdate }),
}));

db.onNewerVersion.add(() => useDevice.setState({ reloadNeeded: true }));

/** Asks the browser to never evict our data (Safari evicts unused sites after 7 days otherwise). */
export async function requestPersistence(): Promise<Persistence> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  let result: Persistence = 'unsupported';
  if (storage?.persist && storage.persisted) {
    try {
      result = (await storage.persisted()) || (await storage.persist()) ? 'granted' : 'denied';
    } catch {
      result = 'denied';
    }
  }
  useDevice.getState().setPersistence(result);
  return result;
}
