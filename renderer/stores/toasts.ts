import { create } from 'zustand';

export type ToastTone = 'info' | 'success' | 'danger';
export interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
}

interface ToastState {
  toasts: Toast[];
  push: (message: string, tone?: ToastTone) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;
const TTL_MS = 6000;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push: (message, tone = 'info') => {
    const id = nextId++;
    set({ toasts: [...get().toasts, { id, tone, message }].slice(-4) });
    setTimeout(() => get().dismiss(id), TTL_MS);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

export const toast = (message: string, tone?: ToastTone) => useToasts.getState().push(message, tone);
