/**
 * Screen state that survives leaving the screen and reloading the tab ("every screen can be left
 * and found again as it was"): kept in sessionStorage under a key per screen and field.
 */
import { useState } from 'react';

function read<T>(key: string, initial: () => T): T {
  try {
    const raw = sessionStorage.getItem(`relais:${key}`);
    return raw === null ? initial() : (JSON.parse(raw) as T);
  } catch {
    return initial();
  }
}

export function useScreenState<T>(key: string, initial: () => T): [T, (next: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => read(key, initial));
  const set = (next: T | ((prev: T) => T)) =>
    setValue((prev) => {
      const v = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
      try {
        sessionStorage.setItem(`relais:${key}`, JSON.stringify(v));
      } catch {
        // storage full or unavailable: the state still works for this visit
      }
      return v;
    });
  return [value, set];
}
