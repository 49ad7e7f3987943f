// Calendar sync benchmark (DESIGN.md §6): a full sync of 50,000 events from the Google emulator through the
// real adapter, ProviderHttp and the engine (into blocked_times), against just fetching and parsing the same
// pages; then the request count of a no-change incremental sync.
import { performance } from 'node:perf_hooks';
import type { OAuthStart } from '../../shared/domain';
import { createCore } from '../../main/core';
import { ManualClock } from '../../main/lib/clock';
import { startGoogleCalendarEmulator } from '../emulators/google-calendar';
import { junctionEnvFor } from '../emulators/oauth';
import { tempDir } from '../support/temp';

const EVENTS = Number(process.env.BENCH_SYNC_EVENTS ?? 50_000);
const CALLBACK = 'http://127.0.0.1:47001/oauth/callback';

export async function syncBench(): Promise<void> {
  const now = Date.now();
  const cal = await startGoogleCalendarEmulator();
  cal.oauth.addRedirectUri(cal.oauth.clients[0]!.clientId, CALLBACK);
  const t = tempDir('junction-bench-sync-');
  const core = await createCore({
    dataDir: t.dir,
    clock: new ManualClock(now),
    startScheduler: false,
    env: { ...junctionEnvFor({ google: cal.oauth }), JUNCTION_GOOGLE_API_ROOT: cal.apiRoot },
  });
  core.accounts.oauth.useHostCallback(CALLBACK);
  try {
    const s = await core.router.invoke('oauth:initiate', { provider: 'google', integrationType: 'calendar' });
    if (!s.ok) throw new Error(s.error.message);
    const back = await cal.oauth.authorize((s.data as OAuthStart).authorizationUrl);
    const done = await core.router.invoke('oauth:callback', { url: back });
    if (!done.ok) throw new Error(done.error.message);
    const integrationId = (done.data as { integrationId: string }).integrationId;
    const calendarId = cal.oauth.accounts[0]!.email;

    const events = [];
    for (let i = 0; i < EVENTS; i++) {
      const start = now - 20 * 86_400_000 + i * 600_000; // every 10 minutes, inside the window
      events.push({
        id: `bench${i.toString(32).padStart(6, '0')}`,
        summary: `Event ${i}`,
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + 1_800_000).toISOString() },
        transparency: i % 10 === 0 ? 'transparent' : 'opaque',
      });
    }
    let t0 = performance.now();
    cal.seed(calendarId, events);
    console.log(`seeded ${EVENTS.toLocaleString()} events in the Google emulator in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Baseline: just fetch and parse the same pages (same query as a full sync).
    const token = await core.accounts.tokens.getAccessToken({ kind: 'calendar', id: integrationId });
    const win = await core.calendarSync.engine.window(now);
    const fetchAll = async () => {
      let pageToken: string | undefined;
      let n = 0;
      do {
        const u = new URL(`${cal.apiRoot}calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`);
        u.searchParams.set('singleEvents', 'true');
        u.searchParams.set('maxResults', '2500');
        u.searchParams.set('timeMin', new Date(win.start).toISOString());
        u.searchParams.set('timeMax', new Date(win.end).toISOString());
        if (pageToken) u.searchParams.set('pageToken', pageToken);
        const body = (await (await fetch(u, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          items: unknown[];
          nextPageToken?: string;
        };
        n += body.items.length;
        pageToken = body.nextPageToken;
      } while (pageToken);
      return n;
    };
    await fetchAll(); // warm-up
    t0 = performance.now();
    const fetched = await fetchAll();
    const baseline = performance.now() - t0;

    cal.resetCounters();
    t0 = performance.now();
    const full = await core.calendarSync.engine.syncCalendar(integrationId, { force: true, manual: true });
    const fullMs = performance.now() - t0;
    const stored = await core.db.selectFrom('blocked_times').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    console.log(
      `full sync: ${full.status}, ${full.pages} pages, ${Number(stored.n).toLocaleString()} blocks stored in ${(fullMs / 1000).toFixed(2)} s ` +
        `(fetch + parse alone: ${(baseline / 1000).toFixed(2)} s for ${fetched.toLocaleString()} events; ratio ${(fullMs / baseline).toFixed(2)}×)`,
    );

    cal.resetCounters();
    const inc = await core.calendarSync.engine.syncCalendar(integrationId, { manual: true });
    console.log(
      `no-change incremental sync: ${inc.status}, ${cal.counters['events.list']} events.list request(s), ${cal.counters.total} request(s) in all`,
    );
  } finally {
    await core.dispose();
    await cal.close();
    t.cleanup();
  }
}
