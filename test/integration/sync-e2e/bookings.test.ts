// Bookings into calendars end to end: bookings:create / reschedule / cancel through the router, the scheduler's
// jobs run with the core's clock, and the event checked at Google (emulator), Outlook (Graph emulator) and
// Radicale (the stored object). Lost responses and repeated jobs never duplicate.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '../../../shared/domain';
import { startRadicale, type RadicaleServer } from '../../support/radicale';
import { DAY, type E2E, HOUR, startE2E } from './support';

const USER = { username: 'book', password: 'book-secret' };
const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;

let server: RadicaleServer;
let e: E2E;
let ids: { google: string; outlook: string; apple: string };
let cals: { google: string; outlook: string; apple: string };
beforeAll(async () => {
  server = await startRadicale({ users: [USER] });
  const url = await server.createCalendar(USER.username, USER.password, 'Bookings');
  e = await startE2E();
  ids = { google: await e.connect('google'), outlook: await e.connect('outlook'), apple: await e.connectCalDav(server.url, USER.username, USER.password) };
  cals = { google: (await e.calendarOf(ids.google)).id, outlook: (await e.calendarOf(ids.outlook)).id, apple: (await e.calendarOf(ids.apple)).id };
  expect(cals.apple).toBe(url);
  await drain(); // the first syncs the connect flows queued
}, 30_000);
afterAll(async () => {
  await e?.close();
  await server?.stop();
});

/** Runs due jobs until none is left, moving the clock to each backoff. */
async function drain(): Promise<number> {
  let ran = 0;
  for (let i = 0; i < 50; i++) {
    ran += await e.core.scheduler.runDue();
    const next = await e.core.db
      .selectFrom('jobs')
      .select('run_at')
      .where('status', '=', 'queued')
      // Periodic jobs (sync-all, token refresh) are always queued: only the one-off ones count.
      .where('type', 'in', ['sync_calendar_events', 'create_calendar_event', 'remove_calendar_event'])
      .orderBy('run_at')
      .executeTakeFirst();
    if (!next) return ran;
    if (next.run_at > e.clock.now()) e.clock.set(next.run_at);
  }
  throw new Error('jobs never drained');
}

const eventRow = (bookingId: string, integrationId: string) =>
  e.core.db
    .selectFrom('booking_calendar_events')
    .selectAll()
    .where('booking_id', '=', bookingId)
    .where('integration_id', '=', integrationId)
    .executeTakeFirst();

/** What each provider holds for the booking: instants (from the provider's own data), or null. */
async function atProviders(bookingId: string) {
  const out: Record<string, { start: number; end: number; title: string } | null> = {};
  const g = await eventRow(bookingId, ids.google);
  const ge = g ? e.google.getEvent(cals.google, g.external_event_id) : null;
  out.google =
    ge && ge.status !== 'cancelled'
      ? {
          start: DateTime.fromISO(ge.start!.dateTime!, { zone: ge.start!.timeZone ?? 'UTC' }).toMillis(),
          end: DateTime.fromISO(ge.end!.dateTime!, { zone: ge.end!.timeZone ?? 'UTC' }).toMillis(),
          title: ge.summary ?? '',
        }
      : null;
  const o = await eventRow(bookingId, ids.outlook);
  const oe = o ? e.graph.events(cals.outlook).find((x) => x.id === o.external_event_id) : undefined;
  out.outlook = oe
    ? { start: DateTime.fromISO(oe.start, { zone: oe.timeZone }).toMillis(), end: DateTime.fromISO(oe.end, { zone: oe.timeZone }).toMillis(), title: oe.subject }
    : null;
  const a = await eventRow(bookingId, ids.apple);
  out.apple = null;
  if (a) {
    const res = await fetch(new URL(a.external_event_id, cals.apple), { headers: { authorization: basic } });
    if (res.status === 200) {
      const ics = (await res.text()).replace(/\r\n[ \t]/g, '');
      const at = (prop: string) => {
        const m = new RegExp(`^${prop}(?:;TZID=([^:;]+))?(?:;VALUE=DATE-TIME)?:(\\d{8}T\\d{6})(Z?)\\r?$`, 'm').exec(ics);
        if (!m) throw new Error(`no ${prop} in\n${ics}`);
        return DateTime.fromFormat(m[2]!, "yyyyMMdd'T'HHmmss", { zone: m[3] ? 'UTC' : (m[1] ?? 'UTC') }).toMillis();
      };
      out.apple = { start: at('DTSTART'), end: at('DTEND'), title: /^SUMMARY:(.*)\r?$/m.exec(ics)?.[1] ?? '' };
    } else expect(res.status).toBe(404);
  }
  return out;
}

