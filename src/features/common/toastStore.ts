/** The short confirmation shown after an action, with an optional undo ("Annuler"). */
import { create } from 'zustand';

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  action?: { label: string; run: () => Promise<unknown> | void };
}

interface ToastState {
  toast: Toast | null;
  show: (t: Omit<Toast, 'id' | 'tone'> & { tone?: Toast['tone'] }) => void;
  dismiss: (id?: number) => void;
}

let nextId = 1;

export const useToast = create<ToastState>((set, get) => ({
  toast: null,
  show: (t) => set({ toast: { tone: 'info', ...t, id: nextId++ } }),
  dismiss: (id) => {
    if (id === undefined || get().toast?.id === id) set({ toast: null });
  },
}));
