import type { Kysely } from 'kysely';
import type { BlockedTimeRow, Database, NewBlockedTimeRow } from '../schema';
import { decodeCursor, keysetPage } from './cursor';

export interface BlockQuery {
  organizerId: string;
  source?: BlockedTimeRow['source'];
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
}

export class BlockedTimesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewBlockedTimeRow): Promise<BlockedTimeRow> {
    await this.db.insertInto('blocked_times').values(row).execute();
    return (await this.get(row.id))!;
  }

  async get(id: string): Promise<BlockedTimeRow | undefined> {
    return this.db.selectFrom('blocked_times').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async delete(id: string): Promise<number> {
    const r = await this.db.deleteFrom('blocked_times').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async list(q: BlockQuery): Promise<{ rows: BlockedTimeRow[]; nextCursor: string | null }> {
    // One arm per source, each in (start_utc, id) order off blocked_times_source_start; without a source filter
    // SQLite merges the two ordered arms (no sort of the whole table) and stops at the limit.
    const cursor = q.cursor ? decodeCursor<string>(q.cursor, 'string') : null;
    const arm = (source: BlockedTimeRow['source']) => {
      let query = this.db
        .selectFrom('blocked_times')
        .selectAll()
        .where('source', '=', source)
        .where('organizer_id', '=', q.organizerId);
      if (q.from !== undefined) query = query.where('end_utc', '>', q.from);
      if (q.to !== undefined) query = query.where('start_utc', '<', q.to);
      if (cursor) {
        const [start, id] = cursor;
        // A row value: SQLite seeks to it on the index instead of scanning the arm from its start.
        query = query.where((eb) => eb(eb.refTuple('start_utc', 'id'), '>', eb.tuple(start, id)));
      }
      return query;
    };
    const query = q.source ? arm(q.source) : arm('manual').unionAll(arm('synced'));
    const rows = await query.orderBy('start_utc').orderBy('id').limit(q.limit + 1).execute();
    return keysetPage(rows, q.limit, (r) => [r.start_utc, r.id]);
  }

  async countBySource(organizerId: string): Promise<{ manual: number; synced: number }> {
    const rows = await this.db
      .selectFrom('blocked_times')
      .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
      .where('organizer_id', '=', organizerId)
      .groupBy('source')
      .execute();
    const out = { manual: 0, synced: 0 };
    for (const r of rows) out[r.source] = Number(r.n);
    return out;
  }
}
