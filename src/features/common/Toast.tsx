/**
 * Renders the current toast; it stays long enough to reach "Annuler" with one hand: at the bottom,
 * except on forms, whose save bar sits there.
 */
import { useEffect } from 'react';
import { useToast } from './toastStore';

const VISIBLE_MS = 10_000;

export function ToastArea({ placement = 'bottom' }: { placement?: 'top' | 'bottom' }) {
  const toast = useToast((s) => s.toast);
  const dismiss = useToast((s) => s.dismiss);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => dismiss(toast.id), VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [toast, dismiss]);

  return (
    <div className={`toast-area toast-${placement}`} role="status" aria-live="polite">
      {toast && (
        <div className={`toast toast-${toast.tone}`}>
          <span>{toast.message}</span>
          {toast.action && (
            <button
              type="button"
              className="button button-inverse"
              onClick={() => {
                const action = toast.action!;
                dismiss(toast.id);
                void action.run();
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" className="toast-close" aria-label="Fermer le message" onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
