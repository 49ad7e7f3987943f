// The calendar sync engine: for each selected calendar of an integration, pull pages of changes from the
// adapter and reconcile each page into blocked_times in ONE transaction; the cursor is saved only with the
// last page. A sync killed between pages leaves whole pages behind and the old (or, after a reset, no)
// cursor, so the next run converges: upserts and deletes are idempotent, and a full sync replaces.
// Pages are pipelined one deep: the next page is requested before the current one is written (DESIGN.md §6).
import type { Kysely } from 'kysely';
import { AppError } from '../../shared/errors';
import type { SyncProgress } from '../../shared/ipc/push';
import { sqliteHandle } from '../db/connection';
import { CalendarSourcesRepo, type ListedCalendar } from '../db/repos/calendar-sources';
import { IntegrationsRepo } from '../db/repos/integrations';
import { SettingsRepo } from '../db/repos/settings';
import { type Range, SyncedBlocksRepo, unionRange } from '../db/repos/synced-blocks';
import type { CalendarIntegrationRow, CalendarSourceRow, Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import type { CalendarAdapter, SyncPage, SyncWindow } from '../providers/calendar/types';
import type { IntegrationsService } from '../services/integrations-service';
import type { LogsService } from '../services/logs-service';
import { INTEGRATION_LABEL, type NotificationService } from '../services/notifications-service';
import { classifyFailure, failureMessage, type FailureKind } from './errors';
import {
  decideWindow,
  DEFAULT_WINDOW_FUTURE_DAYS,
  DEFAULT_WINDOW_PAST_DAYS,
  desiredWindow,
  SETTING_WINDOW_FUTURE_DAYS,
  SETTING_WINDOW_PAST_DAYS,
} from './window';

export type AdapterFactory = (row: CalendarIntegrationRow) => Promise<CalendarAdapter>;

export interface BlocksChanged {
  integrationId: string;
  calendarId: string;
  start: number;
  end: number;
}

export interface SyncEngineDeps {
  db: Kysely<Database>;
  clock: Clock;
  pushes: PushBus;
  logs: LogsService;
  integrations: IntegrationsService;
  notifications: Pick<NotificationService, 'notify'>;
  organizerId: string;
  adapterFor: AdapterFactory;
}

export interface SyncOptions {
  /** Drop cursors and do a full sync of every selected calendar. */
  force?: boolean;
  /** Asked by the user: runs even with sync off, and retries calendars marked revoked. */
  manual?: boolean;
  signal?: AbortSignal;
}

export interface CalendarRunResult {
  calendarId: string;
  name: string;
  state: 'synced' | 'skipped' | 'revoked' | 'failed';
  full: boolean;
  pages: number;
  upserted: number;
  deleted: number;
  error?: string;
}

export interface SyncRunResult {
  integrationId: string;
  status: 'done' | 'failed' | 'skipped';
  reason?: string;
  calendars: CalendarRunResult[];
  pages: number;
  eventsProcessed: number;
  /** upserted + deleted across calendars (0 = nothing changed). */
  changes: number;
  error?: string;
  failure?: FailureKind;
}

const label = (row: CalendarIntegrationRow) =>
  `${INTEGRATION_LABEL[row.provider]}${row.provider_email ? ` (${row.provider_email})` : ''}`;

/** Picks what a first listing selects: the primary calendar (or the integration's calendar, or the first). */
export function defaultSelection(row: CalendarIntegrationRow, listed: ListedCalendar[]): (c: ListedCalendar) => boolean {
  const pick = listed.find((c) => c.primary) ?? listed.find((c) => c.id === row.calendar_id) ?? listed[0];
  return (c) => c === pick;
}

export class CalendarSyncEngine {
  readonly #d: SyncEngineDeps;
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #blockListeners = new Set<(r: BlocksChanged) => void | Promise<void>>();
  /** The connection's raw handle: synced blocks are written with prepared statements (inside kysely's transactions). */
  readonly #sqlite: ReturnType<typeof sqliteHandle>;

  constructor(deps: SyncEngineDeps) {
    this.#d = deps;
    this.#sqlite = sqliteHandle(deps.db);
  }

  /** Called after each committed page with the time range whose busy blocks changed (conflict detection). */
  onBlocksChanged(listener: (r: BlocksChanged) => void | Promise<void>): () => void {
    this.#blockListeners.add(listener);
    return () => this.#blockListeners.delete(listener);
  }

  async window(now: number): Promise<SyncWindow> {
    const settings = new SettingsRepo(this.#d.db);
    const days = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 3650 ? v : d);
    return desiredWindow(
      now,
      days(await settings.get(SETTING_WINDOW_PAST_DAYS), DEFAULT_WINDOW_PAST_DAYS),
      days(await settings.get(SETTING_WINDOW_FUTURE_DAYS), DEFAULT_WINDOW_FUTURE_DAYS),
    );
  }

  /** One run at a time per integration (in this process); a second caller waits for the first. */
  syncCalendar(integrationId: string, opts: SyncOptions = {}): Promise<SyncRunResult> {
    const prev = this.#running.get(integrationId) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => this.#run(integrationId, opts));
    this.#running.set(integrationId, run);
    void run.finally(() => {
      if (this.#running.get(integrationId) === run) this.#running.delete(integrationId);
    }).catch(() => undefined);
    return run;
  }

  /** Refreshes the calendar list from the provider (new calendars unselected, except on the first listing). */
  async refreshCalendars(integrationId: string, adapter?: CalendarAdapter): Promise<CalendarSourceRow[]> {
    const row = await this.#integration(integrationId);
    const a = adapter ?? (await this.#d.adapterFor(row));
    const listed = await a.listCalendars();
    const now = this.#d.clock.now();
    await this.#d.db.transaction().execute(async (trx) => {
      const repo = new CalendarSourcesRepo(trx);
      const first = (await repo.list(integrationId)).length === 0;
      const { removed } = await repo.mirror(integrationId, listed, first ? defaultSelection(row, listed) : () => false, now);
      for (const r of removed) {
        await new SyncedBlocksRepo(this.#sqlite, { organizerId: row.organizer_id, integrationId, calendarId: r.external_calendar_id }).deleteAll();
      }
    });
    return new CalendarSourcesRepo(this.#d.db).list(integrationId);
  }

  async #integration(id: string): Promise<CalendarIntegrationRow> {
    const row = await new IntegrationsRepo(this.#d.db).getCalendar(id);
    if (!row) throw new AppError('NOT_FOUND', 'That calendar connection no longer exists.', { id });
    return row;
  }

  #progress(p: SyncProgress): void {
    this.#d.pushes.emit('sync:progress', p);
  }

  async #run(integrationId: string, opts: SyncOptions): Promise<SyncRunResult> {
    const { clock } = this.#d;
    const row = await this.#integration(integrationId);
    const result: SyncRunResult = { integrationId, status: 'done', calendars: [], pages: 0, eventsProcessed: 0, changes: 0 };
    if (row.connection_status !== 'connected') return { ...result, status: 'skipped', reason: 'disconnected' };
    if (row.sync_enabled !== 1 && !opts.manual) return { ...result, status: 'skipped', reason: 'sync-disabled' };
    const started = clock.now();
    const push = (phase: string, state: SyncProgress['state'] = 'running') =>
      this.#progress({ integrationId, phase, pages: result.pages, eventsProcessed: result.eventsProcessed, state });
    push('starting');

    try {
      const adapter = await this.#d.adapterFor(row);
      let sources = await new CalendarSourcesRepo(this.#d.db).list(integrationId);
      if (sources.length === 0 || opts.force) {
        push('listing calendars');
        sources = await this.refreshCalendars(integrationId, adapter);
      }
      for (const src of sources.filter((s) => s.selected === 1)) {
        opts.signal?.throwIfAborted();
        const cal: CalendarRunResult = {
          calendarId: src.external_calendar_id,
          name: src.name,
          state: 'synced',
          full: false,
          pages: 0,
          upserted: 0,
          deleted: 0,
        };
        result.calendars.push(cal);
        if (src.access_state === 'revoked' && !opts.manual && !opts.force) {
          cal.state = 'skipped';
          cal.error = src.last_error ?? undefined;
          continue;
        }
        try {
          await this.#syncSource(row, adapter, src, opts, cal, result, push);
        } catch (err) {
          if (opts.signal?.aborted) throw err;
          const kind = classifyFailure(err);
          cal.error = failureMessage(err);
          if (kind === 'revoked') {
            cal.state = 'revoked';
            await this.#markRevoked(row, src, err);
          } else {
            cal.state = 'failed';
            await new CalendarSourcesRepo(this.#d.db).setAccess(src.id, 'failing', cal.error, clock.now());
            // A token problem concerns every calendar of the account: stop here.
            if (kind === 'auth') {
              result.failure = kind;
              throw err;
            }
            result.failure ??= kind;
          }
        }
      }
      if (result.calendars.some((c) => c.state === 'failed')) {
        result.status = 'failed';
        result.error = result.calendars.find((c) => c.state === 'failed')!.error;
      }
    } catch (err) {
      if (opts.signal?.aborted) {
        push('interrupted', 'failed');
        throw err;
      }
      result.status = 'failed';
      result.error = failureMessage(err);
      result.failure ??= classifyFailure(err);
    }

    result.changes = result.calendars.reduce((n, c) => n + c.upserted + c.deleted, 0);
    await this.#finishRun(row, result, clock.now() - started, opts);
    push(result.status === 'done' ? 'done' : 'failed', result.status === 'done' ? 'done' : 'failed');
    return result;
  }

  async #syncSource(
    row: CalendarIntegrationRow,
    adapter: CalendarAdapter,
    src: CalendarSourceRow,
    opts: SyncOptions,
    cal: CalendarRunResult,
    result: SyncRunResult,
    push: (phase: string) => void,
  ): Promise<void> {
    const now = this.#d.clock.now();
    let decision = decideWindow(
      { cursor: src.sync_cursor, windowStart: src.window_start, windowEnd: src.window_end },
      await this.window(now),
      opts.force,
    );
    for (let attempt = 0; ; attempt++) {
      try {
        const full = decision.mode === 'full';
        const cursor = decision.mode === 'incremental' ? decision.cursor : null;
        cal.full = full;
        await this.#pull(row, adapter, src, cursor, decision.window, full, opts, cal, result, push);
        return;
      } catch (err) {
        // The provider said the cursor is stale and the adapter did not restart itself: one full resync.
        if (attempt === 0 && classifyFailure(err) === 'stale') {
          decision = { mode: 'full', window: await this.window(this.#d.clock.now()), reason: 'no-cursor' };
          continue;
        }
        throw err;
      }
    }
  }

  async #pull(
    row: CalendarIntegrationRow,
    adapter: CalendarAdapter,
    src: CalendarSourceRow,
    cursor: string | null,
    window: SyncWindow,
    full: boolean,
    opts: SyncOptions,
    cal: CalendarRunResult,
    result: SyncRunResult,
    push: (phase: string) => void,
  ): Promise<void> {
    const scope = { organizerId: row.organizer_id, integrationId: row.id, calendarId: src.external_calendar_id };
    let first = true;
    let saved = false;
    // Once this run emptied the calendar, every old place of a block is already inside the changed range.
    let emptiedThisRun = false;
    const phase = `${full ? 'full sync' : 'syncing'}: ${src.name}`;
    push(phase);
    const pages = adapter.pullChanges(src.external_calendar_id, cursor, window)[Symbol.asyncIterator]();
    let next: Promise<IteratorResult<SyncPage>> | null = pages.next();
    try {
      for (;;) {
        const step: IteratorResult<SyncPage> = await next;
        next = null;
        if (step.done) break;
        const page = step.value;
        opts.signal?.throwIfAborted();
        const last = page.nextCursor !== null;
        // Pipelined: the next page is asked for before this one is written, and given one turn of the event loop
        // to get its request out (it reads the token from the database, which this page's transaction would
        // otherwise hold first), so a remote provider's latency overlaps the write. Its failure, if any, is seen
        // once this page committed, exactly as without the overlap.
        next = pages.next();
        next.catch(() => undefined);
        await new Promise<void>((resolve) => setImmediate(resolve));
        const now = this.#d.clock.now();
        const prefixes = page.deleted.filter((id) => id.endsWith('#*')).map((id) => id.slice(0, -1));
        const ids = page.deleted.filter((id) => !id.endsWith('#*'));
        const range = await this.#d.db.transaction().execute(async (trx) => {
          const blocks = new SyncedBlocksRepo(this.#sqlite, scope);
          const sources = new CalendarSourcesRepo(trx);
          let r: Range | null = null;
          // A full sync replaces everything of this calendar, and leaves no cursor until its last page lands.
          if ((first && full) || page.resetLocal) {
            emptiedThisRun = true;
            if (page.resetLocal) cal.full = true; // the adapter restarted by itself (stale cursor)
            r = unionRange(r, await blocks.deleteAll());
            await sources.beginFull(src.id, window, now);
          }
          for (const p of prefixes) r = unionRange(r, await blocks.deletePrefix(p));
          if (ids.length) r = unionRange(r, await blocks.deleteIds(ids));
          if (page.upserted.length) {
            r = unionRange(r, await blocks.upsert(page.upserted, now, { calendarEmpty: emptiedThisRun }));
          }
          if (last) await sources.finish(src.id, { cursor: page.nextCursor, window, full: full || page.resetLocal }, now);
          return r;
        });
        first = false;
        saved ||= last;
        cal.pages++;
        cal.upserted += page.upserted.length;
        cal.deleted += page.deleted.length;
        result.pages++;
        result.eventsProcessed += page.upserted.length + page.deleted.length;
        if (range) await this.#blocksChanged({ integrationId: row.id, calendarId: src.external_calendar_id, ...range });
        push(phase);
      }
    } catch (err) {
      // Let a request still in flight finish (never leave it running behind the caller), then close the adapter.
      if (next) await next.catch(() => undefined);
      await pages.return?.().catch(() => undefined);
      throw err;
    }
    if (!saved) {
      // The adapter ended without a cursor (none to give, or no page at all): record the run, no cursor.
      const now = this.#d.clock.now();
      const range = await this.#d.db.transaction().execute(async (trx) => {
        const r = first && full ? await new SyncedBlocksRepo(this.#sqlite, scope).deleteAll() : null;
        await new CalendarSourcesRepo(trx).finish(src.id, { cursor: null, window, full }, now);
        return r;
      });
      if (range) await this.#blocksChanged({ integrationId: row.id, calendarId: src.external_calendar_id, ...range });
    }
  }

  async #blocksChanged(r: BlocksChanged): Promise<void> {
    for (const l of this.#blockListeners) {
      try {
        await l(r);
      } catch {
        // conflict detection must not fail a sync
      }
    }
  }

  async #markRevoked(row: CalendarIntegrationRow, src: CalendarSourceRow, err: unknown): Promise<void> {
    const what =
      `Junction can no longer read the calendar "${src.name}" of ${label(row)} (${failureMessage(err)}). ` +
      'It may have been deleted or its owner stopped sharing it. Open the calendar settings and press ' +
      '"Refresh calendars" to check again, or deselect it; Junction will not retry it until then.';
    await new CalendarSourcesRepo(this.#d.db).setAccess(src.id, 'revoked', what, this.#d.clock.now());
    if (src.access_state !== 'revoked') {
      await this.#d.notifications.notify({
        kind: 'calendar_access_revoked',
        severity: 'warning',
        title: `${INTEGRATION_LABEL[row.provider]}: no access to "${src.name}"`,
        body: what,
        integrationType: 'calendar',
        integrationId: row.id,
        actionRoute: `/integrations/calendar/${row.id}/settings`,
      });
    }
  }

  async #finishRun(row: CalendarIntegrationRow, result: SyncRunResult, durationMs: number, opts: SyncOptions): Promise<void> {
    const counts = {
      calendars: result.calendars.map(({ calendarId, name, state, full, pages, upserted, deleted, error }) => ({
        calendarId,
        name,
        state,
        full,
        pages,
        upserted,
        deleted,
        ...(error ? { error } : {}),
      })),
      pages: result.pages,
      upserted: result.calendars.reduce((n, c) => n + c.upserted, 0),
      deleted: result.calendars.reduce((n, c) => n + c.deleted, 0),
      durationMs,
      force: opts.force ?? false,
      manual: opts.manual ?? false,
    };
    const synced = result.calendars.filter((c) => c.state === 'synced').length;
    const ok = result.status === 'done';
    await this.#d.logs.append({
      logType: 'calendar_sync',
      integrationType: 'calendar',
      integrationId: row.id,
      success: ok,
      message: ok
        ? `Synced ${label(row)}: ${synced} calendar${synced === 1 ? '' : 's'}, ${counts.upserted} updated, ${counts.deleted} removed in ${result.pages} page${result.pages === 1 ? '' : 's'}`
        : `Sync of ${label(row)} failed: ${result.error ?? 'unknown error'}`,
      details: counts,
    });
    if (ok) {
      await this.#d.integrations.markSyncSuccess(row.id);
      return;
    }
    const view = await this.#d.integrations.markSyncError(row.id);
    if (row.sync_enabled === 1 && !view.syncEnabled) {
      const n = this.#d.integrations.maxConsecutiveSyncErrors;
      await this.#d.notifications.notify({
        kind: 'calendar_sync_disabled',
        severity: 'error',
        title: `${INTEGRATION_LABEL[row.provider]} sync was turned off`,
        body:
          `Junction could not sync ${label(row)} ${n} times in a row (last error: ${result.error ?? 'unknown'}). ` +
          'Its busy times may be out of date. Fix the cause (reconnect it if asked), then turn sync back on in its settings.',
        integrationType: 'calendar',
        integrationId: row.id,
        actionRoute: `/integrations/calendar/${row.id}/settings`,
      });
    }
  }
}
