import { create } from 'zustand';
import type { LogEntry, Overview } from '../../shared/domain';
import { call, errorMessage } from '../api/client';
import type { LoadStatus } from './types';

export const RECENT_LIMIT = 10;

interface OverviewState {
  overview: Overview | null;
  status: LoadStatus;
  error: string | null;
  recent: LogEntry[];
  recentStatus: LoadStatus;
  recentError: string | null;
  load: () => Promise<void>;
  loadRecent: () => Promise<void>;
  /** Live entry from the `log:appended` push. */
  prependRecent: (entry: LogEntry) => void;
}

export const useOverview = create<OverviewState>()((set, get) => ({
  overview: null,
  status: 'idle',
  error: null,
  recent: [],
  recentStatus: 'idle',
  recentError: null,
  load: async () => {
    // Keep showing the last counts while refreshing; only a first load shows the skeleton.
    set((s) => ({ status: s.overview ? s.status : 'loading', error: null }));
    try {
      const overview = await call('overview:get', {});
      set({ overview, status: 'ready', error: null });
    } catch (err) {
      set({ status: 'error', error: errorMessage(err) });
    }
  },
  loadRecent: async () => {
    set((s) => ({ recentStatus: s.recentStatus === 'ready' ? 'ready' : 'loading', recentError: null }));
    try {
      const page = await call('logs:list', { limit: RECENT_LIMIT });
      const ids = new Set(page.items.map((l) => l.id));
      const newest = page.items[0]?.id ?? -Infinity;
      const newer = get().recent.filter((l) => !ids.has(l.id) && l.id > newest);
      set({ recent: [...newer, ...page.items].slice(0, RECENT_LIMIT), recentStatus: 'ready' });
    } catch (err) {
      set({ recentStatus: 'error', recentError: errorMessage(err) });
    }
  },
  prependRecent: (entry) => {
    const { recent } = get();
    if (recent.some((l) => l.id === entry.id)) return;
    set({ recent: [entry, ...recent].slice(0, RECENT_LIMIT) });
  },
}));
