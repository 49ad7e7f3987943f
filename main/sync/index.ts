// Calendar sync, assembled: engine, booking writer, jobs, and the service the calendar channels call.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import type { Scheduler } from '../scheduler';
import type { IntegrationsService } from '../services/integrations-service';
import type { LogsService } from '../services/logs-service';
import type { NotificationService } from '../services/notifications-service';
import { BookingCalendarWriter, type BookingChange } from './booking-events';
import { type AdapterFactory, CalendarSyncEngine } from './engine';
import { bookingChangeHandler, type CalendarJobsDeps, registerCalendarJobs } from './jobs';
import { CalendarSyncService } from './service';

export interface CalendarSyncDeps {
  db: Kysely<Database>;
  clock: Clock;
  pushes: PushBus;
  organizerId: string;
  scheduler: Scheduler;
  logs: LogsService;
  integrations: IntegrationsService;
  notifications: Pick<NotificationService, 'notify'>;
  adapterFor: AdapterFactory;
}

export interface CalendarSync {
  engine: CalendarSyncEngine;
  writer: BookingCalendarWriter;
  service: CalendarSyncService;
  jobs: CalendarJobsDeps;
  /** For BookingsService: enqueues the calendar writes of a booking change (never throws). */
  onBookingChanged(change: BookingChange, booking: { id: string }): Promise<void>;
}

export async function createCalendarSync(d: CalendarSyncDeps): Promise<CalendarSync> {
  const engine = new CalendarSyncEngine(d);
  const writer = new BookingCalendarWriter({ db: d.db, clock: d.clock, logs: d.logs, adapterFor: d.adapterFor, engine });
  const jobs: CalendarJobsDeps = { db: d.db, clock: d.clock, organizerId: d.organizerId, scheduler: d.scheduler, engine, writer };
  await registerCalendarJobs(jobs);
  const service = new CalendarSyncService({ db: d.db, clock: d.clock, pushes: d.pushes, organizerId: d.organizerId, scheduler: d.scheduler, engine });
  const enqueue = bookingChangeHandler(jobs);
  return {
    engine,
    writer,
    service,
    jobs,
    onBookingChanged: async (change, booking) => {
      try {
        await enqueue(change, booking);
      } catch (err) {
        // The booking itself is saved; say what did not happen instead of failing it.
        await d.logs
          .append({
            logType: 'error',
            bookingId: booking.id,
            success: false,
            message: `Could not queue the calendar update for a ${change} booking`,
            details: { error: err instanceof Error ? err.message.slice(0, 500) : String(err) },
          })
          .catch(() => undefined);
      }
    },
  };
}

export { BookingCalendarWriter, CalendarSyncEngine, CalendarSyncService };
export type { AdapterFactory, BookingChange };
export * from './jobs';
export * from './window';
