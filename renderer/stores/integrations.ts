// Read-only lists for now: connecting, editing and syncing integrations arrive in later releases.
import { create } from 'zustand';
import type { CalendarIntegrationView, VideoIntegrationView, WebhookView } from '../../shared/domain';
import { call, errorMessage } from '../api/client';
import type { LoadStatus } from './types';

interface ListSlice<T> {
  items: T[];
  status: LoadStatus;
  error: string | null;
}
const emptySlice = <T>(): ListSlice<T> => ({ items: [], status: 'idle', error: null });

interface IntegrationsState {
  calendars: ListSlice<CalendarIntegrationView>;
  video: ListSlice<VideoIntegrationView>;
  webhooks: ListSlice<WebhookView>;
  loadCalendars: () => Promise<void>;
  loadVideo: () => Promise<void>;
  loadWebhooks: () => Promise<void>;
}

export const useIntegrations = create<IntegrationsState>()((set, get) => {
  async function loadInto<K extends 'calendars' | 'video' | 'webhooks'>(key: K, fetch: () => Promise<IntegrationsState[K]['items']>) {
    const prev = get()[key];
    set({ [key]: { ...prev, status: prev.status === 'ready' ? 'ready' : 'loading', error: null } } as Pick<IntegrationsState, K>);
    try {
      const items = await fetch();
      set({ [key]: { items, status: 'ready', error: null } } as Pick<IntegrationsState, K>);
    } catch (err) {
      set({ [key]: { ...get()[key], status: 'error', error: errorMessage(err) } } as Pick<IntegrationsState, K>);
    }
  }
  return {
    calendars: emptySlice(),
    video: emptySlice(),
    webhooks: emptySlice(),
    loadCalendars: () => loadInto('calendars', () => call('calendar:list', {})),
    loadVideo: () => loadInto('video', () => call('video:list', {})),
    loadWebhooks: () => loadInto('webhooks', () => call('webhooks:list', {})),
  };
});
