/**
 * Keeps a form's draft in the database while it is typed: shortly after each change, and at once
 * when the page is hidden or closed (tablet locked, app switched, reload) and before the app locks. `pause` stops a pending
 * write until the next render (a save that clears the draft in its own transaction calls it first,
 * so no late write brings the draft back); `discard` also deletes the draft.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { clearDraft, saveDraft } from '../../db/drafts';
import { presealRows } from '../../db/sealing/middleware';
import { beforeLock } from '../../platform/lock';

const DELAY_MS = 300;

export interface Autosave {
  discard: () => Promise<void>;
  flush: () => Promise<void>;
  pause: () => void;
}

export function useAutosave(key: string, value: unknown, enabled: boolean): Autosave {
  const latest = useRef({ key, value, enabled });
  latest.current = { key, value, enabled };
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const { key: k, value: v, enabled: on } = latest.current;
    if (on) await saveDraft(k, v).catch(() => undefined); // a full disk must not break typing
  }, []);

  useEffect(() => {
    if (!enabled) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), DELAY_MS);
  }, [value, enabled, flush]);

  // Sealed ahead as it is typed (the draft is sealed at rest): a write made as the page goes away
  // (pagehide, a closed tab) then needs no Web Crypto call and reaches IndexedDB at once.
  useEffect(() => {
    if (!enabled) return;
    let forget: (() => void) | undefined;
    let replaced = false;
    presealRows([{ store: 'drafts', row: { key, value } }]).then(
      (f) => (replaced ? f() : (forget = f)),
      () => undefined, // locked meanwhile: the write itself says so
    );
    return () => {
      replaced = true;
      forget?.();
    };
  }, [key, value, enabled]);

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => void flush();
    // Locking drops the data key: what was typed last is written first, while it is still there.
    const unregister = beforeLock(flush);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      unregister();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      if (timer.current !== undefined) void flush();
    };
  }, [flush]);

  const pause = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    latest.current.enabled = false;
  }, []);

  const discard = useCallback(async () => {
    pause();
    await clearDraft(latest.current.key);
  }, [pause]);

  return useMemo(() => ({ discard, flush, pause }), [discard, flush, pause]);
}
