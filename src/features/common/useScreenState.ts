/**
 * Screen state that survives leaving the screen ("every screen can be left and found again as it
 * was"). Harmless state (a week, a period) is kept in sessionStorage, so it survives a reload too;
 * state that may hold personal text (a search typed in Historique: a name) is `personal` and kept
 * in memory only, never in clear on disk, and forgotten when the app locks.
 */
import { useState } from 'react';
import { beforeLock } from '../../platform/lock';

/** Personal screen state, in memory only; emptied before the app locks. */
const personalState = new Map<string, unknown>();
/** Forgets all personal screen state (before the app locks; tests start afresh with it). */
export function forgetPersonalScreenState(): void {
  personalState.clear();
}
beforeLock(async () => forgetPersonalScreenState());

/** Keys now personal that a version before this one wrote to sessionStorage: removed at once. */
const NO_LONGER_STORED = ['history.query'];
try {
  for (const key of NO_LONGER_STORED) sessionStorage.removeItem(`relais:${key}`);
} catch {
  // storage unavailable: nothing was written there either
}

function read<T>(key: string, initial: () => T, personal: boolean): T {
  if (personal) return personalState.has(key) ? (personalState.get(key) as T) : initial();
  try {
    const raw = sessionStorage.getItem(`relais:${key}`);
    return raw === null ? initial() : (JSON.parse(raw) as T);
  } catch {
    return initial();
  }
}

function write(key: string, value: unknown, personal: boolean): void {
  if (personal) return void personalState.set(key, value);
  try {
    sessionStorage.setItem(`relais:${key}`, JSON.stringify(value));
  } catch {
    // storage full or unavailable: the state still works for this visit
  }
}

export function useScreenState<T>(key: string, initial: () => T, options: { personal?: boolean } = {}): [T, (next: T | ((prev: T) => T)) => void] {
  const personal = options.personal === true;
  const [value, setValue] = useState<T>(() => read(key, initial, personal));
  const set = (next: T | ((prev: T) => T)) =>
    setValue((prev) => {
      const v = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
      write(key, v, personal);
      return v;
    });
  return [value, set];
}
