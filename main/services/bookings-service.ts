import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { Booking, Page } from '../../shared/domain';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { BookingsRepo } from '../db/repos/bookings';
import { Outbox } from '../webhooks/outbox';
import type { BookingRow } from '../db/schema';
import type { ServiceContext } from './context';
import { AvailabilityService } from './availability/availability-service';
import { toBooking } from './mappers';

const DEFAULT_PAGE = 50;

export class BookingsService {
  readonly #repo: BookingsRepo;
  /** Busy checks before a booking is written; also serves availability:get/explain. */
  readonly availability: AvailabilityService;

  constructor(private readonly ctx: ServiceContext) {
    this.#repo = new BookingsRepo(ctx.db);
    this.availability = new AvailabilityService(ctx);
  }

  async list(q: ChannelParsed<'bookings:list'>): Promise<Page<Booking>> {
    const { rows, nextCursor } = await this.#repo.list({ ...q, organizerId: this.ctx.organizerId, limit: q.limit ?? DEFAULT_PAGE });
    return { items: rows.map(toBooking), nextCursor };
  }

  async create(input: ChannelParsed<'bookings:create'>): Promise<Booking> {
    await this.availability.assertFree(input.startUtc, input.endUtc, { override: input.overrideBusy });
    const now = this.ctx.clock.now();
    const row = await this.#tx(async (repo, outbox) => {
      const inserted = await repo.insert({
      id: randomUUID(),
      organizer_id: this.ctx.organizerId,
      title: input.title,
      attendee_name: input.attendeeName,
      attendee_email: input.attendeeEmail,
      start_utc: input.startUtc,
      end_utc: input.endUtc,
      time_zone: input.timeZone,
      status: 'scheduled',
      notes: input.notes?.trim() ? input.notes : null,
      cancel_reason: null,
      meeting_link: null,
      meeting_provider: null,
      created_at: now,
      updated_at: now,
      });
      await outbox.enqueue(this.ctx.organizerId, 'booking_created', { booking: toBooking(inserted) }, now);
      return inserted;
    });
    return this.#changed('created', toBooking(row));
  }

  async reschedule(input: ChannelParsed<'bookings:reschedule'>): Promise<Booking> {
    const current = await this.#scheduled(input.id, 'reschedule');
    await this.availability.assertFree(input.startUtc, input.endUtc, { override: input.overrideBusy, excludeBookingId: current.id });
    const now = this.ctx.clock.now();
    const row = await this.#tx(async (repo, outbox) => {
      const updated = (await repo.update(current.id, {
        start_utc: input.startUtc,
        end_utc: input.endUtc,
        time_zone: input.timeZone ?? current.time_zone,
        updated_at: now,
      }))!;
      await outbox.enqueue(
        this.ctx.organizerId,
        'booking_rescheduled',
        {
          booking: toBooking(updated),
          old: { startUtc: current.start_utc, endUtc: current.end_utc, timeZone: current.time_zone },
          new: { startUtc: updated.start_utc, endUtc: updated.end_utc, timeZone: updated.time_zone },
        },
        now,
      );
      return updated;
    });
    return this.#changed('rescheduled', toBooking(row));
  }

  async cancel(input: ChannelParsed<'bookings:cancel'>): Promise<Booking> {
    const current = await this.#scheduled(input.id, 'cancel');
    const now = this.ctx.clock.now();
    const row = await this.#tx(async (repo, outbox) => {
      const updated = (await repo.update(current.id, {
        status: 'cancelled',
        cancel_reason: input.reason?.trim() ? input.reason : null,
        updated_at: now,
      }))!;
      await outbox.enqueue(this.ctx.organizerId, 'booking_cancelled', { booking: toBooking(updated) }, now);
      return updated;
    });
    return this.#changed('cancelled', toBooking(row));
  }

  async complete(input: ChannelParsed<'bookings:complete'>): Promise<Booking> {
    const current = await this.#scheduled(input.id, 'complete');
    const now = this.ctx.clock.now();
    const row = await this.#tx(async (repo, outbox) => {
      const updated = (await repo.update(current.id, { status: 'completed', updated_at: now }))!;
      await outbox.enqueue(this.ctx.organizerId, 'booking_completed', { booking: toBooking(updated) }, now);
      return updated;
    });
    this.ctx.onWebhookEnqueued?.();
    return toBooking(row);
  }

  /** The booking write and its webhook events in one transaction: both happen or neither does. */
  #tx<T>(fn: (repo: BookingsRepo, outbox: Outbox) => Promise<T>): Promise<T> {
    return this.ctx.db.transaction().execute((trx) => fn(new BookingsRepo(trx), new Outbox(trx)));
  }

  /** Tells the ctx hook (calendar writes); the booking is saved whatever the hook does. */
  async #changed(change: 'created' | 'rescheduled' | 'cancelled', booking: Booking): Promise<Booking> {
    this.ctx.onWebhookEnqueued?.();
    await this.ctx.onBookingChanged?.(change, booking).catch(() => undefined);
    return booking;
  }

  /** Only a scheduled booking can change; anything else is a CONFLICT the user can read. */
  async #scheduled(id: string, verb: string): Promise<BookingRow> {
    const row = await this.#repo.get(id);
    if (!row || row.organizer_id !== this.ctx.organizerId) {
      throw new AppError('NOT_FOUND', 'That booking no longer exists.', { id });
    }
    if (row.status !== 'scheduled') {
      throw new AppError('CONFLICT', `This booking is ${row.status}; only a scheduled booking can ${verb}.`, {
        id,
        status: row.status,
      });
    }
    return row;
  }
}
