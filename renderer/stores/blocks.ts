import { create } from 'zustand';
import type { BlockedTime, BlockSource } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api/client';
import { PAGE_SIZE, type LoadStatus } from './types';

export type BlockFilter = BlockSource | 'all';

interface BlocksState {
  items: BlockedTime[];
  nextCursor: string | null;
  status: LoadStatus;
  error: string | null;
  loadingMore: boolean;
  moreError: string | null;
  filter: BlockFilter;
  setFilter: (filter: BlockFilter) => void;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
  create: (input: ChannelInput<'blocks:create'>) => Promise<BlockedTime>;
  remove: (id: string) => Promise<void>;
}

let seq = 0;

export const useBlocks = create<BlocksState>()((set, get) => {
  const query = (cursor?: string): ChannelInput<'blocks:list'> => {
    const { filter } = get();
    return { limit: PAGE_SIZE, ...(filter === 'all' ? {} : { source: filter }), ...(cursor ? { cursor } : {}) };
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
        const page = await call('blocks:list', query());
        if (mine !== seq) return;
        set({ items: page.items, nextCursor: page.nextCursor, status: 'ready' });
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
        const page = await call('blocks:list', query(nextCursor));
        if (mine !== seq) return;
        const seen = new Set(get().items.map((b) => b.id));
        set({ items: [...get().items, ...page.items.filter((b) => !seen.has(b.id))], nextCursor: page.nextCursor });
      } catch (err) {
        if (mine === seq) set({ moreError: errorMessage(err) });
      } finally {
        if (mine === seq) set({ loadingMore: false });
      }
    },
    create: async (input) => {
      const block = await call('blocks:create', input);
      await get().load();
      return block;
    },
    remove: async (id) => {
      await call('blocks:delete', { id });
      set({ items: get().items.filter((b) => b.id !== id) });
    },
  };
});
