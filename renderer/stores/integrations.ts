// Calendar, video and webhook integrations as listed; disconnecting; live reloads on `integration:changed`.
import { create } from 'zustand';
import type { CalendarIntegrationView, DisconnectResult, VideoIntegrationView, WebhookView } from '../../shared/domain';
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
  disconnectCalendar: (id: string) => Promise<DisconnectResult>;
  disconnectVideo: (id: string) => Promise<DisconnectResult>;
}

type Key = 'calendars' | 'video' | 'webhooks';
// Per list: a response older than the latest request is dropped (pushes can trigger overlapping reloads).
const seq: Record<Key, number> = { calendars: 0, video: 0, webhooks: 0 };

export const useIntegrations = create<IntegrationsState>()((set, get) => {
  async function loadInto<K extends Key>(key: K, fetch: () => Promise<IntegrationsState[K]['items']>) {
    const mine = ++seq[key];
    const prev = get()[key];
    set({ [key]: { ...prev, status: prev.status === 'ready' ? 'ready' : 'loading', error: null } } as Pick<IntegrationsState, K>);
    try {
      const items = await fetch();
      if (mine !== seq[key]) return;
      set({ [key]: { items, status: 'ready', error: null } } as Pick<IntegrationsState, K>);
    } catch (err) {
      if (mine !== seq[key]) return;
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
    disconnectCalendar: async (id) => {
      const result = await call('calendar:disconnect', { id });
      void get().loadCalendars();
      return result;
    },
    disconnectVideo: async (id) => {
      const result = await call('video:disconnect', { id });
      void get().loadVideo();
      return result;
    },
  };
});
