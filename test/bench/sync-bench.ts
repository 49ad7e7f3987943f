// Calendar sync benchmark (DESIGN.md §6): a full sync of 50,000 events from the Google emulator through the
// real adapter, ProviderHttp and the engine (into blocked_times), against just fetching and parsing the same
// pages (plain fetch + JSON parse of every page, same requests, same emulator); then the request count of a
// no-change incremental sync. Each figure is the median of BENCH_SYNC_RUNS runs (default 3), interleaved so
// that a noisy machine hits them alike; every full sync starts from an empty calendar, like the first one.
// "adapter only" is the same pages through the real adapter (googleapis → ProviderHttp → fetch, mapped to
// events) without writing them: what a sync costs before the database.
// BENCH_SYNC_RTT_MS (default 0) delays every request by that much, for the baseline and the sync alike: the
// emulator runs in this process, so without it there is no network wait for the engine's pipelining (the next
// page's request goes out before this page is written) to overlap with.
import { performance } from 'node:perf_hooks';
import type { OAuthStart } from '../../shared/domain';
import { createCore } from '../../main/core';
import { ManualClock } from '../../main/lib/clock';
import { createCalendarAdapterFor } from '../../main/providers/calendar/registry';
import { startGoogleCalendarEmulator } from '../emulators/google-calendar';
import { junctionEnvFor } from '../emulators/oauth';
import { tempDir } from '../support/temp';

const EVENTS = Number(process.env.BENCH_SYNC_EVENTS ?? 50_000);
const RUNS = Math.max(1, Number(process.env.BENCH_SYNC_RUNS ?? 3));
const RTT_MS = Math.max(0, Number(process.env.BENCH_SYNC_RTT_MS ?? 0));

/** fetch, after RTT_MS (a stand-in for the network between Junction and Google); plain fetch without it. */
const netFetch: typeof fetch = RTT_MS
  ? async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, RTT_MS));
      return fetch(input, init);
    }
  : fetch;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const secs = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
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
    fetch: netFetch,
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
    const t0 = performance.now();
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
        const body = (await (await netFetch(u, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          items: unknown[];
          nextPageToken?: string;
        };
        n += body.items.length;
        pageToken = body.nextPageToken;
      } while (pageToken);
      return n;
    };
    const row = await core.db.selectFrom('calendar_integrations').selectAll().where('id', '=', integrationId).executeTakeFirstOrThrow();
    const adapterOnly = async () => {
      const adapter = await createCalendarAdapterFor(row, { http: core.accounts.http, config: core.accounts.providers, vault: core.vault });
      let n = 0;
      for await (const page of adapter.pullChanges(calendarId, null, win)) n += page.upserted.length + page.deleted.length;
      return n;
    };
    const countStored = async () =>
      Number((await core.db.selectFrom('blocked_times').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    // Wall time, and the process's CPU time alongside (steadier than wall time on a shared machine; the sync
    // runs on one thread, so on an idle machine the two agree).
    const cpu = { baseline: [] as number[], full: [] as number[] };
    const time = async <T>(f: () => Promise<T>, cpuInto?: number[]): Promise<[number, T]> => {
      const c1 = process.cpuUsage();
      const t1 = performance.now();
      const r = await f();
      const ms = performance.now() - t1;
      const c = process.cpuUsage(c1);
      cpuInto?.push((c.user + c.system) / 1000);
      return [ms, r];
    };

    await fetchAll(); // warm-up
    await adapterOnly();
    const baseline: number[] = [];
    const adapterMs: number[] = [];
    const fullMs: number[] = [];
    let fetched = 0;
    let stored = 0;
    let pages = 0;
    for (let run = 0; run < RUNS; run++) {
      if (run > 0) {
        // Untimed: back to an empty calendar, so every timed run is the same first full sync.
        await core.db.deleteFrom('blocked_times').execute();
      }
      cal.resetCounters();
      const [ms, full] = await time(() => core.calendarSync.engine.syncCalendar(integrationId, { force: true, manual: true }), cpu.full);
      if (full.status !== 'done') throw new Error(`full sync ${full.status}: ${full.error ?? ''}`);
      fullMs.push(ms);
      pages = full.pages;
      stored = await countStored();
      const [b, n] = await time(fetchAll, cpu.baseline);
      baseline.push(b);
      fetched = n;
      adapterMs.push((await time(adapterOnly))[0]);
    }
    const [full, base, adapted] = [median(fullMs), median(baseline), median(adapterMs)];
    if (RTT_MS) console.log(`(every request delayed by ${RTT_MS} ms: BENCH_SYNC_RTT_MS)`);
    console.log(
      `full sync: ${pages} pages, ${stored.toLocaleString()} blocks stored in ${(full / 1000).toFixed(2)} s ` +
        `(fetch + parse alone: ${(base / 1000).toFixed(2)} s for ${fetched.toLocaleString()} events; ratio ${(full / base).toFixed(2)}×); ` +
        `medians of ${RUNS}: full [${secs(fullMs)}], fetch + parse [${secs(baseline)}]`,
    );
    console.log(
      `  adapter only (googleapis + ProviderHttp + mapping, no writes): ${(adapted / 1000).toFixed(2)} s = ${(adapted / base).toFixed(2)}× fetch + parse ` +
        `[${secs(adapterMs)}]; engine + writes on top: ${((full - adapted) / 1000).toFixed(2)} s`,
    );
    console.log(
      `  CPU time: full sync ${(median(cpu.full) / 1000).toFixed(2)} s, fetch + parse ${(median(cpu.baseline) / 1000).toFixed(2)} s; ` +
        `ratio ${(median(cpu.full) / median(cpu.baseline)).toFixed(2)}×`,
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
