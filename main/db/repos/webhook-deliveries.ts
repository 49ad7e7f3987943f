// The webhook outbox tables: webhook_deliveries (one row per event and webhook, `id` = the stable webhook-id) and
// webhook_attempts (every attempt). Enqueueing goes through main/webhooks/outbox.ts, inside the caller's transaction.
import type { Kysely } from 'kysely';
import type { Database, WebhookAttemptRow, WebhookDeliveryRow } from '../schema';
import { decodeCursor, keysetPage } from './cursor';

export const MAX_EXCERPT_CHARS = 4096;
export type NewWebhookDeliveryRow = WebhookDeliveryRow;

export class WebhookDeliveriesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** The organizer's active webhooks with their subscribed events (JSON). */
  activeWebhooks(organizerId: string): Promise<{ id: string; events: string }[]> {
    return this.db
      .selectFrom('webhook_integrations')
      .select(['id', 'events'])
      .where('organizer_id', '=', organizerId)
      .where('is_active', '=', 1)
      .execute();
  }

  async insert(rows: NewWebhookDeliveryRow[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('webhook_deliveries').values(rows).execute();
  }

  /** Due rows: pending and due, or 'delivering' whose lease ran out (the worker that held it died). */
  async due(now: number, limit: number): Promise<WebhookDeliveryRow[]> {
    return this.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_integrations as w', 'w.id', 'webhook_deliveries.webhook_id')
      .selectAll('webhook_deliveries')
      .where('w.is_active', '=', 1)
      .where((eb) =>
        eb.or([
          eb.and([eb('webhook_deliveries.status', '=', 'pending'), eb('webhook_deliveries.next_attempt_at', '<=', now)]),
          eb.and([eb('webhook_deliveries.status', '=', 'delivering'), eb('webhook_deliveries.lease_until', '<=', now)]),
        ]),
      )
      .orderBy('webhook_deliveries.next_attempt_at')
      .orderBy('webhook_deliveries.id')
      .limit(limit)
      .execute();
  }

  /** Takes the lease on one due row; false when someone else took it first. */
  async claim(row: WebhookDeliveryRow, now: number, leaseUntil: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivering', lease_until: leaseUntil })
      .where('id', '=', row.id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'delivering'), eb('lease_until', '<=', now)]),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  get(id: string): Promise<WebhookDeliveryRow | undefined> {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async finish(
    id: string,
    patch: { status: 'pending' | 'delivered' | 'failed'; attempts: number; nextAttemptAt: number; lastStatus: number | null; lastError: string | null; deliveredAt: number | null },
  ): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: patch.status,
        attempts: patch.attempts,
        next_attempt_at: patch.nextAttemptAt,
        lease_until: null,
        last_status: patch.lastStatus,
        last_error: patch.lastError,
        delivered_at: patch.deliveredAt,
      })
      .where('id', '=', id)
      .execute();
  }

  async recordAttempt(a: Omit<WebhookAttemptRow, 'id'>): Promise<void> {
    await this.db
      .insertInto('webhook_attempts')
      .values({ ...a, response_excerpt: a.response_excerpt === null ? null : a.response_excerpt.slice(0, MAX_EXCERPT_CHARS) })
      .execute();
  }

  async attemptCount(deliveryId: string): Promise<number> {
    const r = await this.db
      .selectFrom('webhook_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** 410: the endpoint's waiting deliveries fail at once (kept, visible, redeliverable). Returns their ids. */
  async failOpen(webhookId: string, reason: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', webhookId)
      .where('status', 'in', ['pending', 'delivering'])
      .execute();
    if (rows.length > 0) {
      await this.db
        .updateTable('webhook_deliveries')
        .set({ status: 'failed', lease_until: null, last_error: reason })
        .where('webhook_id', '=', webhookId)
        .where('status', 'in', ['pending', 'delivering'])
        .execute();
    }
    return rows.map((r) => r.id);
  }

  /** Failed or delivered rows of the organizer back to pending, same webhook-id, a fresh round of retries. */
  async redeliver(organizerId: string, ids: string[], now: number): Promise<number> {
    const owned = this.db
      .selectFrom('webhook_integrations')
      .select('id')
      .where('organizer_id', '=', organizerId);
    const r = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, delivered_at: null })
      .where('id', 'in', ids)
      .where('status', 'in', ['failed', 'delivered'])
      .where('webhook_id', 'in', owned)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** Newest first, keyset on (created_at, id). */
  async list(q: {
    organizerId: string;
    webhookId?: string | undefined;
    status?: WebhookDeliveryRow['status'] | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<{ rows: WebhookDeliveryRow[]; nextCursor: string | null }> {
    let query = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', 'in', this.db.selectFrom('webhook_integrations').select('id').where('organizer_id', '=', q.organizerId));
    if (q.webhookId) query = query.where('webhook_id', '=', q.webhookId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.cursor) {
      const [at, id] = decodeCursor<string>(q.cursor, 'string');
      query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
    return keysetPage(rows, q.limit, (r) => [r.created_at, r.id]);
  }

  /** The newest `perDelivery` attempts of each delivery, newest first. */
  async attemptsFor(deliveryIds: string[], perDelivery: number): Promise<Map<string, WebhookAttemptRow[]>> {
    const out = new Map<string, WebhookAttemptRow[]>();
    if (deliveryIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('delivery_id')
      .orderBy('id', 'desc')
      .execute();
    for (const r of rows) {
      const list = out.get(r.delivery_id) ?? [];
      if (list.length < perDelivery) list.push(r);
      out.set(r.delivery_id, list);
    }
    return out;
  }
}
