// Frozen in time: never edit after it has shipped; add a new migration instead.
import { type Kysely, sql } from 'kysely';

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organizers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('calendar_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider IN ('google','outlook','apple')`))
    .addColumn('access_token', 'text')
    .addColumn('refresh_token', 'text')
    .addColumn('token_expires_at', 'integer')
    .addColumn('provider_user_id', 'text')
    .addColumn('provider_email', 'text')
    .addColumn('calendar_id', 'text')
    .addColumn('last_sync_at', 'integer')
    .addColumn('sync_token', 'text')
    .addColumn('sync_errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sync_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('calendar_integrations_organizer_provider', ['organizer_id', 'provider'])
    .execute();

  await db.schema
    .createTable('video_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) =>
      c.notNull().check(sql`provider IN ('zoom','google_meet','microsoft_teams','webex')`),
    )
    .addColumn('access_token', 'text')
    .addColumn('refresh_token', 'text')
    .addColumn('token_expires_at', 'integer')
    .addColumn('provider_user_id', 'text')
    .addColumn('provider_email', 'text')
    .addColumn('last_api_call', 'integer')
    .addColumn('api_calls_today', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rate_limit_reset_at', 'integer')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('auto_generate_links', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('video_integrations_organizer_provider', ['organizer_id', 'provider'])
    .execute();

  await db.schema
    .createTable('webhook_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('webhook_url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('secret_key', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('retry_failed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('max_retries', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('attendee_name', 'text', (c) => c.notNull())
    .addColumn('attendee_email', 'text', (c) => c.notNull())
    .addColumn('start_utc', 'integer', (c) => c.notNull())
    .addColumn('end_utc', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('scheduled').check(sql`status IN ('scheduled','cancelled','completed')`),
    )
    .addColumn('notes', 'text')
    .addColumn('cancel_reason', 'text')
    .addColumn('meeting_link', 'text')
    .addColumn('meeting_provider', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addCheckConstraint('bookings_range', sql`end_utc > start_utc`)
    .execute();
  await db.schema.createIndex('bookings_start').on('bookings').columns(['start_utc', 'id']).execute();
  await db.schema.createIndex('bookings_status_start').on('bookings').columns(['status', 'start_utc', 'id']).execute();

  await db.schema
    .createTable('blocked_times')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source IN ('manual','synced')`))
    .addColumn('integration_id', 'text', (c) => c.references('calendar_integrations.id').onDelete('cascade'))
    .addColumn('external_id', 'text')
    .addColumn('external_calendar_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('start_utc', 'integer', (c) => c.notNull())
    .addColumn('end_utc', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('all_day', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('busy', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addCheckConstraint('blocked_times_range', sql`end_utc > start_utc`)
    .addCheckConstraint(
      'blocked_times_source_integration',
      sql`(source = 'manual' AND integration_id IS NULL) OR (source = 'synced' AND integration_id IS NOT NULL)`,
    )
    .execute();
  await db.schema.createIndex('blocked_times_start').on('blocked_times').columns(['start_utc', 'id']).execute();
  await db.schema
    .createIndex('blocked_times_source_start')
    .on('blocked_times')
    .columns(['source', 'start_utc', 'id'])
    .execute();
  await db.schema
    .createIndex('blocked_times_external')
    .on('blocked_times')
    .columns(['integration_id', 'external_calendar_id', 'external_id'])
    .unique()
    .where(sql.ref('integration_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('integration_logs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('organizer_id', 'text', (c) => c.notNull().references('organizers.id').onDelete('cascade'))
    .addColumn('log_type', 'text', (c) =>
      c.notNull().check(sql`log_type IN ('calendar_sync','video_link_created','webhook_sent','error')`),
    )
    .addColumn('booking_id', 'text')
    .addColumn('integration_type', 'text', (c) => c.check(sql`integration_type IN ('calendar','video','webhook')`))
    .addColumn('integration_id', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  // Keyset paging is newest first by (created_at, id); each filter gets an index that ends in the same key.
  await db.schema.createIndex('logs_time').on('integration_logs').columns(['created_at', 'id']).execute();
  await db.schema
    .createIndex('logs_type_time')
    .on('integration_logs')
    .columns(['log_type', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('logs_integration_type_time')
    .on('integration_logs')
    .columns(['integration_type', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('logs_success_time')
    .on('integration_logs')
    .columns(['success', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('logs_booking_time')
    .on('integration_logs')
    .columns(['booking_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`status IN ('queued','running','done','failed')`),
    )
    .addColumn('run_at', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('lease_until', 'integer')
    .addColumn('leased_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('interval_ms', 'integer')
    .addColumn('unique_key', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer')
    .execute();
  // The worker's query: due queued jobs, and running jobs whose lease ran out.
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('jobs_lease').on('jobs').columns(['status', 'lease_until']).execute();
  await db.schema
    .createIndex('jobs_unique_open')
    .on('jobs')
    .column('unique_key')
    .unique()
    .where(sql<boolean>`unique_key IS NOT NULL AND status IN ('queued','running')`)
    .execute();
}
