import type { Kysely } from 'kysely';
import type { BookingRow, BookingUpdate, Database, NewBookingRow } from '../schema';
import { decodeCursor, keysetPage } from './cursor';

export interface BookingQuery {
  organizerId: string;
  status?: BookingRow['status'];
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
}

export class BookingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewBookingRow): Promise<BookingRow> {
    await this.db.insertInto('bookings').values(row).execute();
    return (await this.get(row.id))!;
  }

  async get(id: string): Promise<BookingRow | undefined> {
    return this.db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async update(id: string, patch: BookingUpdate): Promise<BookingRow | undefined> {
    await this.db.updateTable('bookings').set(patch).where('id', '=', id).execute();
    return this.get(id);
  }

  /** Ordered by start time, then id; keyset paging. */
  async list(q: BookingQuery): Promise<{ rows: BookingRow[]; nextCursor: string | null }> {
    let query = this.db.selectFrom('bookings').selectAll().where('organizer_id', '=', q.organizerId);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.from !== undefined) query = query.where('end_utc', '>', q.from);
    if (q.to !== undefined) query = query.where('start_utc', '<', q.to);
    if (q.cursor) {
      const [start, id] = decodeCursor<string>(q.cursor, 'string');
      query = query.where((eb) =>
        eb.or([eb('start_utc', '>', start), eb.and([eb('start_utc', '=', start), eb('id', '>', id)])]),
      );
    }
    const rows = await query.orderBy('start_utc').orderBy('id').limit(q.limit + 1).execute();
    return keysetPage(rows, q.limit, (r) => [r.start_utc, r.id]);
  }

  async countByStatus(organizerId: string): Promise<Record<BookingRow['status'], number>> {
    const rows = await this.db
      .selectFrom('bookings')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('organizer_id', '=', organizerId)
      .groupBy('status')
      .execute();
    const out = { scheduled: 0, cancelled: 0, completed: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  async countUpcoming(organizerId: string, now: number): Promise<number> {
    const r = await this.db
      .selectFrom('bookings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organizer_id', '=', organizerId)
      .where('status', '=', 'scheduled')
      .where('start_utc', '>=', now)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
