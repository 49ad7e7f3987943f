// Delivery figures per webhook for the management pages (issue 5 item 7): counts by status over a window and
// the newest attempt, for all of an organizer's webhooks in ONE statement:
//
//   webhook_integrations w
//     LEFT JOIN webhook_attempts a    ON a.id = (newest attempt of w: MAX(id), one seek on (webhook_id, id))
//     LEFT JOIN webhook_deliveries ld ON ld.id = a.delivery_id        (that attempt's delivery, for its status)
//     LEFT JOIN webhook_deliveries d  ON d.webhook_id = w.id AND d.created_at >= since
//   GROUP BY w.id                      (delivered / failed / pending counted over d)
//
// Per webhook that reads one index range of webhook_deliveries_by_webhook (webhook_id, created_at): the window
// only, never the whole history.
import { type Kysely, sql } from 'kysely';
import type { Database, WebhookDeliveryRow } from '../schema';

export interface WebhookStatsRow {
  webhookId: string;
  delivered: number;
  failed: number;
  pending: number;
  last: {
    at: number;
    deliveryId: string;
    eventType: string;
    status: WebhookDeliveryRow['status'];
    statusCode: number | null;
    error: string | null;
  } | null;
}

export class WebhookStatsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** One row per webhook of the organizer (or just `webhookId`), zeros and `last: null` when it has no deliveries. */
  async forOrganizer(organizerId: string, since: number, webhookId?: string): Promise<Map<string, WebhookStatsRow>> {
    const rows = await this.db
      .selectFrom('webhook_integrations as w')
      // The newest attempt first (one row per webhook), so its subquery runs once per webhook, not per delivery.
      .leftJoin('webhook_attempts as a', (join) =>
        join.on((eb) =>
          eb(
            'a.id',
            '=',
            eb.selectFrom('webhook_attempts as x').select((e) => e.fn.max('x.id').as('m')).whereRef('x.webhook_id', '=', 'w.id'),
          ),
        ),
      )
      .leftJoin('webhook_deliveries as ld', 'ld.id', 'a.delivery_id')
      // Then the window's deliveries: a range of webhook_deliveries_by_webhook (webhook_id, created_at) per webhook.
      .leftJoin('webhook_deliveries as d', (join) => join.onRef('d.webhook_id', '=', 'w.id').on('d.created_at', '>=', since))
      .select([
        'w.id as webhookId',
        sql<number>`COALESCE(SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END), 0)`.as('delivered'),
        sql<number>`COALESCE(SUM(CASE WHEN d.status = 'failed' THEN 1 ELSE 0 END), 0)`.as('failed'),
        sql<number>`COALESCE(SUM(CASE WHEN d.status IN ('pending', 'delivering') THEN 1 ELSE 0 END), 0)`.as('pending'),
        // One value per webhook (a and ld are at most one row each), so they may stand beside the aggregates.
        'a.started_at as lastAt',
        'a.delivery_id as lastDeliveryId',
        'a.status_code as lastStatusCode',
        'a.error as lastError',
        'ld.status as lastStatus',
        'ld.event_type as lastEventType',
      ])
      .where('w.organizer_id', '=', organizerId)
      .$if(webhookId !== undefined, (q) => q.where('w.id', '=', webhookId!))
      .groupBy('w.id')
      .execute();

    const out = new Map<string, WebhookStatsRow>();
    for (const r of rows) {
      out.set(r.webhookId, {
        webhookId: r.webhookId,
        delivered: Number(r.delivered ?? 0),
        failed: Number(r.failed ?? 0),
        pending: Number(r.pending ?? 0),
        last:
          r.lastAt !== null && r.lastDeliveryId !== null && r.lastStatus !== null
            ? {
                at: r.lastAt,
                deliveryId: r.lastDeliveryId,
                eventType: r.lastEventType ?? '',
                status: r.lastStatus,
                statusCode: r.lastStatusCode,
                error: r.lastError,
              }
            : null,
      });
    }
    return out;
  }
}
