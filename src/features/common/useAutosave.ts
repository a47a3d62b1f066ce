/**
 * Keeps a form's draft in the database while it is typed: shortly after each change, and at once
 * when the page is hidden or closed (tablet locked, app switched, reload).
 */
import { useCallback, useEffect, useRef } from 'react';
import { clearDraft, saveDraft } from '../../db/drafts';

const DELAY_MS = 300;

export function useAutosave(key: string, value: unknown, enabled: boolean): { discard: () => Promise<void>; flush: () => Promise<void> } {
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

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => void flush();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      if (timer.current !== undefined) void flush();
    };
  }, [flush]);

  const discard = useCallback(async () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    latest.current.enabled = false;
    await clearDraft(latest.current.key);
  }, []);

  return { discard, flush };
}
