// End-to-end harness for calendar sync: a real core (real registry → real adapters over ProviderHttp) connected
// through the real OAuth flow to the Google and Graph calendar emulators, or through caldav:connect to Radicale.
import { expect } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { SettingsRepo } from '../../../main/db/repos/settings';
import { ManualClock } from '../../../main/lib/clock';
import { SETTING_WINDOW_FUTURE_DAYS, SETTING_WINDOW_PAST_DAYS } from '../../../main/sync';
import type { CalendarIntegrationView, OAuthResult, OAuthStart } from '../../../shared/domain';
import { type GoogleCalendarEmulator, mountGoogleCalendar } from '../../emulators/google-calendar';
import { type GraphCalendarEmulator, startGraphCalendarEmulator } from '../../emulators/graph-calendar';
import { type AllOAuthEmulators, junctionEnvFor, startAllOAuthEmulators } from '../../emulators/oauth';
import { tempDir } from '../../support/temp';

export const CALLBACK = 'http://127.0.0.1:47999/oauth/callback';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Block {
  externalId: string;
  title: string;
  startUtc: number;
  endUtc: number;
  allDay: boolean;
  busy: boolean;
}

export interface E2E {
  core: Core;
  clock: ManualClock;
  emulators: AllOAuthEmulators;
  google: GoogleCalendarEmulator;
  graph: GraphCalendarEmulator;
  /** Every request the core made to a provider (URL), through the `fetch` the core was given. */
  requests: string[];
  call<T>(channel: string, input?: unknown): Promise<T>;
  connect(provider: 'google' | 'outlook'): Promise<string>;
  connectCalDav(serverUrl: string, username: string, password: string): Promise<string>;
  /** The integration's only selected calendar (listing it first if needed). */
  calendarOf(integrationId: string): Promise<{ id: string; windowStart: number | null; windowEnd: number | null; cursor: string | null }>;
  blocks(integrationId: string, calendarId: string): Promise<Block[]>;
  setWindowDays(past: number, future: number): Promise<void>;
  close(): Promise<void>;
}

export async function startE2E(opts: { now?: number } = {}): Promise<E2E> {
  const t = tempDir();
  const clock = new ManualClock(opts.now ?? Date.UTC(2026, 0, 5, 9, 0, 0));
  const emulators = await startAllOAuthEmulators({ clock, redirectUris: [CALLBACK] });
  const google = mountGoogleCalendar(emulators.google, { clock });
  const graph = await startGraphCalendarEmulator({ oauth: emulators.microsoft, clock });
  const requests: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  const core = await createCore({ dataDir: t.dir, clock, startScheduler: false, env: junctionEnvFor(emulators), fetch: countingFetch });
  core.accounts.oauth.useHostCallback(CALLBACK);
  const call = async <T>(channel: string, input: unknown = {}): Promise<T> => {
    const r = await core.router.invoke(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  };
  return {
    core,
    clock,
    emulators,
    google,
    graph,
    requests,
    call,
    async connect(provider) {
      const s = await call<OAuthStart>('oauth:initiate', { provider, integrationType: 'calendar' });
      const back = await emulators[provider === 'google' ? 'google' : 'microsoft'].authorize(s.authorizationUrl);
      const r = await call<OAuthResult>('oauth:callback', { url: back });
      expect(r.status).toBe('connected');
      return r.integrationId;
    },
    async connectCalDav(serverUrl, username, password) {
      const v = await call<CalendarIntegrationView>('caldav:connect', { serverUrl, username, password });
      return v.id;
    },
    async calendarOf(integrationId) {
      let rows = await core.db.selectFrom('calendar_sources').selectAll().where('integration_id', '=', integrationId).execute();
      if (rows.length === 0) {
        await core.calendarSync.engine.refreshCalendars(integrationId);
        rows = await core.db.selectFrom('calendar_sources').selectAll().where('integration_id', '=', integrationId).execute();
      }
      const sel = rows.filter((r) => r.selected === 1);
      expect(sel).toHaveLength(1);
      const s = sel[0]!;
      return { id: s.external_calendar_id, windowStart: s.window_start, windowEnd: s.window_end, cursor: s.sync_cursor };
    },
    async blocks(integrationId, calendarId) {
      const rows = await core.db
        .selectFrom('blocked_times')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('external_calendar_id', '=', calendarId)
        .execute();
      for (const r of rows) expect(r.source).toBe('synced');
      return rows
        .map((r) => ({ externalId: r.external_id!, title: r.title, startUtc: r.start_utc, endUtc: r.end_utc, allDay: r.all_day === 1, busy: r.busy === 1 }))
        .sort(byKey);
    },
    async setWindowDays(past, future) {
      const s = new SettingsRepo(core.db);
      await s.set(SETTING_WINDOW_PAST_DAYS, past, clock.now());
      await s.set(SETTING_WINDOW_FUTURE_DAYS, future, clock.now());
    },
    async close() {
      await core.dispose();
      await graph.close();
      await google.close();
      await emulators.close();
      t.cleanup();
    },
  };
}

export const byKey = (a: Block, b: Block) => a.externalId.localeCompare(b.externalId) || a.startUtc - b.startUtc;

/** Drops the ids: for providers whose instance ids the test does not predict. */
export const shape = (bs: Omit<Block, 'externalId'>[]) =>
  bs.map(({ title, startUtc, endUtc, allDay, busy }) => ({ title, startUtc, endUtc, allDay, busy })).sort(
    (a, b) => a.startUtc - b.startUtc || a.endUtc - b.endUtc || a.title.localeCompare(b.title) || Number(a.busy) - Number(b.busy),
  );
