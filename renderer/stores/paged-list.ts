import type { Page } from '../../shared/domain';
import { errorMessage } from '../api/client';
import type { LoadStatus } from './types';

/** State + actions shared by the keyset-paged list stores (bookings, blocks, logs). */
export interface PagedList<T, F> {
  items: T[];
  nextCursor: string | null;
  status: LoadStatus;
  error: string | null;
  loadingMore: boolean;
  moreError: string | null;
  filter: F;
  setFilter: (filter: F) => void;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
}

interface PagedListOptions<T, F> {
  filter: F;
  fetchPage: (filter: F, cursor?: string) => Promise<Page<T>>;
  /** Builds the list from a fresh first page; defaults to the page alone. */
  firstPage?: (page: T[], current: T[]) => T[];
}

/** Spread into a zustand store creator; `set`/`get` are the store's own. */
export function pagedList<T extends { id: string | number }, F>(
  set: (partial: Partial<PagedList<T, F>> | ((s: PagedList<T, F>) => Partial<PagedList<T, F>>)) => void,
  get: () => PagedList<T, F>,
  { filter, fetchPage, firstPage = (page) => page }: PagedListOptions<T, F>,
): PagedList<T, F> {
  // Guards against an older list response landing after a newer one (filter changed mid-flight).
  // Per store: each call of pagedList gets its own counter.
  let seq = 0;
  return {
    items: [],
    nextCursor: null,
    status: 'idle',
    error: null,
    loadingMore: false,
    moreError: null,
    filter,
    setFilter: (next) => {
      if (next === get().filter) return;
      set({ filter: next, items: [], nextCursor: null, status: 'loading' });
      void get().load();
    },
    load: async () => {
      const mine = ++seq;
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading', error: null, moreError: null }));
      try {
        const page = await fetchPage(get().filter);
        if (mine !== seq) return;
        set({ items: firstPage(page.items, get().items), nextCursor: page.nextCursor, status: 'ready' });
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
        const page = await fetchPage(get().filter, nextCursor);
        if (mine !== seq) return;
        // Drop rows already held, so no row is listed twice.
        const seen = new Set(get().items.map((x) => x.id));
        set({ items: [...get().items, ...page.items.filter((x) => !seen.has(x.id))], nextCursor: page.nextCursor });
      } catch (err) {
        if (mine === seq) set({ moreError: errorMessage(err) });
      } finally {
        if (mine === seq) set({ loadingMore: false });
      }
    },
  };
}
