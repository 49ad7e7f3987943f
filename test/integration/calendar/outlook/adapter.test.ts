// The Outlook adapter (real @microsoft/microsoft-graph-client) against the Graph calendar emulator.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutlookCalendarAdapter } from '../../../../main/providers/calendar/outlook';
import { type BookingEvent, StaleCursorError, type SyncPage } from '../../../../main/providers/calendar/types';
import { type GraphHarness, pages, startGraphHarness } from './support';

const WINDOW = { start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 2, 1) };
const booking = (id: string, over: Partial<BookingEvent> = {}): BookingEvent => ({
  bookingId: id,
  title: `Intro call ${id}`,
  description: 'Booked with Junction',
  startUtc: Date.UTC(2026, 0, 20, 14, 0),
  endUtc: Date.UTC(2026, 0, 20, 14, 30),
  timeZone: 'Europe/Paris',
  attendees: [{ name: 'Ada Guest', email: 'ada@example.test' }],
  meetingLink: 'https://meet.example.test/abc',
  ...over,
});
const flat = (ps: SyncPage[]) => ({ upserted: ps.flatMap((p) => p.upserted), deleted: ps.flatMap((p) => p.deleted) });

describe('Outlook calendar adapter', () => {
  let h: GraphHarness;
  beforeEach(async () => {
    h = await startGraphHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const adapter = (maxPageSize = 10) => createOutlookCalendarAdapter({ fetch: h.fetch, apiRoot: h.em.apiRoot, maxPageSize });

  it('lists calendars: primary and read-only flags', async () => {
    h.em.addCalendar({ name: 'Shared team', canEdit: false });
    const cals = await adapter().listCalendars();
    expect(cals).toEqual([
      { id: h.calendarId, name: 'Calendar', primary: true, readOnly: false, timeZone: null },
      { id: expect.any(String), name: 'Shared team', primary: false, readOnly: true, timeZone: null },
    ]);
  });

  it('full sync pages with nextLink until the deltaLink; cursor only on the last page, resetLocal only on the first', async () => {
    for (let i = 0; i < 25; i++) h.em.upsertEvent(h.calendarId, { subject: `E${i}`, start: `2026-01-${String(6 + i).padStart(2, '0')}T10:00`, end: `2026-01-${String(6 + i).padStart(2, '0')}T11:00` });
    const ps = await pages(adapter(10).pullChanges(h.calendarId, null, WINDOW));
    expect(ps.map((p) => p.upserted.length)).toEqual([10, 10, 5]);
    expect(ps.map((p) => p.resetLocal)).toEqual([true, false, false]);
    expect(ps.slice(0, 2).every((p) => p.nextCursor === null)).toBe(true);
    expect(ps[2]?.nextCursor).toMatch(/calendarView\/delta\?\$deltatoken=/);
    const log = h.em.log;
    expect(log).toHaveLength(3);
    expect(log[0]?.query).toContain('startDateTime=2026-01-01T00%3A00%3A00.000Z');
    expect(log[1]?.query).toMatch(/^\?\$skiptoken=/);
    expect(log.every((l) => l.prefer?.includes('odata.maxpagesize=10') && l.prefer.includes('outlook.timezone="UTC"'))).toBe(true);
  });

  it('incremental sync returns only the changes; a no-change sync is exactly one request', async () => {
    const a = h.em.upsertEvent(h.calendarId, { subject: 'A', start: '2026-01-07T10:00', end: '2026-01-07T11:00' });
    const b = h.em.upsertEvent(h.calendarId, { subject: 'B', start: '2026-01-08T10:00', end: '2026-01-08T11:00' });
    h.em.upsertEvent(h.calendarId, { subject: 'C', start: '2026-01-09T10:00', end: '2026-01-09T11:00' });
    const ad = adapter();
    const full = await pages(ad.pullChanges(h.calendarId, null, WINDOW));
    const cursor = full.at(-1)?.nextCursor ?? null;
    expect(flat(full).upserted).toHaveLength(3);

    h.em.updateEvent(a.id, { subject: 'A moved', start: '2026-01-07T12:00', end: '2026-01-07T13:00' });
    h.em.deleteEvent(b.id);
    const added = h.em.upsertEvent(h.calendarId, { subject: 'D', start: '2026-01-10T10:00', end: '2026-01-10T11:00' });
    h.em.resetCounters();
    const inc = await pages(ad.pullChanges(h.calendarId, cursor, WINDOW));
    expect(h.em.counters.requests).toBe(1);
    expect(inc).toHaveLength(1);
    expect(inc[0]?.resetLocal).toBe(false);
    expect(inc[0]?.upserted.map((e) => e.title).sort()).toEqual(['A moved', 'D']);
    expect(inc[0]?.upserted.find((e) => e.externalId === a.id)?.startUtc).toBe(Date.UTC(2026, 0, 7, 12));
    expect(inc[0]?.deleted).toEqual([b.id]);
    expect(inc[0]?.upserted.some((e) => e.externalId === added.id)).toBe(true);

    h.em.resetCounters();
    const none = await pages(ad.pullChanges(h.calendarId, inc[0]?.nextCursor ?? null, WINDOW));
    expect(h.em.counters.requests).toBe(1);
    expect(none).toEqual([{ upserted: [], deleted: [], resetLocal: false, nextCursor: expect.stringContaining('$deltatoken=') }]);
  });

  it('a stale delta link (410 syncStateNotFound) restarts once as a full sync with resetLocal on its first page', async () => {
    h.em.upsertEvent(h.calendarId, { subject: 'A', start: '2026-01-07T10:00', end: '2026-01-07T11:00' });
    h.em.upsertEvent(h.calendarId, { subject: 'B', start: '2026-01-08T10:00', end: '2026-01-08T11:00' });
    const ad = adapter(1);
    const full = await pages(ad.pullChanges(h.calendarId, null, WINDOW));
    h.em.invalidateDeltaTokens();
    h.em.resetCounters();
    const again = await pages(ad.pullChanges(h.calendarId, full.at(-1)?.nextCursor ?? null, WINDOW));
    expect(h.em.log.map((l) => l.status)).toEqual([410, 200, 200]);
    expect(again.map((p) => p.resetLocal)).toEqual([true, false]);
    expect(flat(again).upserted.map((e) => e.title)).toEqual(['A', 'B']);
    expect(again.at(-1)?.nextCursor).toContain('$deltatoken=');
  });

  it('gives up with StaleCursorError when the restarted sync is refused too', async () => {
    const ad = adapter();
    const cursor = (await pages(ad.pullChanges(h.calendarId, null, WINDOW))).at(-1)?.nextCursor ?? null;
    h.em.failNext({ status: 410, times: 2 });
    await expect(pages(ad.pullChanges(h.calendarId, cursor, WINDOW))).rejects.toBeInstanceOf(StaleCursorError);
  });

  it('showAs free does not block; tentative, oof and workingElsewhere do', async () => {
    for (const showAs of ['free', 'tentative', 'busy', 'oof', 'workingElsewhere'] as const) {
      h.em.upsertEvent(h.calendarId, { subject: showAs, showAs, start: '2026-01-07T10:00', end: '2026-01-07T11:00' });
    }
    const evs = flat(await pages(adapter().pullChanges(h.calendarId, null, WINDOW))).upserted;
    expect(Object.fromEntries(evs.map((e) => [e.title, e.busy]))).toEqual({ free: false, tentative: true, busy: true, oof: true, workingElsewhere: true });
  });

  it('keeps all-day events as dates in their zone and timed events at the right instant with their own zone', async () => {
    h.em.upsertEvent(h.calendarId, { subject: 'Holiday', isAllDay: true, timeZone: 'Europe/Paris', start: '2026-01-10', end: '2026-01-12' });
    h.em.upsertEvent(h.calendarId, { subject: 'NY call', timeZone: 'America/New_York', start: '2026-01-07T09:00', end: '2026-01-07T09:45' });
    const evs = flat(await pages(adapter().pullChanges(h.calendarId, null, WINDOW))).upserted;
    expect(evs.find((e) => e.title === 'Holiday')).toMatchObject({
      allDay: true,
      timeZone: 'Europe/Paris',
      startUtc: Date.UTC(2026, 0, 9, 23),
      endUtc: Date.UTC(2026, 0, 11, 23),
    });
    expect(evs.find((e) => e.title === 'NY call')).toMatchObject({ allDay: false, timeZone: 'America/New_York', startUtc: Date.UTC(2026, 0, 7, 14), endUtc: Date.UTC(2026, 0, 7, 14, 45) });
  });

  it('expands recurring series to instances; a deleted occurrence comes back as removed', async () => {
    const series = h.em.upsertEvent(h.calendarId, {
      subject: 'Weekly 1:1',
      timeZone: 'Europe/Berlin',
      start: '2026-01-06T09:00',
      end: '2026-01-06T09:30',
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] }, range: { type: 'numbered', startDate: '2026-01-06', numberOfOccurrences: 4 } },
    });
    const ad = adapter();
    const full = await pages(ad.pullChanges(h.calendarId, null, WINDOW));
    const evs = flat(full).upserted;
    expect(evs.map((e) => e.startUtc)).toEqual([6, 13, 20, 27].map((d) => Date.UTC(2026, 0, d, 8)));
    expect(new Set(evs.map((e) => e.externalId)).size).toBe(4);
    const second = evs[1]?.externalId ?? '';
    expect(h.em.deleteEvent(second)).toBe(true);
    const inc = flat(await pages(ad.pullChanges(h.calendarId, full.at(-1)?.nextCursor ?? null, WINDOW)));
    expect(inc.deleted).toEqual([second]);
    // The series changed, so its remaining instances are re-sent (upserts are idempotent).
    expect(inc.upserted.every((e) => e.externalId.startsWith(series.id))).toBe(true);
  });

  it('creates a booking event once per booking (transactionId), updates it, deletes it, and reports a missing one', async () => {
    const ad = adapter();
    const first = await ad.createEvent(h.calendarId, booking('bk_1'));
    const second = await ad.createEvent(h.calendarId, booking('bk_1'));
    expect(second.externalId).toBe(first.externalId);
    expect(h.em.events(h.calendarId)).toHaveLength(1);
    expect(h.em.counters.createDeduped).toBe(1);
    const stored = h.em.events(h.calendarId)[0];
    expect(stored).toMatchObject({
      transactionId: 'bk_1',
      subject: 'Intro call bk_1',
      start: '2026-01-20T15:00:00',
      timeZone: 'Europe/Paris',
      location: { displayName: 'https://meet.example.test/abc' },
      attendees: [{ type: 'required', emailAddress: { name: 'Ada Guest', address: 'ada@example.test' } }],
    });
    expect(stored?.body.content).toContain('https://meet.example.test/abc');

    await ad.updateEvent(h.calendarId, first.externalId, booking('bk_1', { title: 'Moved', startUtc: Date.UTC(2026, 0, 21, 9), endUtc: Date.UTC(2026, 0, 21, 10) }));
    expect(h.em.events(h.calendarId)[0]).toMatchObject({ subject: 'Moved', start: '2026-01-21T10:00:00', end: '2026-01-21T11:00:00' });

    expect(await ad.deleteEvent(h.calendarId, first.externalId)).toBe('deleted');
    expect(await ad.deleteEvent(h.calendarId, first.externalId)).toBe('missing');
    expect(h.em.events(h.calendarId)).toHaveLength(0);
  });

  it('bulk-creates 45 events in 3 $batch calls (20 + 20 + 5)', async () => {
    const res = await adapter().createEvents(
      h.calendarId,
      Array.from({ length: 45 }, (_, i) => booking(`bk_${i}`)),
    );
    expect(res.every((r) => 'externalId' in r)).toBe(true);
    expect(h.em.counters.batches).toBe(3);
    expect(h.em.counters.batchSubrequests).toBe(45);
    expect(h.em.events(h.calendarId)).toHaveLength(45);
    expect(h.em.log.filter((l) => l.path === '/v1.0/$batch')).toHaveLength(3);
  });

  it('never has more than 4 requests in flight for the mailbox', async () => {
    const ad = adapter();
    h.em.hold();
    const calls = Array.from({ length: 6 }, () => ad.listCalendars());
    await h.em.whenInFlight(4);
    // A round trip on another connection, so a 5th request sent by mistake would have arrived by now.
    await fetch(h.em.oauth.endpoints.userinfoUrl, { headers: { authorization: `Bearer ${h.token}` } });
    expect(h.em.inFlight()).toBe(4);
    h.em.release();
    const results = await Promise.all(calls);
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(h.em.counters).toMatchObject({ requests: 6, throttled: 0, peakAttempted: 4, peakServed: 4 });
  });

  it('surfaces 429 with Retry-After, 503 and malformed JSON as errors (the HTTP layer decides on retries)', async () => {
    const ad = adapter();
    h.em.failNext({ status: 429, retryAfterSec: 7 });
    const e429 = await ad.listCalendars().catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(GraphError);
    expect((e429 as GraphError).statusCode).toBe(429);
    expect((e429 as GraphError).headers?.get('retry-after')).toBe('7');
    h.em.failNext({ status: 503 });
    expect(((await ad.listCalendars().catch((e: unknown) => e)) as GraphError).statusCode).toBe(503);
    h.em.failNext({ malformed: true });
    await expect(ad.listCalendars()).rejects.toBeTruthy();
    expect(await ad.listCalendars()).toHaveLength(1);
  });

  it('passes the HTTP layer\'s own errors through unchanged', async () => {
    const boom = Object.assign(new Error('Microsoft is having problems'), { details: { status: 410, providerCode: 'syncStateNotFound' } });
    const ad = createOutlookCalendarAdapter({ fetch: () => Promise.reject(boom), apiRoot: h.em.apiRoot });
    await expect(ad.listCalendars()).rejects.toBe(boom);
    await expect(pages(ad.pullChanges(h.calendarId, `${h.em.apiRoot}me/calendars/x/calendarView/delta?$deltatoken=t`, WINDOW))).rejects.toBeInstanceOf(StaleCursorError);
  });

  it('refuses to follow a link outside its API root', async () => {
    await expect(pages(adapter().pullChanges(h.calendarId, 'https://evil.example/v1.0/me/calendarView/delta?$deltatoken=x', WINDOW))).rejects.toThrow(/outside its API root/);
    expect(h.em.counters.requests).toBe(0);
  });
});
