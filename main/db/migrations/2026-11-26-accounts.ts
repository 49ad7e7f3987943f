// Connecting accounts: OAuth state, provider credentials, connection status and scopes, CalDAV sign-in,
// the API-call record of the shared HTTP layer, and notifications. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A fifth log type, `account` (ADR 0002). SQLite cannot alter a CHECK, so the table is rebuilt in place.
  await sql`CREATE TABLE integration_logs_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organizer_id TEXT NOT NULL REFERENCES organizers(id) ON DELETE CASCADE,
    log_type TEXT NOT NULL CHECK (log_type IN ('calendar_sync','video_link_created','webhook_sent','error','account')),
    booking_id TEXT,
    integration_type TEXT CHECK (integration_type IN ('calendar','video','webhook')),
    integration_id TEXT,
    message TEXT NOT NULL,
    details TEXT,
    success INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  )`.execute(db);
  await sql`INSERT INTO integration_logs_new SELECT id, organizer_id, log_type, booking_id, integration_type,
    integration_id, message, details, success, created_at FROM integration_logs`.execute(db);
  await sql`DROP TABLE integration_logs`.execute(db);
  await sql`ALTER TABLE integration_logs_new RENAME TO integration_logs`.execute(db);
  for (const [name, cols] of [
    ['logs_time', ['created_at', 'id']],
    ['logs_type_time', ['log_type', 'created_at', 'id']],
    ['logs_integration_type_time', ['integration_type', 'created_at', 'id']],
    ['logs_success_time', ['success', 'created_at', 'id']],
    ['logs_booking_time', ['booking_id', 'created_at', 'id']],
  ] as const) {
    await db.schema.createIndex(name).on('integration_logs').columns([...cols]).execute();
  }

  // Pending OAuth flows. The state itself is never stored, only its SHA-256; the PKCE verifier is sealed.
  await db.schema
    .createTable('oauth_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('integration_type', 'text', (c) => c.notNull().check(sql`integration_type IN ('calendar','video')`))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('reconnect_integration_id', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'integer')
    .execute();
  await db.schema.createIndex('oauth_states_expiry').on('oauth_states').column('expires_at').execute();

  // OAuth client registration per identity provider (GOOGLE, MICROSOFT, ZOOM, WEBEX); secret sealed.
  await db.schema
    .createTable('provider_credentials')
    .addColumn('provider', 'text', (c) => c.primaryKey().check(sql`provider IN ('google','microsoft','zoom','webex')`))
    .addColumn('client_id', 'text')
    .addColumn('client_secret', 'text')
    .addColumn('auth_url', 'text')
    .addColumn('token_url', 'text')
    .addColumn('api_root', 'text')
    .addColumn('userinfo_url', 'text')
    .addColumn('revoke_url', 'text')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  for (const table of ['calendar_integrations', 'video_integrations'] as const) {
    await db.schema
      .alterTable(table)
      .addColumn('connection_status', 'text', (c) =>
        c.notNull().defaultTo('connected').check(sql`connection_status IN ('connected','disconnected')`),
      )
      .execute();
    await db.schema.alterTable(table).addColumn('status_reason', 'text').execute();
    await db.schema.alterTable(table).addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable(table).addColumn('missing_scopes', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  }
  // CalDAV (Apple iCloud or any server): where and as whom; the app-specific password is sealed.
  await db.schema.alterTable('calendar_integrations').addColumn('server_url', 'text').execute();
  await db.schema.alterTable('calendar_integrations').addColumn('username', 'text').execute();
  await db.schema.alterTable('calendar_integrations').addColumn('password', 'text').execute();

  // Every provider call through the shared HTTP layer, for health metrics.
  await db.schema
    .createTable('api_calls')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text')
    .addColumn('status', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('retried', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_calls_provider_time').on('api_calls').columns(['provider', 'created_at']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity IN ('info','warning','error')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('integration_type', 'text')
    .addColumn('integration_id', 'text')
    .addColumn('action_route', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('read_at', 'integer')
    .execute();
  await db.schema.createIndex('notifications_time').on('notifications').columns(['created_at', 'id']).execute();
}
