// Calendar sync benchmark (DESIGN.md §6): a full sync of 50,000 events from the Google emulator through the
// real adapter, ProviderHttp and the engine (into blocked_times), against just fetching and parsing the same
// pages (plain fetch + JSON parse of every page, same requests, same emulator); then the request count of a
// no-change incremental sync. Each figure is the median of BENCH_SYNC_RUNS runs (default 3), interleaved so
// that a noisy machine hits them alike; every full sync starts from an empty calendar, like the first one.
// "adapter only" is the same pages through the real adapter (googleapis → ProviderHttp → fetch, mapped to
// events) without writing them: what a sync costs before the database.
//
// The emulator runs on its own thread, like a remote provider: the Google Calendar + OAuth emulators live in a
// worker thread (google-emulator-worker.ts) with their own event loop, and this thread talks to them only over
// loopback HTTP (the baseline's fetches and the real sync's alike) plus a small message protocol for the
// emulator's control API (seeding, redirect URI, the consent step, request counters). Before, the emulator shared
// this thread, so serving and encoding the 20 pages (~150–175 ms of CPU) was billed to both sides and left the engine's
// pipelining (the next page's request goes out before this page is written) nothing to overlap with.
// CPU time is per thread (Linux /proc/<pid>/task/<tid>/schedstat): the main thread, where all of Junction's sync
// work runs, and the emulator's thread separately.
// BENCH_SYNC_RTT_MS (default 0) delays every request by that much, for the baseline and the sync alike: a
// stand-in for the network between Junction and Google on top of loopback.
// BENCH_SYNC_CPU_PROFILE=<prefix> writes the main thread's V8 CPU profile of each timed full sync and baseline to
// <prefix>-full-<run>.cpuprofile / <prefix>-baseline-<run>.cpuprofile (the profiler slows them: timings of such a
// run are not the figures to quote).
import { once } from 'node:events';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { OAuthStart } from '../../shared/domain';
import { createCore } from '../../main/core';
import { ManualClock } from '../../main/lib/clock';
import { createCalendarAdapterFor } from '../../main/providers/calendar/registry';
import type { GEvent } from '../emulators/google-calendar';
import { tempDir } from '../support/temp';
import type { EmulatorInfo, EmulatorMessage, EmulatorOps, EmulatorRequest } from './google-emulator-worker';

const EVENTS = Number(process.env.BENCH_SYNC_EVENTS ?? 50_000);
const RUNS = Math.max(1, Number(process.env.BENCH_SYNC_RUNS ?? 3));
const RTT_MS = Math.max(0, Number(process.env.BENCH_SYNC_RTT_MS ?? 0));
const PROFILE = process.env.BENCH_SYNC_CPU_PROFILE ?? '';

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

/**
 * Starts google-emulator-worker.ts. Like webhook-bench's receiver, the worker's entry is plain JS (eval); it
 * registers tsx's ESM hooks in the new thread (a worker gets none of this thread's loaders) and then imports the
 * TypeScript file.
 */
const WORKER_BOOT = `
import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./google-emulator-worker.ts', import.meta.url).href)}); })
  .catch((err) => { process.nextTick(() => { throw err; }); });
`;

/** The Google emulator on its own worker thread (a remote provider's stand-in), and its control calls. */
class EmulatorThread {
  readonly #w = new Worker(WORKER_BOOT, { eval: true, execArgv: [] });
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #next = 1;
  #exited = false;
  readonly ready: Promise<EmulatorInfo>;

  constructor() {
    let onReady!: (i: EmulatorInfo) => void;
    let onFail!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((onReady = resolve), (onFail = reject)));
    this.#w.on('message', (m: EmulatorMessage) => {
      if ('ready' in m) return onReady(m.ready);
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(`emulator thread: ${m.error}`));
      else p?.resolve(m.result);
    });
    const fail = (e: Error) => {
      onFail(e);
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    this.#w.on('error', fail);
    this.#w.on('exit', (code) => {
      this.#exited = true;
      fail(new Error(`emulator thread exited (${code})`));
    });
  }

  call<K extends keyof EmulatorOps>(op: K, ...args: Parameters<EmulatorOps[K]>): Promise<Awaited<ReturnType<EmulatorOps[K]>>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#w.postMessage({ id, op, args } as EmulatorRequest);
    });
  }

  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = once(this.#w, 'exit');
    await this.call('close').catch(() => this.#w.terminate());
    await exited;
  }
}

/** This thread's Linux thread id, or null where there is no /proc. */
function ownThreadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

/**
 * CPU time of one thread of this process, and its time runnable but waiting for a CPU (both ms, from Linux
 * schedstat, ns resolution); null where there is no /proc.
 */
function threadSched(tid: number | null): { cpu: number; wait: number } | null {
  if (tid === null) return null;
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
    return { cpu: Number(run) / 1e6, wait: Number(wait) / 1e6 };
  } catch {
    return null;
  }
}

/** f() under the V8 sampling profiler of this thread, written to `file` (f() alone without BENCH_SYNC_CPU_PROFILE). */
async function profiled<T>(file: string, f: () => Promise<T>): Promise<T> {
  if (!PROFILE) return f();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const r = await f();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return r;
  } finally {
    session.disconnect();
  }
}

