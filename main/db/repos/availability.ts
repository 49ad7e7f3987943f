import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** A busy item as stored: a manual or synced blocked time, or a scheduled booking. */
export interface BusyRow {
  kind: 'manual' | 'synced' | 'booking';
  id: string;
  title: string;
  start_utc: number;
  end_utc: number;
  all_day: number;
  integration_id: string | null;
  external_calendar_id: string | null;
  provider: 'google' | 'outlook' | 'apple' | null;
  provider_email: string | null;
  calendar_name: string | null;
}

export interface BusyQuery {
  organizerId: string;
  /** Items overlapping [from, to). */
  from: number;
  to: number;
  /** Leave this booking out (a reschedule must not collide with itself). */
  excludeBookingId?: string;
}

/** Reads what makes the organizer busy, by time range. */
export class AvailabilityRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async busyItems(q: BusyQuery): Promise<BusyRow[]> {
    // busy = 1 only (free/transparent events are synced but do not block); a calendar the user unticked
    // ("blocks availability" off) does not block even if its rows are still present.
    const blocks = await this.db
      .selectFrom('blocked_times as b')
      .leftJoin('calendar_sources as s', (j) =>
        j.onRef('s.integration_id', '=', 'b.integration_id').onRef('s.external_calendar_id', '=', 'b.external_calendar_id'),
      )
      .leftJoin('calendar_integrations as i', 'i.id', 'b.integration_id')
      .select([
        'b.source as kind',
        'b.id',
        'b.title',
        'b.start_utc',
        'b.end_utc',
        'b.all_day',
        'b.integration_id',
        'b.external_calendar_id',
        'i.provider',
        'i.provider_email',
        's.name as calendar_name',
      ])
      // source IN (…) lets SQLite range over start_utc per source on blocked_times_source_start.
      .where('b.source', 'in', ['manual', 'synced'])
      .where('b.organizer_id', '=', q.organizerId)
      .where('b.busy', '=', 1)
      .where('b.start_utc', '<', q.to)
      .where('b.end_utc', '>', q.from)
      .where((eb) => eb.or([eb('s.selected', 'is', null), eb('s.selected', '=', 1)]))
      .execute();
    let bookings = this.db
      .selectFrom('bookings')
      .select(['id', 'title', 'start_utc', 'end_utc'])
      .where('organizer_id', '=', q.organizerId)
      .where('status', '=', 'scheduled')
      .where('start_utc', '<', q.to)
      .where('end_utc', '>', q.from);
    if (q.excludeBookingId) bookings = bookings.where('id', '!=', q.excludeBookingId);
    const booked = await bookings.execute();
    const out: BusyRow[] = [
      ...blocks,
      ...booked.map((b) => ({
        kind: 'booking' as const,
        ...b,
        all_day: 0,
        integration_id: null,
        external_calendar_id: null,
        provider: null,
        provider_email: null,
        calendar_name: null,
      })),
    ];
    return out.sort((a, b) => a.start_utc - b.start_utc || a.id.localeCompare(b.id));
  }
}
