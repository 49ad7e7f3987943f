// Bookings into the organizer's calendars: one job per (booking, integration), reading the booking's current
// state when it runs. Deterministic event ids (from the booking id, by the adapter) plus the stored
// booking_calendar_events row make every retry safe: a create already stored is never repeated.
import type { Kysely } from 'kysely';
import { BookingCalendarEventsRepo } from '../db/repos/booking-calendar-events';
import { BookingsRepo } from '../db/repos/bookings';
import { CalendarSourcesRepo } from '../db/repos/calendar-sources';
import { IntegrationsRepo } from '../db/repos/integrations';
import type { BookingRow, CalendarIntegrationRow, Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { BookingEvent } from '../providers/calendar/types';
import type { LogsService } from '../services/logs-service';
import { INTEGRATION_LABEL } from '../services/notifications-service';
import type { AdapterFactory, CalendarSyncEngine } from './engine';

export interface BookingEventsDeps {
  db: Kysely<Database>;
  clock: Clock;
  logs: LogsService;
  adapterFor: AdapterFactory;
  engine: CalendarSyncEngine;
}

export type BookingChange = 'created' | 'rescheduled' | 'cancelled';

export function toBookingEvent(b: BookingRow): BookingEvent {
  return {
    bookingId: b.id,
    title: b.title,
    description: [b.notes ?? '', b.meeting_link ? `Join: ${b.meeting_link}` : ''].filter(Boolean).join('\n\n'),
    startUtc: b.start_utc,
    endUtc: b.end_utc,
    timeZone: b.time_zone,
    attendees: [{ name: b.attendee_name, email: b.attendee_email }],
    meetingLink: b.meeting_link,
  };
}

const label = (row: CalendarIntegrationRow) => INTEGRATION_LABEL[row.provider];

export class BookingCalendarWriter {
  constructor(private readonly d: BookingEventsDeps) {}

  /** Integrations a booking is written to: connected, active, with sync on. */
  async targets(organizerId: string): Promise<CalendarIntegrationRow[]> {
    return new CalendarSourcesRepo(this.d.db).syncable(organizerId);
  }

  /** The writable calendar of an integration: the selected primary, else any selected writable, else primary. */
  async #calendarFor(row: CalendarIntegrationRow): Promise<string | null> {
    let sources = await new CalendarSourcesRepo(this.d.db).list(row.id);
    if (sources.length === 0) sources = await this.d.engine.refreshCalendars(row.id);
    const writable = sources.filter((s) => s.read_only === 0 && s.access_state !== 'revoked');
    const pick =
      writable.find((s) => s.selected === 1 && s.is_primary === 1) ??
      writable.find((s) => s.selected === 1) ??
      writable.find((s) => s.is_primary === 1);
    return pick?.external_calendar_id ?? row.calendar_id;
  }

  /** create_calendar_event: make the integration's calendar show the booking as it is now. */
  async upsert(bookingId: string, integrationId: string, change: 'created' | 'rescheduled'): Promise<'created' | 'updated' | 'skipped'> {
    const booking = await new BookingsRepo(this.d.db).get(bookingId);
    const row = await new IntegrationsRepo(this.d.db).getCalendar(integrationId);
    if (!booking || !row || booking.status === 'cancelled') return 'skipped';
    const events = new BookingCalendarEventsRepo(this.d.db);
    const existing = await events.get(bookingId, integrationId);
    const adapter = await this.d.adapterFor(row);
    if (existing?.state === 'created') {
      // A repeated "created" job (retry, double enqueue) has nothing left to do.
      if (change === 'created') return 'skipped';
      await adapter.updateEvent(existing.external_calendar_id, existing.external_event_id, toBookingEvent(booking));
      await this.#log(row, booking, true, `Moved "${booking.title}" in ${label(row)}`);
      return 'updated';
    }
    const calendarId = await this.#calendarFor(row);
    if (!calendarId) {
      await this.#log(row, booking, false, `${label(row)} has no calendar Junction can write "${booking.title}" to`);
      return 'skipped';
    }
    const { externalId } = await adapter.createEvent(calendarId, toBookingEvent(booking));
    await events.saveCreated({ bookingId, integrationId, calendarId, eventId: externalId }, this.d.clock.now());
    await this.#log(row, booking, true, `Added "${booking.title}" to ${label(row)}`);
    return 'created';
  }

  /** remove_calendar_event: a missing event (404/410) is logged, not an error. */
  async remove(bookingId: string, integrationId: string): Promise<'deleted' | 'missing' | 'skipped'> {
    const events = new BookingCalendarEventsRepo(this.d.db);
    const existing = await events.get(bookingId, integrationId);
    const row = await new IntegrationsRepo(this.d.db).getCalendar(integrationId);
    if (!existing || existing.state === 'removed' || !row) return 'skipped';
    const adapter = await this.d.adapterFor(row);
    const outcome = await adapter.deleteEvent(existing.external_calendar_id, existing.external_event_id);
    await events.markRemoved(bookingId, integrationId, this.d.clock.now());
    const booking = await new BookingsRepo(this.d.db).get(bookingId);
    const title = booking?.title ?? 'the booking';
    await this.#log(
      row,
      booking ?? null,
      true,
      outcome === 'missing'
        ? `"${title}" was already gone from ${label(row)}; nothing to remove`
        : `Removed "${title}" from ${label(row)}`,
      { outcome, bookingId },
    );
    return outcome;
  }

  async #log(row: CalendarIntegrationRow, booking: BookingRow | null, success: boolean, message: string, details?: unknown): Promise<void> {
    await this.d.logs.append({
      logType: 'calendar_sync',
      integrationType: 'calendar',
      integrationId: row.id,
      ...(booking ? { bookingId: booking.id } : {}),
      success,
      message,
      ...(details !== undefined ? { details } : {}),
    });
  }
}
