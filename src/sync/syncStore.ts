/** What the UI shows of sync: running or not, progress, the last success and the last error. */
import { create } from 'zustand';
import type { SyncErrorKind } from './api';
import type { SyncProgress } from './engine';

export interface SyncState {
  running: boolean;
  progress: SyncProgress | null;
  lastSuccessAt: string | null;
  error: { kind: SyncErrorKind; at: string; retryAt: string | null } | null;
  enrolled: boolean | null;
  set: (patch: Partial<Omit<SyncState, 'set'>>) => void;
}

export const useSync = create<SyncState>((set) => ({
  running: false,
  progress: null,
  lastSuccessAt: null,
  error: null,
  enrolled: null,
  set: (patch) => set(patch),
}));
