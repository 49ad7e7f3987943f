// Synced busy times in blocked_times (source 'synced'), keyed by (integration, calendar, external id).
// Used inside a transaction (the engine's per-page one, or a deselection's). A full sync writes tens of thousands
// of rows, so every operation runs prepared better-sqlite3 statements on the connection's raw handle, compiled
// once per connection: kysely compiling a 500-row insert per chunk cost more than SQLite writing it.
import { randomUUID } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';

export interface SyncedBlockInput {
  externalId: string;
  title: string;
  startUtc: number;
  endUtc: number;
  timeZone: string;
  allDay: boolean;
  busy: boolean;
}

export interface Range {
  start: number;
  end: number;
}

const unionRange = (a: Range | null, b: Range | null): Range | null =>
  !a ? b : !b ? a : { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };

let lastMs = 0;
let counter = 0;
/** `tttttttt-tttt-7` for lastMs, and the random tail (`-Vxxx-xxxxxxxxxxxx`) of its ids: rebuilt once per ms. */
let prefix = '';
let tail = '';
const HEX3 = Array.from({ length: 0x1000 }, (_, i) => i.toString(16).padStart(3, '0'));

/**
 * A UUIDv7 (RFC 9562: 48-bit Unix ms, a 12-bit counter as rand_a, "method 1", then the variant and 62 random
 * bits) that only grows within this process; ids of the same millisecond share their random bits and differ in
 * the counter. Synced rows are written by the tens of thousands: a random v4 key lands on a random page of the
 * primary-key index for every row (so each page's transaction rewrites most of that index into the WAL), while
 * a growing key appends. Same shape and column type as the v4 ids of manual blocks.
 */
export function orderedUuid(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
    prefix = '';
  } else if (++counter > 0xfff) {
    lastMs++; // more than 4096 ids in one millisecond: borrow the next one (still unique and growing)
    counter = 0;
    prefix = '';
  }
  if (!prefix) {
    const t = lastMs.toString(16).padStart(12, '0');
    prefix = `${t.slice(0, 8)}-${t.slice(8, 12)}-7`;
    // randomUUID() is `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx`: from index 18, `-`, the variant and 62 random bits.
    tail = randomUUID().slice(18);
  }
  return prefix + HEX3[counter]! + tail;
}

const SCOPE = 'integration_id = ? AND external_calendar_id = ?';
const IDS = `${SCOPE} AND external_id IN (SELECT value FROM json_each(?))`;
const LIKE = `${SCOPE} AND external_id LIKE ? ESCAPE '\\'`;
const RANGE = 'SELECT min(start_utc) AS s, max(end_utc) AS e FROM blocked_times WHERE';
const COLUMNS = `id, organizer_id, source, integration_id, external_calendar_id, external_id, title, start_utc, end_utc,
  time_zone, all_day, busy, created_at, updated_at`;
const ON_CONFLICT = `ON CONFLICT (integration_id, external_calendar_id, external_id) WHERE integration_id IS NOT NULL
  DO UPDATE SET title = excluded.title, start_utc = excluded.start_utc, end_utc = excluded.end_utc,
    time_zone = excluded.time_zone, all_day = excluded.all_day, busy = excluded.busy, updated_at = excluded.updated_at`;
/** Rows per multi-row upsert: one call into SQLite per BATCH rows (a call and its 13 bindings per row cost about
 * a fifth of writing the row); the rest of a page goes row by row. */
const BATCH = 100;
/** Bound per row of upsertBatch: id, external id, title, start, end, time zone, all day, busy. */
const ROW_PARAMS = 8;

interface Statements {
  rangeAll: SqliteDatabase.Statement<[string, string], { s: number | null; e: number | null }>;
  deleteAll: SqliteDatabase.Statement<[string, string]>;
  rangeIds: SqliteDatabase.Statement<[string, string, string], { s: number | null; e: number | null }>;
  deleteIds: SqliteDatabase.Statement<[string, string, string]>;
  rangeLike: SqliteDatabase.Statement<[string, string, string], { s: number | null; e: number | null }>;
  deleteLike: SqliteDatabase.Statement<[string, string, string]>;
  upsert: SqliteDatabase.Statement<
    [string, string, string, string, string, string, number, number, string, number, number, number, number]
  >;
  /** BATCH rows per call: the scope and time bound once, then ROW_PARAMS values per row. */
  upsertBatch: SqliteDatabase.Statement<unknown[]>;
}

const statements = new WeakMap<SqliteDatabase.Database, Statements>();

