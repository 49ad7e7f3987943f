// The durable webhook outbox (issue 5 item 4): delivery rows written in the SAME transaction as the change that
// caused the event (pass the transaction), then claimed by the delivery worker (delivery.ts) with a lease.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { WebhookEvent } from '../../shared/ipc/schemas';
import type { Database } from '../db/schema';
import { WebhookDeliveriesRepo } from '../db/repos/webhook-deliveries';

export { MAX_EXCERPT_CHARS, WebhookDeliveriesRepo } from '../db/repos/webhook-deliveries';

export const PAYLOAD_VERSION = 1;

/** The versioned payload every webhook receives (docs/webhooks.md). */
export interface WebhookPayload<T = unknown> {
  type: string;
  version: typeof PAYLOAD_VERSION;
  /** ISO 8601, when the event happened. */
  timestamp: string;
  data: T;
}

export function payloadBody(type: string, data: unknown, at: number): string {
  const payload: WebhookPayload = { type, version: PAYLOAD_VERSION, timestamp: new Date(at).toISOString(), data };
  return JSON.stringify(payload);
}

export const newMessageId = (): string => `msg_${randomUUID()}`;

function subscribed(events: string, type: string): boolean {
  try {
    const list: unknown = JSON.parse(events);
    return Array.isArray(list) && list.includes(type);
  } catch {
    return false;
  }
}

export class Outbox {
  readonly #repo: WebhookDeliveriesRepo;
  constructor(db: Kysely<Database>) {
    this.#repo = new WebhookDeliveriesRepo(db);
  }

  /**
   * One pending delivery per active webhook of the organizer subscribed to `type`. Pass the transaction that
   * writes the change, so the event exists exactly when the change does. Returns the ids written.
   */
  async enqueue(organizerId: string, type: WebhookEvent, data: unknown, now: number): Promise<string[]> {
    const hooks = await this.#repo.activeWebhooks(organizerId);
    const targets = hooks.filter((h) => subscribed(h.events, type));
    if (targets.length === 0) return [];
    const body = payloadBody(type, data, now);
    const rows = targets.map((h) => ({
      id: newMessageId(),
      webhook_id: h.id,
      event_type: type,
      body,
      status: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      last_status: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    }));
    await this.#repo.insert(rows);
    return rows.map((r) => r.id);
  }

}
