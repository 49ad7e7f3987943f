// Where each booking was written in each connected calendar (so reschedule/cancel find it, retries never duplicate).
import type { Kysely } from 'kysely';
import type { BookingCalendarEventRow, Database } from '../schema';

export class BookingCalendarEventsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  get(bookingId: string, integrationId: string): Promise<BookingCalendarEventRow | undefined> {
    return this.db
      .selectFrom('booking_calendar_events')
      .selectAll()
      .where('booking_id', '=', bookingId)
      .where('integration_id', '=', integrationId)
      .executeTakeFirst();
  }

  listForBooking(bookingId: string): Promise<BookingCalendarEventRow[]> {
    return this.db.selectFrom('booking_calendar_events').selectAll().where('booking_id', '=', bookingId).execute();
  }

  async saveCreated(
    r: { bookingId: string; integrationId: string; calendarId: string; eventId: string },
    now: number,
  ): Promise<void> {
    await this.db
      .insertInto('booking_calendar_events')
      .values({
        booking_id: r.bookingId,
        integration_id: r.integrationId,
        external_calendar_id: r.calendarId,
        external_event_id: r.eventId,
        state: 'created',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['booking_id', 'integration_id']).doUpdateSet({
          external_calendar_id: r.calendarId,
          external_event_id: r.eventId,
          state: 'created',
          updated_at: now,
        }),
      )
      .execute();
  }

  async markRemoved(bookingId: string, integrationId: string, now: number): Promise<void> {
    await this.db
      .updateTable('booking_calendar_events')
      .set({ state: 'removed', updated_at: now })
      .where('booking_id', '=', bookingId)
      .where('integration_id', '=', integrationId)
      .execute();
  }
}
