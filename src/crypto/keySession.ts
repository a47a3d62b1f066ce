/**
 * The tablet's data key while it is unlocked: held in memory only (never stored in clear), set by
 * the lock screen on unlock, dropped on lock. Storage code asks for it with `requireDataKey()` and
 * gets a `LockedError` while the app is locked. Listeners learn about lock and unlock.
 */

export class LockedError extends Error {
  constructor() {
    super('The app is locked');
    this.name = 'LockedError';
  }
}

let dataKey: CryptoKey | null = null;
/** Whether the key in memory is the one wrapped in the vault (a lock code is set for it). */
let wrapped = false;
const listeners = new Set<(unlocked: boolean) => void>();

/** The data key, or null while locked. */
export function currentDataKey(): CryptoKey | null {
  return dataKey;
}

/** The data key; throws `LockedError` while locked. */
export function requireDataKey(): CryptoKey {
  if (!dataKey) throw new LockedError();
  return dataKey;
}

export function isUnlocked(): boolean {
  return dataKey !== null;
}

/**
 * Whether the key in memory can be found again after a reload: it is wrapped in the vault. A
 * hand-over's new key is not, until its user chose her code: nothing may be synced (sealed) under
 * it meanwhile, since a reload would lose it.
 */
export function isKeyWrapped(): boolean {
  return dataKey !== null && wrapped;
}

/**
 * Unlock (a key) or lock (null); listeners are told when the state changes. `wrapped: false` for
 * a key no lock code wraps yet (a hand-over's new key, enrolment.ts).
 */
export function setDataKey(key: CryptoKey | null, options: { wrapped?: boolean } = {}): void {
  const was = dataKey !== null;
  dataKey = key;
  wrapped = key !== null && options.wrapped !== false;
  if (was !== (key !== null)) for (const listener of listeners) listener(key !== null);
}

/** Calls `listener(unlocked)` on each lock/unlock; returns the unsubscribe function. */
export function onLockChange(listener: (unlocked: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
