import type { Kysely } from 'kysely';
import type { Database, LogRow, NewLogRow } from '../schema';
import { decodeCursor, keysetPage } from './cursor';

export interface LogQuery {
  organizerId: string;
  logType?: LogRow['log_type'];
  integrationType?: NonNullable<LogRow['integration_type']>;
  success?: boolean;
  bookingId?: string;
  q?: string;
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
}

export class LogsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewLogRow): Promise<LogRow> {
    const r = await this.db.insertInto('integration_logs').values(row).returningAll().executeTakeFirstOrThrow();
    return r;
  }

  /** Newest first by (created_at, id), keyset paging; every filter has an index ending in that key. */
  async list(q: LogQuery): Promise<{ rows: LogRow[]; nextCursor: string | null }> {
    let query = this.db.selectFrom('integration_logs').selectAll().where('organizer_id', '=', q.organizerId);
    if (q.logType) query = query.where('log_type', '=', q.logType);
    if (q.integrationType) query = query.where('integration_type', '=', q.integrationType);
    if (q.success !== undefined) query = query.where('success', '=', q.success ? 1 : 0);
    if (q.bookingId) query = query.where('booking_id', '=', q.bookingId);
    if (q.from !== undefined) query = query.where('created_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('created_at', '<', q.to);
    if (q.q) {
      // Case-insensitive substring match; instr() has no wildcards to escape.
      const needle = q.q.toLowerCase();
      query = query.where((eb) => eb.fn('instr', [eb.fn('lower', ['message']), eb.val(needle)]), '>', 0);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor<number>(q.cursor, 'number');
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return keysetPage(rows, q.limit, (r) => [r.created_at, r.id]);
  }

  async counts(organizerId: string, errorsSince: number): Promise<{ total: number; errorsSince: number }> {
    const r = await this.db
      .selectFrom('integration_logs')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn.sum<number>(eb.case().when(eb.and([eb('success', '=', 0), eb('created_at', '>=', errorsSince)])).then(1).else(0).end()).as('errors'),
      ])
      .where('organizer_id', '=', organizerId)
      .executeTakeFirstOrThrow();
    return { total: Number(r.total), errorsSince: Number(r.errors ?? 0) };
  }
}
