// availability:get with `live: true`: a real core connected through the real OAuth flow to the Google Calendar
// emulator (real registry → real adapter over ProviderHttp), synced once; an event added on the provider side
// afterwards counts only when asked live, and a provider failure falls back to the synced data, named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { ManualClock } from '../../../main/lib/clock';
import type { Availability, OAuthResult, OAuthStart } from '../../../shared/domain';
import { type GoogleCalendarEmulator, mountGoogleCalendar } from '../../emulators/google-calendar';
import { type AllOAuthEmulators, junctionEnvFor, startAllOAuthEmulators } from '../../emulators/oauth';
import { call } from '../../support/core';
import { tempDir } from '../../support/temp';

const CALLBACK = 'http://127.0.0.1:47999/oauth/callback';
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
/** Tomorrow 08:00–18:00 UTC, the organizer's zone. */
const RANGE = { rangeStart: Date.UTC(2026, 0, 6, 8), rangeEnd: Date.UTC(2026, 0, 6, 18), durationMinutes: 60, stepMinutes: 30 };
const at = (h: number) => Date.UTC(2026, 0, 6, h);
const iso = (t: number) => new Date(t).toISOString();

let clock: ManualClock;
let emulators: AllOAuthEmulators;
let google: GoogleCalendarEmulator;
let core: Core;
let cleanup: () => void;
/** Every wait ProviderHttp asked for between retries (none is really slept). */
let waits: number[];

beforeEach(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  clock = new ManualClock(NOW);
  emulators = await startAllOAuthEmulators({ clock, redirectUris: [CALLBACK] });
  google = mountGoogleCalendar(emulators.google, { clock });
  waits = [];
  core = await createCore({
    dataDir: t.dir,
    clock,
    startScheduler: false,
    env: junctionEnvFor(emulators),
    providerHttpSleep: async (ms) => {
      waits.push(ms);
    },
  });
  core.accounts.oauth.useHostCallback(CALLBACK);
  await call(core, 'settings:update', { timeZone: 'UTC' });
});
afterEach(async () => {
  await core.dispose();
  await google.close();
  await emulators.close();
  cleanup();
});

/** Connects Google through the OAuth flow and syncs once; returns the integration and its selected calendar. */
async function connectAndSync(): Promise<{ integrationId: string; calendarId: string; calendarName: string }> {
  const s = await call<OAuthStart>(core, 'oauth:initiate', { provider: 'google', integrationType: 'calendar' });
  const back = await emulators.google.authorize(s.authorizationUrl);
  const r = await call<OAuthResult>(core, 'oauth:callback', { url: back });
  expect(r.status).toBe('connected');
  const integrationId = r.integrationId;
  await core.calendarSync.engine.refreshCalendars(integrationId);
  const src = await core.db
    .selectFrom('calendar_sources')
    .selectAll()
    .where('integration_id', '=', integrationId)
    .where('selected', '=', 1)
    .executeTakeFirstOrThrow();
  // Synced: 13:00–14:00. Added after the sync (never synced): 10:00–11:00.
  event(src.external_calendar_id, 'aaaa0001', at(13), at(14));
  expect((await core.calendarSync.engine.syncCalendar(integrationId)).status).toBe('done');
  event(src.external_calendar_id, 'aaaa0002', at(10), at(11));
  return { integrationId, calendarId: src.external_calendar_id, calendarName: src.name };
}

function event(calendarId: string, id: string, start: number, end: number): void {
  google.createEvent(calendarId, { id, summary: id, start: { dateTime: iso(start), timeZone: 'UTC' }, end: { dateTime: iso(end), timeZone: 'UTC' } });
}

const starts = (a: Availability) => a.slots.map((s) => new Date(s.startUtc).toISOString().slice(11, 16));

describe('availability:get live', () => {
  it('without live: synced data only (the unsynced event is offered); with live: the provider says it is busy', async () => {
    const { integrationId, calendarName } = await connectAndSync();

    const stored = await call<Availability>(core, 'availability:get', RANGE);
    expect(starts(stored)).toContain('10:00');
    expect(starts(stored)).not.toContain('13:00');
    expect(stored.liveChecked).toBeUndefined();
    expect(stored.liveErrors).toBeUndefined();

    google.resetCounters();
    const callsBefore = (await core.db.selectFrom('api_calls').select('id').where('integration_id', '=', integrationId).execute()).length;
    const live = await call<Availability>(core, 'availability:get', { ...RANGE, live: true });
    expect(starts(live)).not.toContain('09:30');
    expect(starts(live)).not.toContain('10:00');
    expect(starts(live)).not.toContain('10:30');
    expect(starts(live)).toContain('11:00');
    expect(starts(live)).not.toContain('13:00');
    expect(live.liveChecked).toEqual([{ integrationId, provider: 'google', accountEmail: expect.any(String), calendar: calendarName }]);
    expect(live.liveErrors).toEqual([]);
    expect(google.counters['freeBusy.query']).toBe(1);
    // Live answers are not stored: the synced data still does not know the event.
    expect(await core.db.selectFrom('blocked_times').select('id').where('start_utc', '=', at(10)).execute()).toEqual([]);
    // Made through ProviderHttp: recorded like every provider call.
    const calls = await core.db.selectFrom('api_calls').selectAll().where('integration_id', '=', integrationId).execute();
    expect(calls.length).toBe(callsBefore + 1);
    expect(calls.at(-1)).toMatchObject({ provider: 'google', status: 200 });
  });

  it('a provider 503 during the live check: the slot comes from the synced data and the calendar is named', async () => {
    const { integrationId, calendarName } = await connectAndSync();
    google.failNext('freeBusy.query', { status: 503, times: 10 });

    const r = await call<Availability>(core, 'availability:get', { ...RANGE, live: true });
    expect(starts(r)).toContain('10:00'); // not known without the live answer
    expect(starts(r)).not.toContain('13:00'); // synced: still busy
    expect(r.liveChecked).toEqual([]);
    expect(r.liveErrors).toEqual([
      { integrationId, provider: 'google', accountEmail: expect.any(String), calendar: calendarName, message: expect.stringMatching(/Google did not answer.*last synced events/) },
    ]);
    expect(waits.length).toBeGreaterThan(0); // retried (compressed), then gave up
  });

  it('skips integrations with sync turned off, and answers with nothing checked when none is connected', async () => {
    const none = await call<Availability>(core, 'availability:get', { ...RANGE, live: true });
    expect(none).toMatchObject({ liveChecked: [], liveErrors: [] });
    expect(starts(none)).toContain('10:00');

    const { integrationId } = await connectAndSync();
    await core.db.updateTable('calendar_integrations').set({ sync_enabled: 0 }).where('id', '=', integrationId).execute();
    google.resetCounters();
    const off = await call<Availability>(core, 'availability:get', { ...RANGE, live: true });
    expect(off).toMatchObject({ liveChecked: [], liveErrors: [] });
    expect(starts(off)).toContain('10:00');
    expect(google.counters['freeBusy.query']).toBe(0);
  });

  it('still refuses bad input', async () => {
    for (const input of [
      { ...RANGE, live: 'yes' },
      { ...RANGE, live: 1 },
      { ...RANGE, live: true, rangeEnd: RANGE.rangeStart },
      { ...RANGE, live: true, rangeEnd: RANGE.rangeStart + 63 * 24 * HOUR },
      { ...RANGE, live: true, extra: 1 },
    ]) {
      const r = await core.router.invoke('availability:get', input);
      expect(r.ok ? 'ok' : r.error.code).toBe('VALIDATION');
    }
  });
});
