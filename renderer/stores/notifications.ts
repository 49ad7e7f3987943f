// The in-app inbox: the unread ones (for the count and the banner) and the full list (for the panel),
// kept live by the `notification:added` push.
import { create } from 'zustand';
import type { AppNotification } from '../../shared/domain';
import { call, errorMessage } from '../api/client';
import type { LoadStatus } from './types';

/** Unread notifications fetched for the count; more than this shows as "99+". */
const UNREAD_LIMIT = 99;
const PANEL_PAGE = 30;

interface NotificationsState {
  unread: AppNotification[];
  /** True when there are more unread than `unread` holds. */
  unreadMore: boolean;
  items: AppNotification[];
  nextCursor: string | null;
  status: LoadStatus;
  error: string | null;
  loadingMore: boolean;
  loadUnread: () => Promise<void>;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
  added: (n: AppNotification) => void;
  markRead: (ids: string[]) => Promise<void>;
  markAllRead: () => Promise<void>;
}

const byNewest = (a: AppNotification, b: AppNotification) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

export const useNotifications = create<NotificationsState>()((set, get) => {
  const applyRead = (ids: Set<string> | 'all', at: number) => {
    const hit = (n: AppNotification) => ids === 'all' || ids.has(n.id);
    set({
      unread: ids === 'all' ? [] : get().unread.filter((n) => !ids.has(n.id)),
      unreadMore: ids === 'all' ? false : get().unreadMore,
      items: get().items.map((n) => (hit(n) && n.readAt === null ? { ...n, readAt: at } : n)),
    });
  };
  return {
    unread: [],
    unreadMore: false,
    items: [],
    nextCursor: null,
    status: 'idle',
    error: null,
    loadingMore: false,
    loadUnread: async () => {
      try {
        const page = await call('notifications:list', { unreadOnly: true, limit: UNREAD_LIMIT });
        // Keep any pushed while the request was in flight.
        const seen = new Set(page.items.map((n) => n.id));
        const extra = get().unread.filter((n) => !seen.has(n.id) && n.readAt === null);
        set({ unread: [...extra, ...page.items].sort(byNewest), unreadMore: page.nextCursor !== null });
      } catch {
        // The bell then shows no count; the panel reports errors when opened.
      }
    },
    load: async () => {
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading', error: null }));
      try {
        const page = await call('notifications:list', { limit: PANEL_PAGE });
        set({ items: page.items, nextCursor: page.nextCursor, status: 'ready' });
      } catch (err) {
        set({ status: 'error', error: errorMessage(err) });
      }
    },
    loadMore: async () => {
      const { nextCursor, loadingMore } = get();
      if (!nextCursor || loadingMore) return;
      set({ loadingMore: true });
      try {
        const page = await call('notifications:list', { limit: PANEL_PAGE, cursor: nextCursor });
        const seen = new Set(get().items.map((n) => n.id));
        set({ items: [...get().items, ...page.items.filter((n) => !seen.has(n.id))], nextCursor: page.nextCursor });
      } catch (err) {
        set({ error: errorMessage(err) });
      } finally {
        set({ loadingMore: false });
      }
    },
    added: (n) => {
      const { unread, items, status } = get();
      if (n.readAt === null && !unread.some((u) => u.id === n.id)) set({ unread: [n, ...unread].sort(byNewest) });
      if (status === 'ready' && !items.some((i) => i.id === n.id)) set({ items: [n, ...items] });
    },
    markRead: async (ids) => {
      if (ids.length === 0) return;
      await call('notifications:markRead', { ids });
      applyRead(new Set(ids), Date.now());
    },
    markAllRead: async () => {
      await call('notifications:markRead', { all: true });
      applyRead('all', Date.now());
    },
  };
});
