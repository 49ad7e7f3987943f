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

  async delete(organizerId: string, id: string): Promise<number> {
    const r = await this.db
      .deleteFrom('webhook_integrations')
      .where('organizer_id', '=', organizerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
