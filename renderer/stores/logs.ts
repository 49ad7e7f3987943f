import { create } from 'zustand';
import type { LogEntry, LogType } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api/client';
import { PAGE_SIZE, type LoadStatus } from './types';

export type LogFilter = LogType | 'all';

interface LogsState {
  items: LogEntry[];
  nextCursor: string | null;
  status: LoadStatus;
  error: string | null;
  loadingMore: boolean;
  moreError: string | null;
  filter: LogFilter;
  setFilter: (filter: LogFilter) => void;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
  /** Live entry from the `log:appended` push. */
  prepend: (entry: LogEntry) => void;
}

let seq = 0;

export const useLogs = create<LogsState>()((set, get) => {
  const query = (cursor?: string): ChannelInput<'logs:list'> => {
    const { filter } = get();
    return { limit: PAGE_SIZE, ...(filter === 'all' ? {} : { logType: filter }), ...(cursor ? { cursor } : {}) };
  };
  return {
    items: [],
    nextCursor: null,
    status: 'idle',
    error: null,
    loadingMore: false,
    moreError: null,
    filter: 'all',
    setFilter: (filter) => {
      if (filter === get().filter) return;
      set({ filter, items: [], nextCursor: null, status: 'loading' });
      void get().load();
    },
    load: async () => {
      const mine = ++seq;
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading', error: null, moreError: null }));
      try {
        const page = await call('logs:list', query());
        if (mine !== seq) return;
        // Keep pushes that arrived while this page was in flight.
        const ids = new Set(page.items.map((l) => l.id));
        const newer = get().items.filter((l) => !ids.has(l.id) && (page.items[0] === undefined || l.id > page.items[0].id));
        set({ items: [...newer, ...page.items], nextCursor: page.nextCursor, status: 'ready' });
      } catch (err) {
        if (mine !== seq) return;
        set({ status: 'error', error: errorMessage(err) });
      }
    },
    loadMore: async () => {
      const { nextCursor, loadingMore } = get();
      if (!nextCursor || loadingMore) return;
      const mine = seq;
      set({ loadingMore: true, moreError: null });
      try {
        const page = await call('logs:list', query(nextCursor));
        if (mine !== seq) return;
        const seen = new Set(get().items.map((l) => l.id));
        set({ items: [...get().items, ...page.items.filter((l) => !seen.has(l.id))], nextCursor: page.nextCursor });
      } catch (err) {
        if (mine === seq) set({ moreError: errorMessage(err) });
      } finally {
        if (mine === seq) set({ loadingMore: false });
      }
    },
    prepend: (entry) => {
      const { filter, items } = get();
      if (filter !== 'all' && entry.logType !== filter) return;
      if (items.some((l) => l.id === entry.id)) return;
      set({ items: [entry, ...items] });
    },
  };
});
