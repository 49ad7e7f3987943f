import { create } from 'zustand';
import type { Booking, BookingStatus } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api/client';
import { PAGE_SIZE, type LoadStatus } from './types';

export type BookingFilter = BookingStatus | 'all';

interface BookingsState {
  items: Booking[];
  nextCursor: string | null;
  status: LoadStatus;
  error: string | null;
  loadingMore: boolean;
  moreError: string | null;
  filter: BookingFilter;
  setFilter: (filter: BookingFilter) => void;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
  create: (input: ChannelInput<'bookings:create'>) => Promise<Booking>;
  reschedule: (input: ChannelInput<'bookings:reschedule'>) => Promise<Booking>;
  cancel: (id: string, reason?: string) => Promise<Booking>;
  complete: (id: string) => Promise<Booking>;
}

// Guards against an older list response landing after a newer one (filter changed mid-flight).
let seq = 0;

export const useBookings = create<BookingsState>()((set, get) => {
  const query = (cursor?: string): ChannelInput<'bookings:list'> => {
    const { filter } = get();
    return { limit: PAGE_SIZE, ...(filter === 'all' ? {} : { status: filter }), ...(cursor ? { cursor } : {}) };
  };
  const replace = (b: Booking) => {
    const { filter, items } = get();
    const keep = filter === 'all' || filter === b.status;
    set({ items: keep ? items.map((x) => (x.id === b.id ? b : x)) : items.filter((x) => x.id !== b.id) });
    return b;
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
        const page = await call('bookings:list', query());
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
        const page = await call('bookings:list', query(nextCursor));
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
      const booking = await call('bookings:create', input);
      // The server owns the ordering: refetch the first page rather than guessing where it goes.
      await get().load();
      return booking;
    },
    reschedule: async (input) => replace(await call('bookings:reschedule', input)),
    cancel: async (id, reason) => replace(await call('bookings:cancel', reason ? { id, reason } : { id })),
    complete: async (id) => replace(await call('bookings:complete', { id })),
  };
});
