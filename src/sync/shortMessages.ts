/** Sync errors in a few words, as the status line says them (the full sentences: messages.ts). */
import type { SyncErrorKind } from './syncError';

export const SYNC_ERROR_SHORT: Record<SyncErrorKind, string> = {
  offline: 'Hors ligne',
  server: 'Serveur injoignable',
  auth: 'Tablette révoquée',
  refused: 'Envoi refusé',
  storage: 'Stockage plein',
};
