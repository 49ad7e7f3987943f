import { create } from 'zustand';
import type { BlockedTime, BlockSource } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call } from '../api/client';
import { pagedList, type PagedList } from './paged-list';
import { PAGE_SIZE } from './types';

export type BlockFilter = BlockSource | 'all';

interface BlocksState extends PagedList<BlockedTime, BlockFilter> {
  create: (input: ChannelInput<'blocks:create'>) => Promise<BlockedTime>;
  remove: (id: string) => Promise<void>;
}

export const useBlocks = create<BlocksState>()((set, get) => ({
  ...pagedList<BlockedTime, BlockFilter>(set, get, {
    filter: 'all',
    fetchPage: (filter, cursor) =>
      call('blocks:list', { limit: PAGE_SIZE, ...(filter === 'all' ? {} : { source: filter }), ...(cursor ? { cursor } : {}) }),
  }),
  create: async (input) => {
    const block = await call('blocks:create', input);
    await get().load();
    return block;
  },
  remove: async (id) => {
    await call('blocks:delete', { id });
    set({ items: get().items.filter((b) => b.id !== id) });
  },
}));
