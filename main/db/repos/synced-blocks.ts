// Synced busy times in blocked_times (source 'synced'), keyed by (integration, calendar, external id).
// Used inside the engine's per-page transaction.
import { randomUUID } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema';

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

/** 13 bound values per row; SQLite allows 32766 per statement. */
const CHUNK = 500;

const unionRange = (a: Range | null, b: Range | null): Range | null =>
  !a ? b : !b ? a : { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };

export class SyncedBlocksRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly scope: { organizerId: string; integrationId: string; calendarId: string },
  ) {}

  #base() {
    return this.db
      .selectFrom('blocked_times')
      .where('integration_id', '=', this.scope.integrationId)
      .where('external_calendar_id', '=', this.scope.calendarId);
  }

  async #range(only: { ids?: string[]; like?: RawBuilder<boolean> } = {}): Promise<Range | null> {
    let q = this.#base();
    if (only.ids) q = q.where('external_id', 'in', only.ids);
    if (only.like) q = q.where(only.like);
    const r = await q
      .select((eb) => [eb.fn.min<number>('start_utc').as('s'), eb.fn.max<number>('end_utc').as('e')])
      .executeTakeFirst();
    return r && r.s !== null && r.e !== null ? { start: Number(r.s), end: Number(r.e) } : null;
  }

  /** Everything of this calendar (resetLocal). Returns the range the removed blocks covered. */
  async deleteAll(): Promise<Range | null> {
    const range = await this.#range();
    await this.db
      .deleteFrom('blocked_times')
      .where('integration_id', '=', this.scope.integrationId)
      .where('external_calendar_id', '=', this.scope.calendarId)
      .execute();
    return range;
  }

  /** Blocks whose external id starts with `prefix` (a CalDAV resource's expanded instances: `${href}#`). */
  async deletePrefix(prefix: string): Promise<Range | null> {
    const pattern = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    const like = sql<boolean>`external_id LIKE ${pattern} ESCAPE '\\'`;
    const range = await this.#range({ like });
    await this.db
      .deleteFrom('blocked_times')
      .where('integration_id', '=', this.scope.integrationId)
      .where('external_calendar_id', '=', this.scope.calendarId)
      .where(like)
      .execute();
    return range;
  }

  async deleteIds(ids: string[]): Promise<Range | null> {
    let range: Range | null = null;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      range = unionRange(range, await this.#range({ ids: chunk }));
      await this.db
        .deleteFrom('blocked_times')
        .where('integration_id', '=', this.scope.integrationId)
        .where('external_calendar_id', '=', this.scope.calendarId)
        .where('external_id', 'in', chunk)
        .execute();
    }
    return range;
  }

  /** Insert or update by (integration, calendar, external id). Returns the old and new range touched. */
  async upsert(events: SyncedBlockInput[], now: number, opts: { calendarEmpty?: boolean } = {}): Promise<Range | null> {
    let range: Range | null = null;
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      // The old places of updated blocks matter for conflict recomputation; a calendar just emptied has none.
      if (!opts.calendarEmpty) range = unionRange(range, await this.#range({ ids: chunk.map((e) => e.externalId) }));
      for (const e of chunk) range = unionRange(range, { start: e.startUtc, end: e.endUtc });
      await this.db
        .insertInto('blocked_times')
        .values(
          chunk.map((e) => ({
            id: randomUUID(),
            organizer_id: this.scope.organizerId,
            source: 'synced' as const,
            integration_id: this.scope.integrationId,
            external_calendar_id: this.scope.calendarId,
            external_id: e.externalId,
            title: e.title,
            start_utc: e.startUtc,
            end_utc: e.endUtc,
            time_zone: e.timeZone,
            all_day: e.allDay ? 1 : 0,
            busy: e.busy ? 1 : 0,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['integration_id', 'external_calendar_id', 'external_id'])
            .where('integration_id', 'is not', null)
            .doUpdateSet((eb) => ({
              title: eb.ref('excluded.title'),
              start_utc: eb.ref('excluded.start_utc'),
              end_utc: eb.ref('excluded.end_utc'),
              time_zone: eb.ref('excluded.time_zone'),
              all_day: eb.ref('excluded.all_day'),
              busy: eb.ref('excluded.busy'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
        )
        .execute();
    }
    return range;
  }

  async count(): Promise<number> {
    const r = await this.#base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

export { unionRange };
