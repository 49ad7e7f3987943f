// In-app notifications: newest first, keyset paging on (created_at, id), read state.
import type { Kysely } from 'kysely';
import type { Database, NotificationRow } from '../schema';
import { decodeCursor, keysetPage } from './cursor';

export type NewNotificationRow = NotificationRow;

export class NotificationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: NewNotificationRow): Promise<NotificationRow> {
    return this.db.insertInto('notifications').values(row).returningAll().executeTakeFirstOrThrow();
  }

  async list(q: {
    organizerId: string;
    unreadOnly?: boolean;
    cursor?: string;
    limit: number;
  }): Promise<{ rows: NotificationRow[]; nextCursor: string | null }> {
    let query = this.db.selectFrom('notifications').selectAll().where('organizer_id', '=', q.organizerId);
    if (q.unreadOnly) query = query.where('read_at', 'is', null);
    if (q.cursor) {
      const [at, id] = decodeCursor<string>(q.cursor, 'string');
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

  /** Marks the given ids (or every unread one) read; returns how many changed. Already-read rows keep their time. */
  async markRead(organizerId: string, target: { ids: string[] } | { all: true }, now: number): Promise<number> {
    let query = this.db
      .updateTable('notifications')
      .set({ read_at: now })
      .where('organizer_id', '=', organizerId)
      .where('read_at', 'is', null);
    if ('ids' in target) {
      if (target.ids.length === 0) return 0;
      query = query.where('id', 'in', target.ids);
    }
    const r = await query.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async countUnread(organizerId: string): Promise<number> {
    const r = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organizer_id', '=', organizerId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
