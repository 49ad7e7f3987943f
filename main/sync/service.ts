// What the calendar channels call: details, preferences, calendar selection, sync requests.
import type { Kysely } from 'kysely';
import type { CalendarIntegrationDetail, CalendarSourceView, SyncFrequency, SyncRequested } from '../../shared/domain';
import { SYNC_FREQUENCIES } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { CalendarSourcesRepo } from '../db/repos/calendar-sources';
import { IntegrationsRepo } from '../db/repos/integrations';
import { sqliteHandle } from '../db/connection';
import { SyncedBlocksRepo } from '../db/repos/synced-blocks';
import type { CalendarIntegrationRow, CalendarSourceRow, Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import type { Scheduler } from '../scheduler';
import { toCalendarView, toLogEntry } from '../services/mappers';
import type { CalendarSyncEngine } from './engine';
import { SYNC_JOB, syncKey } from './jobs';

export const HISTORY_LIMIT = 20;

export const toSourceView = (r: CalendarSourceRow): CalendarSourceView => ({
  id: r.id,
  externalCalendarId: r.external_calendar_id,
  name: r.name,
  primary: r.is_primary === 1,
  readOnly: r.read_only === 1,
  selected: r.selected === 1,
  lastSyncAt: r.last_sync_at,
  accessState: r.access_state,
  lastError: r.last_error,
});

const frequencyOf = (v: string): SyncFrequency => {
  const n = Number(v);
  return (SYNC_FREQUENCIES as readonly (string | number)[]).includes(n) ? (n as SyncFrequency) : 'auto';
};

export interface CalendarSyncServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  pushes: PushBus;
  organizerId: string;
  scheduler: Scheduler;
  engine: CalendarSyncEngine;
}

export class CalendarSyncService {
  constructor(private readonly d: CalendarSyncServiceDeps) {}

  async #row(id: string): Promise<CalendarIntegrationRow> {
    const row = await new IntegrationsRepo(this.d.db).getCalendar(id);
    if (!row || row.organizer_id !== this.d.organizerId) {
      throw new AppError('NOT_FOUND', 'That calendar connection no longer exists.', { id });
    }
    return row;
  }

  async get(id: string): Promise<CalendarIntegrationDetail> {
    const row = await this.#row(id);
    const repo = new CalendarSourcesRepo(this.d.db);
    return {
      ...toCalendarView(row),
      syncFrequency: frequencyOf(row.sync_frequency),
      calendars: (await repo.list(id)).map(toSourceView),
      history: (await repo.history(id, HISTORY_LIMIT)).map(toLogEntry),
    };
  }

  async update(input: ChannelParsed<'calendar:update'>): Promise<CalendarIntegrationDetail> {
    const row = await this.#row(input.id);
    const now = this.d.clock.now();
    let selectionChanged = false;
    await this.d.db.transaction().execute(async (trx) => {
      const repo = new CalendarSourcesRepo(trx);
      if (input.selectedCalendarIds) {
        const known = new Set((await repo.list(row.id)).map((s) => s.id));
        const unknown = input.selectedCalendarIds.filter((x) => !known.has(x));
        if (unknown.length) {
          throw new AppError('VALIDATION', 'Some selected calendars do not belong to this account; refresh the list.', { unknown });
        }
        const { deselected } = await repo.setSelected(row.id, input.selectedCalendarIds, now);
        // A calendar no longer selected stops blocking availability at once.
        for (const s of deselected) {
          await new SyncedBlocksRepo(sqliteHandle(this.d.db), { organizerId: row.organizer_id, integrationId: row.id, calendarId: s.external_calendar_id }).deleteAll();
        }
        selectionChanged = true;
      }
      await repo.setPrefs(
        row.id,
        {
          ...(input.syncEnabled !== undefined ? { syncEnabled: input.syncEnabled } : {}),
          ...(input.syncFrequency !== undefined ? { syncFrequency: String(input.syncFrequency) } : {}),
        },
        now,
      );
    });
    this.d.pushes.emit('integration:changed', { integrationType: 'calendar', id: row.id, provider: row.provider, change: 'updated' });
    const enabledNow = input.syncEnabled ?? row.sync_enabled === 1;
    if (enabledNow && (selectionChanged || (input.syncEnabled === true && row.sync_enabled !== 1))) {
      await this.#enqueue(row.id, false, true);
    }
    return this.get(row.id);
  }

  /** Asks the provider for the account's calendars and mirrors them. */
  async listCalendars(id: string): Promise<CalendarSourceView[]> {
    await this.#row(id);
    return (await this.d.engine.refreshCalendars(id)).map(toSourceView);
  }

  sync(id: string): Promise<SyncRequested> {
    return this.#request(id, false);
  }

  forceSync(id: string): Promise<SyncRequested> {
    return this.#request(id, true);
  }

  async #request(id: string, force: boolean): Promise<SyncRequested> {
    const row = await this.#row(id);
    if (row.connection_status !== 'connected') {
      throw new AppError('DISCONNECTED', 'This calendar is disconnected; reconnect it before syncing.', { id });
    }
    return { jobId: await this.#enqueue(id, force, true) };
  }

  #enqueue(id: string, force: boolean, manual = false): Promise<number | null> {
    // A forced run has its own key so a queued ordinary sync cannot swallow it; the engine still runs one
    // sync of an integration at a time.
    return this.d.scheduler.enqueue(SYNC_JOB, { integrationId: id, ...(force ? { force } : {}), ...(manual ? { manual } : {}) }, {
      uniqueKey: force ? `${syncKey(id)}:force` : syncKey(id),
    });
  }
}
