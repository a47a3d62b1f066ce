/**
 * Sync states in plain French, as the sync screen says them. The status line's few words are in
 * shortMessages.ts: they come with today's screen, these sentences with the sync screen.
 */
import type { SyncErrorKind } from './api';

export const SYNC_ERROR_MESSAGES: Record<SyncErrorKind, string> = {
  offline: 'Pas de réseau : les saisies restent sur la tablette et partiront dès le retour du réseau.',
  server: 'Le serveur ne répond pas : nouvel essai automatique dans quelques minutes.',
  auth: 'Cette tablette n’est plus autorisée (appareil révoqué ?). Les saisies sont gardées : inscrivez-la à nouveau dans Réglages.',
  refused: 'Le serveur a refusé l’envoi. Les saisies sont gardées ; prévenez la coordination si cela continue.',
  storage: 'Le stockage de la tablette a refusé d’enregistrer la synchronisation. Rien n’est perdu : libérez de la place puis réessayez.',
};
