// The webhook outbox tables: webhook_deliveries (one row per event and webhook, `id` = the stable webhook-id) and
// webhook_attempts (every attempt). Enqueueing goes through main/webhooks/outbox.ts, inside the caller's transaction.
import { type Kysely, sql } from 'kysely';
import type { Database, WebhookAttemptRow, WebhookDeliveryRow } from '../schema';
import { decodeCursor, keysetPage } from './cursor';

export const MAX_EXCERPT_CHARS = 4096;
export type NewWebhookDeliveryRow = WebhookDeliveryRow;

export interface FinishPatch {
  id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

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

  /**
   * The delivery worker's claim, step 1: due rows (pending and due, or 'delivering' whose lease ran out because the
   * worker that held it died) of active webhooks, oldest due first, leaving out the webhooks in `skipWebhooks`
   * (whose queue is full). Ids only; two index range scans on (status, next_attempt_at), no sort of the backlog.
   */
  async dueForClaim(now: number, limit: number, skipWebhooks: readonly string[]): Promise<{ id: string; webhook_id: string }[]> {
    if (limit <= 0) return [];
    const base = (status: 'pending' | 'delivering') => {
      let q = this.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_integrations as w', 'w.id', 'd.webhook_id')
        .select(['d.id', 'd.webhook_id'])
        .where('w.is_active', '=', 1)
        .where('d.status', '=', status);
      if (skipWebhooks.length > 0) q = q.where('d.webhook_id', 'not in', skipWebhooks);
      return q;
    };
    const expired = await base('delivering').where('d.lease_until', '<=', now).limit(limit).execute();
    if (expired.length >= limit) return expired;
    const pending = await base('pending')
      .where('d.next_attempt_at', '<=', now)
      .orderBy('d.next_attempt_at')
      .limit(limit - expired.length)
      .execute();
    return [...expired, ...pending];
  }

  /**
   * Step 2: leases the given rows if they are still due (one statement) and returns the rows actually claimed.
   * The due test is a CASE on purpose: written as (status = … AND …) OR (status = … AND …) SQLite plans it as a
   * multi-index OR over the whole backlog (~2 ms at 20,000 rows) instead of looking up the ids (~0.1 ms).
   */
  async claimMany(ids: readonly string[], now: number, leaseUntil: number): Promise<WebhookDeliveryRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivering', lease_until: leaseUntil })
      .where('id', 'in', ids)
      .where(sql<boolean>`CASE status WHEN 'pending' THEN next_attempt_at <= ${now} WHEN 'delivering' THEN lease_until <= ${now} ELSE 0 END`)
      .returningAll()
      .execute();
  }

  /** Claimed rows this worker will not attempt after all (it is stopping): back to pending, due as before. */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', lease_until: null })
      .where('id', 'in', ids)
      .where('status', '=', 'delivering')
      .execute();
  }

  /** The earliest next_attempt_at of a pending row of an active webhook (the worker's next wake-up), or null. */
  async nextDueAt(): Promise<number | null> {
    const r = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_integrations as w', 'w.id', 'd.webhook_id')
      .select((eb) => eb.fn.min<number>('d.next_attempt_at').as('at'))
      .where('d.status', '=', 'pending')
      .where('w.is_active', '=', 1)
      .executeTakeFirst();
    return r?.at ?? null;
  }

  /** Which of these deliveries still exist (a webhook deleted meanwhile takes its deliveries with it). */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('webhook_deliveries').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Attempts logged so far per delivery (attempt numbers continue across redeliveries). */
  async attemptCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (ids.length === 0) return out;
    const rows = await this.db
      .selectFrom('webhook_attempts')
      .select(['delivery_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('delivery_id', 'in', ids)
      .groupBy('delivery_id')
      .execute();
    for (const r of rows) out.set(r.delivery_id, Number(r.n));
    return out;
  }

  /** Many attempts in one statement. */
  async recordAttempts(rows: Omit<WebhookAttemptRow, 'id'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('webhook_attempts')
      .values(rows.map((a) => ({ ...a, response_excerpt: a.response_excerpt === null ? null : a.response_excerpt.slice(0, MAX_EXCERPT_CHARS) })))
      .execute();
  }

  /** Many outcomes in one statement (UPDATE … FROM a VALUES list); the lease is dropped. */
  async finishMany(patches: readonly FinishPatch[]): Promise<void> {
    if (patches.length === 0) return;
    const values = sql.join(
      patches.map(
        (p) => sql`(${p.id}, ${p.status}, ${p.attempts}, ${p.nextAttemptAt}, ${p.lastStatus}, ${p.lastError}, ${p.deliveredAt})`,
      ),
    );
    await sql`
      WITH v(id, status, attempts, next_attempt_at, last_status, last_error, delivered_at) AS (VALUES ${values})
      UPDATE webhook_deliveries
         SET status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at, lease_until = NULL,
             last_status = v.last_status, last_error = v.last_error, delivered_at = v.delivered_at
        FROM v
       WHERE webhook_deliveries.id = v.id`.execute(this.db);
  }

  /**
   * The endpoint was disabled (410, or 5 days of failures): its waiting deliveries fail at once with `reason`
   * (kept, visible under the failed filter, redeliverable). Returns their ids.
   */
  async failOpen(webhookId: string, reason: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', lease_until: null, last_error: reason })
      .where('webhook_id', '=', webhookId)
      .where('status', 'in', ['pending', 'delivering'])
      .returning('id')
      .execute();
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
    eventType?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<{ rows: WebhookDeliveryRow[]; nextCursor: string | null }> {
    let query = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', 'in', this.db.selectFrom('webhook_integrations').select('id').where('organizer_id', '=', q.organizerId));
    if (q.webhookId) query = query.where('webhook_id', '=', q.webhookId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.eventType) query = query.where('event_type', '=', q.eventType);
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
