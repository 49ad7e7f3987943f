import { create } from 'zustand';
import type { LogEntry, LogType } from '../../shared/domain';
import { call } from '../api/client';
import { pagedList, type PagedList } from './paged-list';
import { PAGE_SIZE } from './types';

export type LogFilter = LogType | 'all';

interface LogsState extends PagedList<LogEntry, LogFilter> {
  /** Live entry from the `log:appended` push. */
  prepend: (entry: LogEntry) => void;
}

export const useLogs = create<LogsState>()((set, get) => ({
  ...pagedList<LogEntry, LogFilter>(set, get, {
    filter: 'all',
    fetchPage: (filter, cursor) =>
      call('logs:list', { limit: PAGE_SIZE, ...(filter === 'all' ? {} : { logType: filter }), ...(cursor ? { cursor } : {}) }),
    // Keep pushes that arrived while this page was in flight.
    firstPage: (page, current) => {
      const ids = new Set(page.map((l) => l.id));
      const newer = current.filter((l) => !ids.has(l.id) && (page[0] === undefined || l.id > page[0].id));
      return [...newer, ...page];
    },
  }),
  prepend: (entry) => {
    const { filter, items } = get();
    if (filter !== 'all' && entry.logType !== filter) return;
    if (items.some((l) => l.id === entry.id)) return;
    set({ items: [entry, ...items] });
  },
}));
