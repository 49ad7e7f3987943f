// Webhook management (issue 5 item 1): the local-targets opt-in and secret rotation. Frozen once shipped.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Per-webhook opt-in to http:// and loopback/private targets (SSRF guard, DESIGN.md §5).
  await db.schema
    .alterTable('webhook_integrations')
    .addColumn('allow_local_targets', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The secret before the last rotation (vault ciphertext), signing alongside the new one until it expires.
  await db.schema.alterTable('webhook_integrations').addColumn('previous_secret_key', 'text').execute();
  await db.schema.alterTable('webhook_integrations').addColumn('previous_secret_expires_at', 'integer').execute();
}