function statementsFor(sqlite: SqliteDatabase.Database): Statements {
  let s = statements.get(sqlite);
  if (!s) {
    s = {
      rangeAll: sqlite.prepare(`${RANGE} ${SCOPE}`),
      deleteAll: sqlite.prepare(`DELETE FROM blocked_times WHERE ${SCOPE}`),
      rangeIds: sqlite.prepare(`${RANGE} ${IDS}`),
      deleteIds: sqlite.prepare(`DELETE FROM blocked_times WHERE ${IDS}`),
      rangeLike: sqlite.prepare(`${RANGE} ${LIKE}`),
      deleteLike: sqlite.prepare(`DELETE FROM blocked_times WHERE ${LIKE}`),
      upsert: sqlite.prepare(
        `INSERT INTO blocked_times (${COLUMNS})
         VALUES (?, ?, 'synced', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${ON_CONFLICT}`,
      ),
      // Rows go in the order of the VALUES list (a later duplicate of an external id updates the earlier one,
      // as row by row). "WHERE true" is SQLite's required disambiguation of INSERT … SELECT … ON CONFLICT.
      upsertBatch: sqlite.prepare(
        `WITH k (organizer_id, integration_id, calendar_id, now) AS (SELECT ?, ?, ?, ?)
         INSERT INTO blocked_times (${COLUMNS})
         SELECT v.column1, k.organizer_id, 'synced', k.integration_id, k.calendar_id, v.column2, v.column3, v.column4,
           v.column5, v.column6, v.column7, v.column8, k.now, k.now
         FROM k, (VALUES ${Array<string>(BATCH).fill(`(${Array<string>(ROW_PARAMS).fill('?').join(', ')})`).join(', ')}) AS v
         WHERE true ${ON_CONFLICT}`,
      ),
    };
    statements.set(sqlite, s);
  }
  return s;
}

const toRange = (r: { s: number | null; e: number | null } | undefined): Range | null =>
  r && r.s !== null && r.e !== null ? { start: Number(r.s), end: Number(r.e) } : null;

const likePattern = (prefix: string) => prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';

export class SyncedBlocksRepo {
  readonly #fast: Statements;

  /**
   * `sqlite`: the raw handle of the connection (connection.ts sqliteHandle). Its statements join whatever
   * transaction is open on that connection: use the repo only inside a transaction of your own.
   */
  constructor(
    sqlite: SqliteDatabase.Database,
    private readonly scope: { organizerId: string; integrationId: string; calendarId: string },
  ) {
    this.#fast = statementsFor(sqlite);
  }

  /** Everything of this calendar (resetLocal). Returns the range the removed blocks covered. */
  deleteAll(): Promise<Range | null> {
    const { integrationId, calendarId } = this.scope;
    const range = toRange(this.#fast.rangeAll.get(integrationId, calendarId));
    if (range) this.#fast.deleteAll.run(integrationId, calendarId);
    return Promise.resolve(range);
  }

  /** Blocks whose external id starts with `prefix` (a CalDAV resource's expanded instances: `${href}#`). */
  deletePrefix(prefix: string): Promise<Range | null> {
    const pattern = likePattern(prefix);
    const { integrationId, calendarId } = this.scope;
    const range = toRange(this.#fast.rangeLike.get(integrationId, calendarId, pattern));
    if (range) this.#fast.deleteLike.run(integrationId, calendarId, pattern);
    return Promise.resolve(range);
  }

  deleteIds(ids: string[]): Promise<Range | null> {
    if (!ids.length) return Promise.resolve(null);
    const { integrationId, calendarId } = this.scope;
    const json = JSON.stringify(ids);
    const range = toRange(this.#fast.rangeIds.get(integrationId, calendarId, json));
    if (range) this.#fast.deleteIds.run(integrationId, calendarId, json);
    return Promise.resolve(range);
  }

  /** Insert or update by (integration, calendar, external id). Returns the old and new range touched. */
  upsert(events: SyncedBlockInput[], now: number, opts: { calendarEmpty?: boolean } = {}): Promise<Range | null> {
    if (!events.length) return Promise.resolve(null);
    const { organizerId, integrationId, calendarId } = this.scope;
    const f = this.#fast;
    // The old places of updated blocks matter for conflict recomputation; a calendar just emptied has none.
    const range = opts.calendarEmpty ? null : toRange(f.rangeIds.get(integrationId, calendarId, JSON.stringify(events.map((e) => e.externalId))));
    let start = Infinity;
    let end = -Infinity;
    const n = events.length;
    let i = 0;
    if (n >= BATCH) {
      const args: unknown[] = new Array<unknown>(4 + BATCH * ROW_PARAMS);
      args[0] = organizerId;
      args[1] = integrationId;
      args[2] = calendarId;
      args[3] = now;
      for (; i + BATCH <= n; i += BATCH) {
        let a = 4;
        for (let j = i; j < i + BATCH; j++) {
          const e = events[j]!;
          if (e.startUtc < start) start = e.startUtc;
          if (e.endUtc > end) end = e.endUtc;
          args[a++] = orderedUuid();
          args[a++] = e.externalId;
          args[a++] = e.title;
          args[a++] = e.startUtc;
          args[a++] = e.endUtc;
          args[a++] = e.timeZone;
          args[a++] = e.allDay ? 1 : 0;
          args[a++] = e.busy ? 1 : 0;
        }
        f.upsertBatch.run(args);
      }
    }
    for (; i < n; i++) {
      const e = events[i]!;
      if (e.startUtc < start) start = e.startUtc;
      if (e.endUtc > end) end = e.endUtc;
      f.upsert.run(
        orderedUuid(),
        organizerId,
        integrationId,
        calendarId,
        e.externalId,
        e.title,
        e.startUtc,
        e.endUtc,
        e.timeZone,
        e.allDay ? 1 : 0,
        e.busy ? 1 : 0,
        now,
        now,
      );
    }
    return Promise.resolve(unionRange(range, { start, end }));
  }
}

export { unionRange };
