// Calendar sync: per-calendar state, booking events written to calendars, sync preferences. Frozen once shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Each calendar of an account that Junction knows; `selected` ones are synced and block availability.
  await db.schema
    .createTable('calendar_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('calendar_integrations.id').onDelete('cascade'))
    .addColumn('external_calendar_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('time_zone', 'text')
    .addColumn('selected', 'integer', (c) => c.notNull().defaultTo(1))
    /** Sync token / delta link / CalDAV sync token: saved only with the last page of a sync. */
    .addColumn('sync_cursor', 'text')
    .addColumn('window_start', 'integer')
    .addColumn('window_end', 'integer')
    .addColumn('last_sync_at', 'integer')
    .addColumn('last_full_sync_at', 'integer')
    .addColumn('access_state', 'text', (c) =>
      c.notNull().defaultTo('ok').check(sql`access_state IN ('ok','revoked','failing')`),
    )
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('calendar_sources_integration_calendar', ['integration_id', 'external_calendar_id'])
    .execute();

  // Where each booking was written, so reschedule/cancel find it and retries never duplicate it.
  await db.schema
    .createTable('booking_calendar_events')
    .addColumn('booking_id', 'text', (c) => c.notNull().references('bookings.id').onDelete('cascade'))
    .addColumn('integration_id', 'text', (c) => c.notNull().references('calendar_integrations.id').onDelete('cascade'))
    .addColumn('external_calendar_id', 'text', (c) => c.notNull())
    .addColumn('external_event_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('created','removed')`))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('booking_calendar_events_pk', ['booking_id', 'integration_id'])
    .execute();

  // 'auto' or a number of minutes between syncs.
  await db.schema
    .alterTable('calendar_integrations')
    .addColumn('sync_frequency', 'text', (c) => c.notNull().defaultTo('auto'))
    .execute();
}
