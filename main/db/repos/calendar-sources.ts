// Per-calendar sync state (calendar_sources) and the calendar-sync preferences of an integration.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CalendarIntegrationRow, CalendarSourceRow, Database, LogRow } from '../schema';

export interface ListedCalendar {
  id: string;
  name: string;
  primary: boolean;
  readOnly: boolean;
  timeZone: string | null;
}

export class CalendarSourcesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  list(integrationId: string): Promise<CalendarSourceRow[]> {
    return this.db
      .selectFrom('calendar_sources')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .orderBy('is_primary', 'desc')
      .orderBy('name')
      .execute();
  }

  get(id: string): Promise<CalendarSourceRow | undefined> {
    return this.db.selectFrom('calendar_sources').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Mirrors the provider's list: new calendars are added (selected when `selectNew` says so), known ones get
   * their name/flags refreshed and a 'revoked'/'failing' state reset (the user asked to look again), calendars
   * the provider no longer lists are removed (with their synced blocks, by the caller). Returns removed ids.
   */
  async mirror(
    integrationId: string,
    listed: ListedCalendar[],
    selectNew: (c: ListedCalendar) => boolean,
    now: number,
  ): Promise<{ removed: CalendarSourceRow[] }> {
    const known = await this.list(integrationId);
    const byExt = new Map(known.map((k) => [k.external_calendar_id, k]));
    for (const c of listed) {
      const k = byExt.get(c.id);
      if (k) {
        await this.db
          .updateTable('calendar_sources')
          .set({
            name: c.name,
            is_primary: c.primary ? 1 : 0,
            read_only: c.readOnly ? 1 : 0,
            time_zone: c.timeZone,
            access_state: 'ok',
            last_error: null,
            updated_at: now,
          })
          .where('id', '=', k.id)
          .execute();
      } else {
        await this.db
          .insertInto('calendar_sources')
          .values({
            id: randomUUID(),
            integration_id: integrationId,
            external_calendar_id: c.id,
            name: c.name,
            is_primary: c.primary ? 1 : 0,
            read_only: c.readOnly ? 1 : 0,
            time_zone: c.timeZone,
            selected: selectNew(c) ? 1 : 0,
            sync_cursor: null,
            window_start: null,
            window_end: null,
            last_sync_at: null,
            last_full_sync_at: null,
            last_error: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    }
    const listedIds = new Set(listed.map((c) => c.id));
    const removed = known.filter((k) => !listedIds.has(k.external_calendar_id));
    for (const r of removed) await this.db.deleteFrom('calendar_sources').where('id', '=', r.id).execute();
    return { removed };
  }

  /** Drops the cursor and records the window a full sync is about to cover (same transaction as its first page). */
  async beginFull(id: string, window: { start: number; end: number }, now: number): Promise<void> {
    await this.db
      .updateTable('calendar_sources')
      .set({ sync_cursor: null, window_start: window.start, window_end: window.end, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Saves the cursor with the last page of a sync. */
  async finish(
    id: string,
    s: { cursor: string | null; window: { start: number; end: number }; full: boolean },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('calendar_sources')
      .set({
        sync_cursor: s.cursor,
        window_start: s.window.start,
        window_end: s.window.end,
        last_sync_at: now,
        ...(s.full ? { last_full_sync_at: now } : {}),
        access_state: 'ok',
        last_error: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async setAccess(id: string, state: CalendarSourceRow['access_state'], lastError: string | null, now: number): Promise<void> {
    await this.db
      .updateTable('calendar_sources')
      .set({ access_state: state, last_error: lastError, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Selects exactly these calendar_sources ids of the integration; newly selected ones start with a full sync. */
  async setSelected(integrationId: string, ids: string[], now: number): Promise<{ deselected: CalendarSourceRow[] }> {
    const known = await this.list(integrationId);
    const want = new Set(ids);
    const deselected: CalendarSourceRow[] = [];
    for (const k of known) {
      const sel = want.has(k.id);
      if (sel === (k.selected === 1)) continue;
      if (!sel) deselected.push(k);
      await this.db
        .updateTable('calendar_sources')
        .set({ selected: sel ? 1 : 0, sync_cursor: null, window_start: null, window_end: null, updated_at: now })
        .where('id', '=', k.id)
        .execute();
    }
    return { deselected };
  }

  // ── the integration's calendar-sync preferences ──────────────────────────────────────────────────────

  async setPrefs(
    integrationId: string,
    p: { syncEnabled?: boolean; syncFrequency?: string },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('calendar_integrations')
      .set({
        ...(p.syncEnabled !== undefined ? { sync_enabled: p.syncEnabled ? 1 : 0 } : {}),
        // Turning sync back on starts a fresh count of consecutive errors.
        ...(p.syncEnabled === true ? { sync_errors: 0 } : {}),
        ...(p.syncFrequency !== undefined ? { sync_frequency: p.syncFrequency } : {}),
        updated_at: now,
      })
      .where('id', '=', integrationId)
      .execute();
  }

  /** Integrations the periodic sync considers: connected, active, sync on. */
  syncable(organizerId: string): Promise<CalendarIntegrationRow[]> {
    return this.db
      .selectFrom('calendar_integrations')
      .selectAll()
      .where('organizer_id', '=', organizerId)
      .where('connection_status', '=', 'connected')
      .where('is_active', '=', 1)
      .where('sync_enabled', '=', 1)
      .orderBy('created_at')
      .execute();
  }

  /** The newest calendar_sync log rows of an integration (sync history). */
  history(integrationId: string, limit: number): Promise<LogRow[]> {
    return this.db
      .selectFrom('integration_logs')
      .selectAll()
      .where('integration_type', '=', 'calendar')
      .where('integration_id', '=', integrationId)
      .where('log_type', '=', 'calendar_sync')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
