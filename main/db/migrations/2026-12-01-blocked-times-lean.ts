// Calendar sync writes tens of thousands of blocked_times rows per full sync (DESIGN.md §6), and each secondary
// index is one more b-tree to update per row. blocked_times_start (start_utc, id) duplicated what
// blocked_times_source_start (source, start_utc, id) already orders: every query that used it now goes per source
// (source IN ('manual','synced'), or one ordered arm per source merged by SQLite). Frozen once shipped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS blocked_times_start`.execute(db);
}
