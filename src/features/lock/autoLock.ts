/**
 * Auto-lock: the app locks after `delay` minutes without a touch or a key, and when it comes back
 * after being hidden (app switched, screen off) for longer than that. The delay is a device
 * setting kept in `meta` (Réglages → Verrouillage et données).
 */
import { useEffect } from 'react';
import type { RelaisDB } from '../../db/database';
import { lockNow } from '../../platform/lock';

export const LOCK_DELAY_KEY = 'lockDelayMinutes';
export const LOCK_DELAYS = [1, 2, 5, 10, 15] as const;
export const DEFAULT_LOCK_DELAY = 5;

export async function loadLockDelay(db: RelaisDB): Promise<number> {
  const value = (await db.meta.get(LOCK_DELAY_KEY))?.value;
  return typeof value === 'number' && (LOCK_DELAYS as readonly number[]).includes(value) ? value : DEFAULT_LOCK_DELAY;
}

export async function saveLockDelay(db: RelaisDB, minutes: number): Promise<void> {
  await db.meta.put({ key: LOCK_DELAY_KEY, value: minutes });
}

const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'] as const;

/** While `active`, locks after `minutes` of inactivity or of being hidden. */
export function useAutoLock(active: boolean, minutes: number): void {
  useEffect(() => {
    if (!active) return;
    const delayMs = minutes * 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let hiddenAt: number | null = null;
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lockNow(), delayMs);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        hiddenAt = Date.now();
      } else if (hiddenAt !== null) {
        const away = Date.now() - hiddenAt;
        hiddenAt = null;
        if (away >= delayMs) void lockNow();
        else restart();
      }
    };
    restart();
    for (const type of ACTIVITY) window.addEventListener(type, restart, { passive: true, capture: true });
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearTimeout(timer);
      for (const type of ACTIVITY) window.removeEventListener(type, restart, { capture: true });
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [active, minutes]);
}
