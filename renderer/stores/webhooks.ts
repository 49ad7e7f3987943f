// Webhooks (issue 5 item 7): the list with its delivery figures, the actions of the management pages, and the
// delivery log of one webhook (keyset-paged, filtered by status, refreshed in place by `webhook:delivery`).
import { create } from 'zustand';
import type { WebhookCreated, WebhookDeliveryStatus, WebhookDeliveryView, WebhookSecretRotated, WebhookTestResult, WebhookView } from '../../shared/domain';
import type { ChannelInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api/client';
import { pagedList, type PagedList } from './paged-list';
import { PAGE_SIZE, type LoadStatus } from './types';

export type WebhookCreateInput = ChannelInput<'webhooks:create'>;
export type WebhookUpdateInput = ChannelInput<'webhooks:update'>;

interface WebhooksState {
  items: WebhookView[];
  status: LoadStatus;
  error: string | null;
  load: () => Promise<void>;
  create: (input: WebhookCreateInput) => Promise<WebhookCreated>;
  update: (input: WebhookUpdateInput) => Promise<WebhookView>;
  remove: (id: string) => Promise<void>;
}

let listSeq = 0;

export const useWebhooks = create<WebhooksState>()((set, get) => {
  const put = (w: WebhookView) => {
    const items = get().items;
    set({ items: items.some((x) => x.id === w.id) ? items.map((x) => (x.id === w.id ? w : x)) : [...items, w] });
    return w;
  };
  return {
    items: [],
    status: 'idle',
    error: null,
    load: async () => {
      const mine = ++listSeq;
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading', error: null }));
      try {
        const items = await call('webhooks:list', {});
        if (mine === listSeq) set({ items, status: 'ready' });
      } catch (err) {
        if (mine === listSeq) set({ status: 'error', error: errorMessage(err) });
      }
    },
    create: async (input) => {
      const created = await call('webhooks:create', input);
      put(created.webhook);
      return created;
    },
    update: async (input) => put(await call('webhooks:update', input)),
    remove: async (id) => {
      await call('webhooks:delete', { id });
      set({ items: get().items.filter((x) => x.id !== id) });
    },
  };
});

export const testWebhook = (id: string): Promise<WebhookTestResult> => call('webhooks:test', { id });
export const getWebhook = (id: string): Promise<WebhookView> => call('webhooks:get', { id });
export const revealWebhookSecret = (id: string): Promise<{ secret: string }> => call('webhooks:revealSecret', { id });
export const rotateWebhookSecret = (id: string, graceHours: number): Promise<WebhookSecretRotated> =>
  call('webhooks:rotateSecret', { id, graceHours });

/** The full update input of `w` with `patch` applied (webhooks:update replaces the whole configuration). */
export function updateInputOf(w: WebhookView, patch: Partial<WebhookUpdateInput> = {}): WebhookUpdateInput {
  return {
    id: w.id,
    name: w.name,
    url: w.webhookUrl,
    events: w.events as WebhookUpdateInput['events'],
    headers: w.headers,
    retryFailed: w.retryFailed,
    maxRetries: w.maxRetries,
    allowLocalTargets: w.allowLocalTargets,
    isActive: w.isActive,
    ...patch,
  };
}

// ---------- the delivery log of one webhook ----------

export type DeliveryStatusFilter = WebhookDeliveryStatus | 'all';
/** One of the webhook events, or 'all'. */
export type DeliveryEventFilter = string;
export interface DeliveryFilter {
  webhookId: string;
  status: DeliveryStatusFilter;
  eventType: DeliveryEventFilter;
}
const REDELIVER_BATCH = 100; // webhooks:redeliver takes at most 100 ids at once
const MAX_LIMIT = 500; // the channel's largest page

interface DeliveriesState extends PagedList<WebhookDeliveryView, DeliveryFilter> {
  /** Shows the log of `webhookId` (keeping the status filter when it is the same webhook). */
  open: (webhookId: string) => void;
  setStatus: (status: DeliveryStatusFilter) => void;
  setEventType: (eventType: DeliveryEventFilter) => void;
  /** Re-reads every row held (one request up to 500 rows), so live changes show where the rows are. */
  refresh: () => Promise<void>;
  /** Queues deliveries again (same webhook-id); returns how many were queued. */
  redeliver: (ids: string[]) => Promise<number>;
  /** Every failed delivery of the webhook, whatever is loaded; returns how many were queued. */
  redeliverAllFailed: () => Promise<number>;
}

const fetchDeliveries = (f: DeliveryFilter, cursor?: string, limit: number = PAGE_SIZE) =>
  call('webhooks:deliveries', {
    webhookId: f.webhookId,
    limit,
    ...(f.status === 'all' ? {} : { status: f.status }),
    ...(f.eventType === 'all' ? {} : { eventType: f.eventType as NonNullable<ChannelInput<'webhooks:deliveries'>['eventType']> }),
    ...(cursor ? { cursor } : {}),
  });

export const useDeliveries = create<DeliveriesState>()((set, get) => {
  let refreshSeq = 0;
  return {
    ...pagedList<WebhookDeliveryView, DeliveryFilter>(set, get, {
      filter: { webhookId: '', status: 'all', eventType: 'all' },
      fetchPage: (filter, cursor) => fetchDeliveries(filter, cursor),
    }),
    open: (webhookId) => {
      const f = get().filter;
      if (f.webhookId === webhookId) {
        void get().load();
        return;
      }
      get().setFilter({ webhookId, status: 'all', eventType: 'all' });
    },
    setStatus: (status) => {
      const f = get().filter;
      if (f.status !== status) get().setFilter({ ...f, status });
    },
    setEventType: (eventType) => {
      const f = get().filter;
      if (f.eventType !== eventType) get().setFilter({ ...f, eventType });
    },
    refresh: async () => {
      const { filter, items, status } = get();
      if (!filter.webhookId || status !== 'ready') return;
      const mine = ++refreshSeq;
      try {
        const page = await fetchDeliveries(filter, undefined, Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, items.length)));
        // Dropped when the filter changed or a newer refresh started meanwhile.
        if (mine !== refreshSeq || get().filter !== filter) return;
        set({ items: page.items, nextCursor: page.nextCursor });
      } catch {
        // A failed live refresh keeps what is shown; the next push or action tries again.
      }
    },
    redeliver: async (ids) => {
      let queued = 0;
      for (let i = 0; i < ids.length; i += REDELIVER_BATCH) {
        queued += (await call('webhooks:redeliver', { ids: ids.slice(i, i + REDELIVER_BATCH) })).queued;
      }
      await get().refresh();
      return queued;
    },
    redeliverAllFailed: async () => {
      const { webhookId } = get().filter;
      let queued = 0;
      let cursor: string | undefined;
      // Keyset pages of failed rows: redelivered rows leave the filter, the cursor stays valid.
      for (let page = 0; page < 1000; page++) {
        const res = await fetchDeliveries({ webhookId, status: 'failed', eventType: 'all' }, cursor, REDELIVER_BATCH);
        if (res.items.length > 0) queued += (await call('webhooks:redeliver', { ids: res.items.map((d) => d.id) })).queued;
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      await get().refresh();
      return queued;
    },
  };
});
