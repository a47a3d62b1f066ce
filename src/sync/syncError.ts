/**
 * The sync's typed failure (api.ts throws it, the UI says it in plain French: messages.ts). Its own
 * module so that what the lock screen needs (credentials.ts) does not pull the HTTP client in.
 */
export type SyncErrorKind = 'offline' | 'server' | 'auth' | 'refused' | 'storage';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly status?: number,
    /** The `error.code` of the server's answer, when it gave one (e.g. `cursor_reset`). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}