/** How many events the booking has at each provider (by title, not by our stored id). */
async function copies(title: string) {
  const g = e.google.instances(cals.google, { start: 0, end: e.clock.now() + 400 * DAY }).filter((x) => x.summary === title).length;
  const o = e.graph.events(cals.outlook).filter((x) => x.subject === title).length;
  const r = await fetch(cals.apple, { method: 'PROPFIND', headers: { authorization: basic, depth: '1' } });
  const a = ((await r.text()).match(/<[^>]*href>[^<]*\.ics<\/[^>]*href>/g) ?? []).length;
  return { google: g, outlook: o, apple: a };
}

describe('bookings into Google, Outlook and Radicale', () => {
  it('create → reschedule → cancel reach every calendar, and repeated or lost writes never duplicate', async () => {
    const start = Date.parse('2026-01-08T14:00:00Z');
    const title = 'Intro call with Ada';
    const b = await e.call<Booking>('bookings:create', {
      title,
      attendeeName: 'Ada',
      attendeeEmail: 'ada@example.com',
      startUtc: start,
      endUtc: start + HOUR,
      timeZone: 'Europe/Berlin',
      overrideBusy: true,
    });
    const t0 = performance.now();
    await drain();
    const createMs = performance.now() - t0;
    const want = { start, end: start + HOUR, title };
    expect(await atProviders(b.id)).toEqual({ google: want, outlook: want, apple: want });

    // The same create job again (a double enqueue): nothing new.
    await e.core.calendarSync.onBookingChanged('created', { id: b.id });
    await drain();
    // A create whose response was lost: the provider has the event, Junction has no record of it.
    await e.core.db.deleteFrom('booking_calendar_events').where('booking_id', '=', b.id).execute();
    for (const integrationId of Object.values(ids)) {
      await e.core.calendarSync.writer.upsert(b.id, integrationId, 'created');
    }
    expect(await copies(title)).toEqual({ google: 1, outlook: 1, apple: 1 });
    expect(await atProviders(b.id)).toEqual({ google: want, outlook: want, apple: want });

    const moved = start + DAY + 2 * HOUR;
    await e.call<Booking>('bookings:reschedule', { id: b.id, startUtc: moved, endUtc: moved + HOUR, overrideBusy: true });
    await drain();
    const want2 = { start: moved, end: moved + HOUR, title };
    expect(await atProviders(b.id)).toEqual({ google: want2, outlook: want2, apple: want2 });
    expect(await copies(title)).toEqual({ google: 1, outlook: 1, apple: 1 });

    await e.call<Booking>('bookings:cancel', { id: b.id });
    await drain();
    expect(await atProviders(b.id)).toEqual({ google: null, outlook: null, apple: null });
    expect(await copies(title)).toEqual({ google: 0, outlook: 0, apple: 0 });
    const logs = await e.call<{ items: { message: string }[] }>('logs:list', { logType: 'calendar_sync' });
    expect(logs.items.filter((l) => l.message.startsWith('Removed')).length).toBe(3);
    console.info(`bookings e2e: create jobs for 3 providers drained in ${createMs.toFixed(0)} ms`);
  });

  it('a create that fails with 503 then succeeds (scheduler backoff on the core clock) lands exactly once', async () => {
    const start = Date.parse('2026-01-09T10:00:00Z');
    const title = 'Retry call';
    // Retry-After 0: ProviderHttp's own retries sleep for real (the core takes no sleep), keep them instant.
    e.google.resetCounters();
    e.google.failNext('events.insert', { status: 503, times: 4, retryAfterSec: 0 });
    const b = await e.call<Booking>('bookings:create', {
      title,
      attendeeName: 'Bo',
      attendeeEmail: 'bo@example.com',
      startUtc: start,
      endUtc: start + HOUR,
      timeZone: 'UTC',
      overrideBusy: true,
    });
    const t0 = performance.now();
    await drain();
    const inserts = e.google.requests.filter((r) => r.endpoint === 'events.insert').map((r) => r.status);
    console.info(`bookings e2e: Google inserts ${JSON.stringify(inserts)} drained in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(inserts).toEqual([503, 503, 503, 503, 200]);
    const attempts = await e.core.db.selectFrom('jobs').select(['attempts', 'status']).where('type', '=', 'create_calendar_event').orderBy('id', 'desc').limit(3).execute();
    expect(attempts.some((j) => j.attempts > 1)).toBe(true);
    const want = { start, end: start + HOUR, title };
    expect(await atProviders(b.id)).toEqual({ google: want, outlook: want, apple: want });
    expect(await copies(title)).toEqual({ google: 1, outlook: 1, apple: 1 });
  });
});
