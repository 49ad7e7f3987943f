import { create } from 'zustand';
import type { Settings } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api/client';
import type { LoadStatus } from './types';

interface SettingsState {
  settings: Settings | null;
  status: LoadStatus;
  error: string | null;
  load: () => Promise<void>;
  update: (patch: ChannelInput<'settings:update'>) => Promise<Settings>;
}

export const useSettings = create<SettingsState>()((set) => ({
  settings: null,
  status: 'idle',
  error: null,
  load: async () => {
    set((s) => ({ status: s.settings ? s.status : 'loading', error: null }));
    try {
      const settings = await call('settings:get', {});
      set({ settings, status: 'ready', error: null });
    } catch (err) {
      set({ status: 'error', error: errorMessage(err) });
    }
  },
  update: async (patch) => {
    const settings = await call('settings:update', patch);
    set({ settings, status: 'ready', error: null });
    return settings;
  },
}));