export async function syncBench(): Promise<void> {
  const now = Date.now();
  const emu = new EmulatorThread();
  const cal = await emu.ready.catch(async (err: unknown) => {
    await emu.close();
    throw err;
  });
  const t = tempDir('junction-bench-sync-');
  const core = await emu
    .call('addRedirectUri', cal.clientId, CALLBACK)
    .then(() =>
      createCore({
        dataDir: t.dir,
        clock: new ManualClock(now),
        startScheduler: false,
        fetch: netFetch,
        env: { ...cal.env, JUNCTION_GOOGLE_API_ROOT: cal.apiRoot },
      }),
    )
    .catch(async (err: unknown) => {
      await emu.close();
      t.cleanup();
      throw err;
    });
  core.accounts.oauth.useHostCallback(CALLBACK);
  try {
    const s = await core.router.invoke('oauth:initiate', { provider: 'google', integrationType: 'calendar' });
    if (!s.ok) throw new Error(s.error.message);
    const back = await emu.call('authorize', (s.data as OAuthStart).authorizationUrl);
    const done = await core.router.invoke('oauth:callback', { url: back });
    if (!done.ok) throw new Error(done.error.message);
    const integrationId = (done.data as { integrationId: string }).integrationId;
    const calendarId = cal.accountEmails[0]!;

    const events: GEvent[] = [];
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
    await emu.call('seed', calendarId, events);
    console.log(
      `seeded ${EVENTS.toLocaleString()} events in the Google emulator in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(the emulator runs on its own thread, like a remote provider: loopback HTTP only)`,
    );

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
    // Wall time, and CPU time per thread alongside (steadier than wall time on a shared machine): this (main)
    // thread, where every bit of Junction's sync runs, and the emulator's thread, which a real provider pays.
    const ownTid = ownThreadId();
    const mainTid = threadSched(ownTid) === null ? null : ownTid;
    type Into = { main: number[]; wait: number[]; emu: number[] };
    const cpu = {
      full: { main: [], wait: [], emu: [] } as Into,
      baseline: { main: [], wait: [], emu: [] } as Into,
    };
    const time = async <T>(f: () => Promise<T>, into?: Into): Promise<[number, T]> => {
      const c1 = mainTid === null ? process.cpuUsage() : null;
      const m1 = threadSched(mainTid);
      const e1 = threadSched(cal.tid);
      const t1 = performance.now();
      const r = await f();
      const ms = performance.now() - t1;
      if (into) {
        const m2 = threadSched(mainTid);
        const e2 = threadSched(cal.tid);
        if (c1) {
          const c = process.cpuUsage(c1);
          into.main.push((c.user + c.system) / 1000);
        }
        if (m1 && m2) {
          into.main.push(m2.cpu - m1.cpu);
          into.wait.push(m2.wait - m1.wait);
        }
        if (e1 && e2) into.emu.push(e2.cpu - e1.cpu);
      }
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
      await emu.call('resetCounters');
      const [ms, full] = await time(
        () => profiled(`${PROFILE}-full-${run}.cpuprofile`, () => core.calendarSync.engine.syncCalendar(integrationId, { force: true, manual: true })),
        cpu.full,
      );
      if (full.status !== 'done') throw new Error(`full sync ${full.status}: ${full.error ?? ''}`);
      fullMs.push(ms);
      pages = full.pages;
      stored = await countStored();
      const [b, n] = await time(() => profiled(`${PROFILE}-baseline-${run}.cpuprofile`, fetchAll), cpu.baseline);
      baseline.push(b);
      fetched = n;
      adapterMs.push((await time(adapterOnly))[0]);
    }
    const [full, base, adapted] = [median(fullMs), median(baseline), median(adapterMs)];
    console.log(
      `Google emulator on its own worker thread (a remote provider's stand-in), loopback HTTP` +
        (RTT_MS ? `; every request delayed by ${RTT_MS} ms (BENCH_SYNC_RTT_MS)` : `; no added latency (BENCH_SYNC_RTT_MS=0)`),
    );
    console.log(
      `full sync: ${pages} pages, ${stored.toLocaleString()} blocks stored in ${(full / 1000).toFixed(2)} s ` +
        `(fetch + parse alone: ${(base / 1000).toFixed(2)} s for ${fetched.toLocaleString()} events; ratio ${(full / base).toFixed(2)}×); ` +
        `medians of ${RUNS}: full [${secs(fullMs)}], fetch + parse [${secs(baseline)}]`,
    );
    console.log(
      `  adapter only (googleapis + ProviderHttp + mapping, no writes): ${(adapted / 1000).toFixed(2)} s = ${(adapted / base).toFixed(2)}× fetch + parse ` +
        `[${secs(adapterMs)}]; engine + writes on top: ${((full - adapted) / 1000).toFixed(2)} s`,
    );
    const s2 = (xs: number[]) => (median(xs) / 1000).toFixed(2);
    console.log(
      `  CPU time, ${mainTid === null ? 'whole process (no per-thread figures here; includes the emulator)' : 'main thread'}: ` +
        `full sync ${s2(cpu.full.main)} s, fetch + parse ${s2(cpu.baseline.main)} s; ratio ${(median(cpu.full.main) / median(cpu.baseline.main)).toFixed(2)}×`,
    );
    if (cpu.full.emu.length) {
      console.log(
        `  CPU time, emulator thread (the provider's side, not Junction's): during the full sync ${s2(cpu.full.emu)} s, ` +
          `during fetch + parse ${s2(cpu.baseline.emu)} s`,
      );
    }
    if (cpu.full.wait.length) {
      console.log(
        `  main thread runnable but waiting for a CPU (other threads and processes): full sync ${s2(cpu.full.wait)} s, ` +
          `fetch + parse ${s2(cpu.baseline.wait)} s`,
      );
    }

    await emu.call('resetCounters');
    const inc = await core.calendarSync.engine.syncCalendar(integrationId, { manual: true });
    const counters = await emu.call('counters');
    console.log(
      `no-change incremental sync: ${inc.status}, ${counters['events.list']} events.list request(s), ${counters.total} request(s) in all ` +
        `(counted at the emulator)`,
    );
  } finally {
    await core.dispose();
    await emu.close();
    t.cleanup();
  }
}
