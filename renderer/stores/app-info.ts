// Where the renderer runs (app:info), asked once at start-up. A failure leaves it null: nothing depends on it
// but the sandbox banner, which then stays hidden.
import { create } from 'zustand';
import type { AppInfo } from '../../shared/domain';
import { call } from '../api/client';

interface AppInfoState {
  info: AppInfo | null;
  load: () => Promise<void>;
}

let started = false;

export const useAppInfo = create<AppInfoState>()((set) => ({
  info: null,
  load: async () => {
    if (started) return;
    started = true;
    try {
      set({ info: await call('app:info', {}) });
    } catch {
      started = false; // let a later mount try again
    }
  },
}));
