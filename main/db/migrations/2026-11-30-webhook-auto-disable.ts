// Webhooks (issue 5 item 4): Svix's rule — an endpoint whose every attempt has failed for 5 days is disabled —
// needs to know since when an endpoint has been failing, and to say why Junction turned it off. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The start of the current run of failed attempts (epoch ms); NULL after any successful attempt.
  await db.schema.alterTable('webhook_integrations').addColumn('failing_since', 'integer').execute();
  // Set only when Junction turned the webhook off (410 Gone, or 5 days of failures); NULL when a person did.
  await db.schema.alterTable('webhook_integrations').addColumn('disabled_reason', 'text').execute();
  await db.schema.alterTable('webhook_integrations').addColumn('disabled_at', 'integer').execute();
  // Switching a webhook back on (by any path) starts afresh: no reason any more, a new 5-day window.
  await sql`
    CREATE TRIGGER webhook_integrations_reenabled
    AFTER UPDATE OF is_active ON webhook_integrations
    WHEN NEW.is_active = 1 AND OLD.is_active = 0
    BEGIN
      UPDATE webhook_integrations
         SET failing_since = NULL, disabled_reason = NULL, disabled_at = NULL
       WHERE id = NEW.id;
    END`.execute(db);
}
