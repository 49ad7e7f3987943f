// Settings → Providers: OAuth clients and endpoints per identity provider.
import { create } from 'zustand';
import type { ProviderSettingsView } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api/client';
import type { LoadStatus } from './types';

interface ProvidersState {
  items: ProviderSettingsView[];
  status: LoadStatus;
  error: string | null;
  load: () => Promise<void>;
  update: (input: ChannelInput<'providers:update'>) => Promise<ProviderSettingsView>;
}

export const useProviders = create<ProvidersState>()((set, get) => ({
  items: [],
  status: 'idle',
  error: null,
  load: async () => {
    set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading', error: null }));
    try {
      set({ items: await call('providers:get', {}), status: 'ready' });
    } catch (err) {
      set({ status: 'error', error: errorMessage(err) });
    }
  },
  update: async (input) => {
    const saved = await call('providers:update', input);
    set({ items: get().items.map((p) => (p.provider === saved.provider ? saved : p)) });
    return saved;
  },
}));
