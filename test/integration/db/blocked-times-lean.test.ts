// Migration 2026-12-01-blocked-times-lean: drops blocked_times_start on a database that already holds blocks,
// keeps every row, and the queries that used that index still read blocked_times through an index in
// (start_utc, id) order, with no sort of their own.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import { migrations } from '../../../main/db/migrations';
import { AvailabilityRepo } from '../../../main/db/repos/availability';
import { BlockedTimesRepo } from '../../../main/db/repos/blocked-times';
import type { BlockedTimeRow } from '../../../main/db/schema';
import { tempDir } from '../../support/temp';

const LEAN = '2026-12-01-blocked-times-lean';
const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < LEAN));

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

async function seeded(): Promise<OpenedDatabase & { rows: BlockedTimeRow[] }> {
  const t = tempDir('junction-lean-');
  cleanup = t.cleanup;
  const opened = openDatabase(join(t.dir, 'junction.db'));
  const { db } = opened;
  await migrateToLatest(db as never, before);
  await db.insertInto('organizers').values({ id: 'org', name: 'Org', time_zone: 'UTC' } as never).execute();
  await db
    .insertInto('calendar_integrations')
    .values({ id: 'int', organizer_id: 'org', provider: 'google', created_at: 1, updated_at: 1 } as never)
    .execute();
  const rows: BlockedTimeRow[] = [];
  for (let i = 0; i < 60; i++) {
    const synced = i % 3 !== 0;
    const start = 1_000 * (i % 20); // equal starts across sources: the id breaks the tie
    rows.push({
      id: `${synced ? 'b' : 'a'}-${String(i).padStart(3, '0')}`,
      organizer_id: 'org',
      source: synced ? 'synced' : 'manual',
      integration_id: synced ? 'int' : null,
      external_calendar_id: synced ? 'primary' : null,
      external_id: synced ? `e${i}` : null,
      title: `block ${i}`,
      start_utc: start,
      end_utc: start + 500 + i,
      time_zone: 'UTC',
      all_day: 0,
      busy: i % 7 === 0 ? 0 : 1,
      created_at: 1,
      updated_at: 1,
    });
  }
  await db.insertInto('blocked_times').values(rows).execute();
  return { ...opened, rows };
}

const byKey = (a: BlockedTimeRow, b: BlockedTimeRow) => a.start_utc - b.start_utc || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('migration 2026-12-01-blocked-times-lean', () => {
  it('drops blocked_times_start and keeps every row, constraint and the other indexes', async () => {
    const { db, sqlite, rows } = await seeded();
    const indexes = () =>
      (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'blocked_times'`).all() as {
        name: string;
      }[])
        .map((r) => r.name)
        .filter((n) => !n.startsWith('sqlite_autoindex'))
        .sort();
    expect(indexes()).toEqual(['blocked_times_external', 'blocked_times_source_start', 'blocked_times_start']);

    expect(await migrateToLatest(db as never)).toEqual([LEAN]);
    expect(indexes()).toEqual(['blocked_times_external', 'blocked_times_source_start']);
    const after = await db.selectFrom('blocked_times').selectAll().orderBy('id').execute();
    expect(after).toEqual([...rows].sort((a, b) => (a.id < b.id ? -1 : 1)));
    // Still enforced: the range check, the external key's uniqueness, the cascade from the integration.
    await expect(
      db.insertInto('blocked_times').values({ ...rows[0]!, id: 'bad', end_utc: rows[0]!.start_utc }).execute(),
    ).rejects.toThrow(/CHECK/);
    await expect(db.insertInto('blocked_times').values({ ...rows[1]!, id: 'dup' }).execute()).rejects.toThrow(/UNIQUE/);
    await db.deleteFrom('calendar_integrations').where('id', '=', 'int').execute();
    expect((await db.selectFrom('blocked_times').select('source').execute()).every((r) => r.source === 'manual')).toBe(
      true,
    );
    await db.destroy();
  });

  it('lists both sources in (start, id) order across pages, and busy items by range, through the index', async () => {
    const { db, sqlite, rows } = await seeded();
    await migrateToLatest(db as never);
    const repo = new BlockedTimesRepo(db);

    const plans: string[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      if (/^select/i.test(source) && source.includes('blocked_times')) {
        const n = source.split('?').length - 1;
        const plan = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...Array<number>(n).fill(1)) as { detail: string }[];
        plans.push(plan.map((p) => p.detail).join(' | '));
      }
      return prepare(source);
    }) as typeof sqlite.prepare;

    for (const q of [{}, { from: 3_000, to: 15_000 }, { source: 'synced' as const }, { source: 'manual' as const, to: 9_000 }]) {
      const want = rows
        .filter((r) => (!('source' in q) || r.source === q.source) && (!('from' in q) || r.end_utc > q.from!))
        .filter((r) => !('to' in q) || r.start_utc < q.to!)
        .sort(byKey)
        .map((r) => r.id);
      const got: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repo.list({ organizerId: 'org', limit: 7, ...q, ...(cursor ? { cursor } : {}) });
        got.push(...page.rows.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(got).toEqual(want);
    }

    const busy = await new AvailabilityRepo(db).busyItems({ organizerId: 'org', from: 4_000, to: 9_000 });
    expect(busy.map((b) => b.id).sort()).toEqual(
      rows
        .filter((r) => r.busy === 1 && r.start_utc < 9_000 && r.end_utc > 4_000)
        .map((r) => r.id)
        .sort(),
    );

    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      expect(plan).toMatch(/USING INDEX blocked_times_source_start/);
      expect(plan).not.toMatch(/TEMP B-TREE|SCAN (b|blocked_times)( |$)/);
    }
    sqlite.prepare = prepare;
    await db.destroy();
  });
});
