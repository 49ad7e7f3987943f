import type { Kysely } from 'kysely';
import type { Booking } from '../../shared/domain';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';

/** What every service is constructed with (no module-level singletons). */
export interface ServiceContext {
  db: Kysely<Database>;
  clock: Clock;
  pushes: PushBus;
  organizerId: string;
  /** Told after a booking is created, rescheduled or cancelled (calendar sync writes it to calendars). */
  /** Told after webhook deliveries may have been enqueued (the delivery worker looks for them now). */
  onWebhookEnqueued?: () => void;
  onBookingChanged?: (change: 'created' | 'rescheduled' | 'cancelled', booking: Booking) => Promise<void>;
}
