import { create } from 'zustand';
import type { Booking, BookingStatus } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call } from '../api/client';
import { pagedList, type PagedList } from './paged-list';
import { PAGE_SIZE } from './types';

export type BookingFilter = BookingStatus | 'all';

interface BookingsState extends PagedList<Booking, BookingFilter> {
  create: (input: ChannelInput<'bookings:create'>) => Promise<Booking>;
  reschedule: (input: ChannelInput<'bookings:reschedule'>) => Promise<Booking>;
  cancel: (id: string, reason?: string) => Promise<Booking>;
  complete: (id: string) => Promise<Booking>;
}

export const useBookings = create<BookingsState>()((set, get) => {
  const replace = (b: Booking) => {
    const { filter, items } = get();
    const keep = filter === 'all' || filter === b.status;
    set({ items: keep ? items.map((x) => (x.id === b.id ? b : x)) : items.filter((x) => x.id !== b.id) });
    return b;
  };
  return {
    ...pagedList<Booking, BookingFilter>(set, get, {
      filter: 'all',
      fetchPage: (filter, cursor) =>
        call('bookings:list', { limit: PAGE_SIZE, ...(filter === 'all' ? {} : { status: filter }), ...(cursor ? { cursor } : {}) }),
    }),
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
