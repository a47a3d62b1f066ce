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

/** Unlock (a key) or lock (null); listeners are told when the state changes. */
export function setDataKey(key: CryptoKey | null): void {
  const was = dataKey !== null;
  dataKey = key;
  if (was !== (key !== null)) for (const listener of listeners) listener(key !== null);
}

/** Calls `listener(unlocked)` on each lock/unlock; returns the unsubscribe function. */
export function onLockChange(listener: (unlocked: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
