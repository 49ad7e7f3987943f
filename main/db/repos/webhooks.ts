import type { Kysely } from 'kysely';
import type { Database, NewWebhookIntegrationRow, WebhookIntegrationRow, WebhookIntegrationUpdate } from '../schema';

/** The webhook_integrations table: the organizer's webhook endpoints. */
export class WebhooksRepo {
  constructor(private readonly db: Kysely<Database>) {}

  list(organizerId: string): Promise<WebhookIntegrationRow[]> {
    return this.db
      .selectFrom('webhook_integrations')
      .selectAll()
      .where('organizer_id', '=', organizerId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  get(organizerId: string, id: string): Promise<WebhookIntegrationRow | undefined> {
    return this.db
      .selectFrom('webhook_integrations')
      .selectAll()
      .where('organizer_id', '=', organizerId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insert(row: NewWebhookIntegrationRow): Promise<WebhookIntegrationRow> {
    await this.db.insertInto('webhook_integrations').values(row).execute();
    return (await this.get(row.organizer_id, row.id))!;
  }

  async update(organizerId: string, id: string, patch: WebhookIntegrationUpdate): Promise<number> {
    const r = await this.db
      .updateTable('webhook_integrations')
      .set(patch)
      .where('organizer_id', '=', organizerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /** The delivery worker's view of these webhooks (any organizer), by id. */
  async byIds(ids: readonly string[]): Promise<Map<string, WebhookIntegrationRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('webhook_integrations').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Start (a time) or end (null) of the endpoint's current run of failed attempts (the 5-day rule). */
  async setFailingSince(id: string, failingSince: number | null): Promise<void> {
    await this.db.updateTable('webhook_integrations').set({ failing_since: failingSince }).where('id', '=', id).execute();
  }

  /** Junction turns the webhook off, saying why; false when it was already off. */
  async autoDisable(id: string, reason: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('webhook_integrations')
      .set({ is_active: 0, disabled_reason: reason, disabled_at: at, failing_since: null, updated_at: at })
      .where('id', '=', id)
      .where('is_active', '=', 1)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async delete(organizerId: string, id: string): Promise<number> {
    const r = await this.db
      .deleteFrom('webhook_integrations')
      .where('organizer_id', '=', organizerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
