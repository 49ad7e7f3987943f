// The Google adapter (real @googleapis/calendar over real HTTP) against the Calendar v3 emulator.
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import type { BookingEvent, SyncedEvent } from '../../../../main/providers/calendar/types';
import { googleEventIdFor } from '../../../../main/providers/calendar/google';
import { apply, CAL, collect, DAY, iso, NOW, type Setup, setup, timed, WINDOW } from './helpers';

let s: Setup;
afterEach(async () => {
  await s?.em.close();
});

/** Local state equals the emulator's truth (the emulator's own expansion, not the adapter's). */
function expectTruth(state: Map<string, SyncedEvent>) {
  const truth = s.em.instances(CAL, WINDOW);
  const local = [...state.values()].sort((a, b) => a.startUtc - b.startUtc || (a.externalId < b.externalId ? -1 : 1));
  expect(local.map((e) => ({ id: e.externalId, start: e.startUtc, end: e.endUtc, busy: e.busy, allDay: e.allDay, title: e.title }))).toEqual(
    truth.map((t) => ({ id: t.id, start: t.startUtc, end: t.endUtc, busy: !t.transparent, allDay: t.allDay, title: t.summary })),
  );
}

const booking = (over: Partial<BookingEvent> = {}): BookingEvent => ({
  bookingId: '7f1c2a4e-5b6d-4e8f-9a0b-1c2d3e4f5a6b',
  title: 'Intro call',
  description: 'Booked through Junction',
  startUtc: NOW + 2 * DAY,
  endUtc: NOW + 2 * DAY + 30 * 60_000,
  timeZone: 'Europe/Berlin',
  attendees: [{ name: 'Grace Hopper', email: 'grace@example.test' }],
  meetingLink: 'https://meet.example.test/abc',
  ...over,
});

describe('Google adapter: sync', () => {
  it('full sync pages with maxResults=2500, cursor only on the last page, then a no-change sync is exactly one request', async () => {
    s = await setup();
    s.em.seed(CAL, Array.from({ length: 5200 }, (_, i) => timed(`ev${String(i).padStart(5, '0')}`, NOW + i * 3_600_000, 30)));
    const state = new Map<string, SyncedEvent>();
    const pages = await collect(s.adapter.pullChanges(CAL, null, WINDOW));
    expect(pages.map((p) => p.upserted.length)).toEqual([2500, 2500, 200]);
    expect(pages.map((p) => p.resetLocal)).toEqual([true, false, false]);
    expect(pages.map((p) => p.nextCursor !== null)).toEqual([false, false, true]);
    const lists = s.em.requests.filter((r) => r.endpoint === 'events.list');
    expect(lists).toHaveLength(3);
    expect(lists.every((r) => r.query.maxResults === '2500' && r.query.singleEvents === 'true')).toBe(true);
    expect(lists[0]!.query.timeMin).toBe(iso(WINDOW.start));
    const cursor = apply(state, pages);
    expectTruth(state);

    s.em.resetCounters();
    const again = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(again).toEqual([{ upserted: [], deleted: [], resetLocal: false, nextCursor: expect.any(String) }]);
    expect(s.em.counters.total).toBe(1);
    const q = s.em.requests[0]!.query;
    expect(q.syncToken).toBe(cursor);
    for (const forbidden of ['timeMin', 'timeMax', 'q', 'orderBy', 'updatedMin', 'iCalUID']) expect(q).not.toHaveProperty(forbidden);
  });

  it('incremental sync returns just the provider-side change; deletes come back cancelled and are removed', async () => {
    s = await setup();
    s.em.seed(CAL, [timed('aaaaa1', NOW + DAY, 60), timed('bbbbb2', NOW + 2 * DAY, 60), timed('ccccc3', NOW + 3 * DAY, 60)]);
    const state = new Map<string, SyncedEvent>();
    let cursor = apply(state, await collect(s.adapter.pullChanges(CAL, null, WINDOW)));

    s.em.updateEvent(CAL, 'bbbbb2', { summary: 'Moved', start: { dateTime: iso(NOW + 5 * DAY) }, end: { dateTime: iso(NOW + 5 * DAY + 3_600_000) } });
    let pages = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.upserted.map((e) => [e.externalId, e.title, e.startUtc])).toEqual([['bbbbb2', 'Moved', NOW + 5 * DAY]]);
    expect(pages[0]!.deleted).toEqual([]);
    cursor = apply(state, pages);

    s.em.deleteEvent(CAL, 'ccccc3');
    s.em.createEvent(CAL, timed('ddddd4', NOW + 10 * DAY, 15));
    // Moved out of the window: no longer ours.
    s.em.updateEvent(CAL, 'aaaaa1', { start: { dateTime: iso(WINDOW.end + DAY) }, end: { dateTime: iso(WINDOW.end + DAY + 60_000) } });
    pages = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(pages[0]!.deleted.sort()).toEqual(['aaaaa1', 'ccccc3']);
    expect(pages[0]!.upserted.map((e) => e.externalId)).toEqual(['ddddd4']);
    apply(state, pages);
    expectTruth(state);
  });

  it('a large incremental change set is paged too, the cursor again only on its last page', async () => {
    s = await setup();
    const state = new Map<string, SyncedEvent>();
    const cursor = apply(state, await collect(s.adapter.pullChanges(CAL, null, WINDOW)));
    s.em.seed(CAL, Array.from({ length: 2600 }, (_, i) => timed(`added${String(i).padStart(5, '0')}`, NOW + i * 60_000, 30)));
    const pages = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(pages.map((p) => [p.upserted.length, p.resetLocal, p.nextCursor !== null])).toEqual([
      [2500, false, false],
      [100, false, true],
    ]);
    apply(state, pages);
    expectTruth(state);
  });

  it('a stale token (410) gives exactly one full resync that resets local state', async () => {
    s = await setup();
    s.em.seed(CAL, [timed('aaaaa1', NOW + DAY, 60)]);
    const state = new Map<string, SyncedEvent>();
    const cursor = apply(state, await collect(s.adapter.pullChanges(CAL, null, WINDOW)));
    s.em.createEvent(CAL, timed('bbbbb2', NOW + 2 * DAY, 60));
    s.em.invalidateSyncTokens(CAL);
    s.em.resetCounters();
    const pages = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(s.em.requests.map((r) => [r.endpoint, r.status, 'syncToken' in r.query])).toEqual([
      ['events.list', 410, true],
      ['events.list', 200, false],
    ]);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.resetLocal).toBe(true);
    const next = apply(state, pages);
    expectTruth(state);
    // The new cursor works again.
    expect(await collect(s.adapter.pullChanges(CAL, next, WINDOW))).toHaveLength(1);
  });

  it('recurring (instances with Google ids, DST kept in the event zone, EXDATE, moved and cancelled instances), all-day and transparent events', async () => {
    s = await setup({ timeZone: 'Europe/Berlin' });
    s.em.seed(CAL, [
      {
        id: 'series01',
        summary: 'Weekly',
        start: { dateTime: '2027-03-02T09:00:00', timeZone: 'America/New_York' },
        end: { dateTime: '2027-03-02T10:00:00', timeZone: 'America/New_York' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=6', 'EXDATE;TZID=America/New_York:20270309T090000'],
      },
      { id: 'christmas', summary: 'Holiday', start: { date: '2026-12-24' }, end: { date: '2026-12-27' } },
      { id: 'repeat01', summary: 'Daily all-day', start: { date: '2026-12-01' }, end: { date: '2026-12-02' }, recurrence: ['RRULE:FREQ=DAILY;COUNT=3'] },
      timed('free0001', NOW + DAY, 60, { transparency: 'transparent' }),
    ]);
    const state = new Map<string, SyncedEvent>();
    let cursor = apply(state, await collect(s.adapter.pullChanges(CAL, null, WINDOW)));
    const series = [...state.values()].filter((e) => e.externalId.startsWith('series01_'));
    // 6 occurrences minus the EXDATE; the DST change on Mar 14 keeps 09:00 New York (14:00Z → 13:00Z).
    expect(series.map((e) => e.externalId)).toEqual([
      'series01_20270302T140000Z',
      'series01_20270316T130000Z',
      'series01_20270323T130000Z',
      'series01_20270330T130000Z',
      'series01_20270406T130000Z',
    ]);
    expect(series.every((e) => e.timeZone === 'America/New_York' && !e.allDay)).toBe(true);
    const holiday = state.get('christmas')!;
    expect(holiday).toMatchObject({ allDay: true, timeZone: 'Europe/Berlin', startUtc: Date.parse('2026-12-23T23:00:00Z'), endUtc: Date.parse('2026-12-26T23:00:00Z') });
    expect(state.get('repeat01_20261202')).toMatchObject({ allDay: true });
    expect(state.get('free0001')!.busy).toBe(false);
    expectTruth(state);

    // Provider-side: move one instance, cancel another, end the series early.
    s.em.updateEvent(CAL, 'series01_20270330T130000Z', { start: { dateTime: '2027-03-31T15:00:00Z' }, end: { dateTime: '2027-03-31T16:00:00Z' } });
    s.em.deleteEvent(CAL, 'series01_20270316T130000Z');
    s.em.updateEvent(CAL, 'free0001', { transparency: 'opaque' });
    let pages = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(pages[0]!.deleted).toContain('series01_20270316T130000Z');
    cursor = apply(state, pages);
    expect(state.get('series01_20270330T130000Z')!.startUtc).toBe(Date.parse('2027-03-31T15:00:00Z'));
    expect(state.get('free0001')!.busy).toBe(true);
    expectTruth(state);

    s.em.updateEvent(CAL, 'series01', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
    pages = await collect(s.adapter.pullChanges(CAL, cursor, WINDOW));
    expect(pages[0]!.deleted).toEqual(expect.arrayContaining(['series01_20270323T130000Z', 'series01_20270330T130000Z', 'series01_20270406T130000Z']));
    cursor = apply(state, pages);
    expectTruth(state);

    s.em.deleteEvent(CAL, 'series01');
    apply(state, await collect(s.adapter.pullChanges(CAL, cursor, WINDOW)));
    expect([...state.keys()].some((k) => k.startsWith('series01'))).toBe(false);
    expectTruth(state);
  });

  it('lists calendars with primary, access and zone', async () => {
    s = await setup();
    s.em.addCalendar({ id: 'team@group.calendar.google.com', summary: 'Team', timeZone: 'Asia/Tokyo', accessRole: 'reader' });
    expect(await s.adapter.listCalendars()).toEqual([
      { id: CAL, name: CAL, primary: true, readOnly: false, timeZone: 'Europe/Berlin' },
      { id: 'team@group.calendar.google.com', name: 'Team', primary: false, readOnly: true, timeZone: 'Asia/Tokyo' },
    ]);
  });

  it('failures surface as AppErrors with the status (retries are the shared layer’s); malformed JSON is unreadable', async () => {
    s = await setup();
    s.em.failNext('events.list', { status: 503 });
    await expect(collect(s.adapter.pullChanges(CAL, null, WINDOW))).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { status: 503 } });
    expect(s.em.counters['events.list']).toBe(1); // gaxios' own retries are off
    s.em.failNext('events.list', { malformed: true });
    await expect(collect(s.adapter.pullChanges(CAL, null, WINDOW))).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { reason: 'malformed_response' } });
    s.em.failNext('events.list', { status: 429, retryAfterSec: 7 });
    await expect(collect(s.adapter.pullChanges(CAL, null, WINDOW))).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { providerCode: 'rateLimitExceeded' } });
    s.em.revokeCalendarAccess(CAL, CAL);
    await expect(collect(s.adapter.pullChanges(CAL, null, WINDOW))).rejects.toMatchObject({ code: 'NOT_FOUND', details: { status: 404, providerCode: 'notFound' } });
  });

  it('an AppError thrown by the engine’s fetch reaches the caller unchanged', async () => {
    s = await setup();
    const { createGoogleCalendarAdapter } = await import('../../../../main/providers/calendar/google');
    const boom = new AppError('PROVIDER_UNAVAILABLE', 'circuit open', { status: null });
    const adapter = createGoogleCalendarAdapter({ fetch: () => Promise.reject(boom), apiRoot: s.em.apiRoot });
    await expect(adapter.listCalendars()).rejects.toBe(boom);
  });
});

describe('Google adapter: bookings', () => {
  it('createEvent is idempotent by booking id: twice → one event, with attendees, description and meeting link', async () => {
    s = await setup();
    const b = booking();
    const first = await s.adapter.createEvent(CAL, b);
    const second = await s.adapter.createEvent(CAL, b);
    expect(first.externalId).toBe('7f1c2a4e5b6d4e8f9a0b1c2d3e4f5a6b');
    expect(second).toEqual(first);
    const inWindow = s.em.instances(CAL, WINDOW);
    expect(inWindow.map((e) => e.id)).toEqual([first.externalId]);
    const ev = s.em.getEvent(CAL, first.externalId)!;
    expect(ev).toMatchObject({
      summary: 'Intro call',
      location: 'https://meet.example.test/abc',
      attendees: [{ email: 'grace@example.test', displayName: 'Grace Hopper' }],
      start: { timeZone: 'Europe/Berlin' },
    });
    expect(ev.description).toContain('https://meet.example.test/abc');
    expect(Date.parse(ev.start!.dateTime!)).toBe(b.startUtc);
    expect(s.em.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ['events.insert', 200],
      ['events.insert', 409],
      ['events.patch', 200],
    ]);
  });

  it('updateEvent moves it; deleteEvent removes it, then reports missing; a deleted booking created again is restored', async () => {
    s = await setup();
    const { externalId } = await s.adapter.createEvent(CAL, booking());
    await s.adapter.updateEvent(CAL, externalId, booking({ startUtc: NOW + 3 * DAY, endUtc: NOW + 3 * DAY + 3_600_000 }));
    expect(s.em.instances(CAL, WINDOW).map((e) => [e.id, e.startUtc])).toEqual([[externalId, NOW + 3 * DAY]]);
    expect(await s.adapter.deleteEvent(CAL, externalId)).toBe('deleted');
    expect(s.em.instances(CAL, WINDOW)).toEqual([]);
    expect(await s.adapter.deleteEvent(CAL, externalId)).toBe('missing'); // 410 deleted
    expect(await s.adapter.deleteEvent(CAL, 'neverexisted1')).toBe('missing'); // 404
    await s.adapter.createEvent(CAL, booking());
    expect(s.em.instances(CAL, WINDOW).map((e) => e.id)).toEqual([externalId]);
    await expect(s.adapter.updateEvent(CAL, 'neverexisted1', booking())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('event ids derived from any booking id are valid base32hex and deterministic', () => {
    for (const id of ['7f1c2a4e-5b6d-4e8f-9a0b-1c2d3e4f5a6b', 'bk_01HZX', 'Ünïcode booking', 'ab']) {
      const g = googleEventIdFor(id);
      expect(g).toMatch(/^[a-v0-9]{5,1024}$/);
      expect(googleEventIdFor(id)).toBe(g);
    }
    expect(googleEventIdFor('bk_1')).not.toBe(googleEventIdFor('bk_2'));
  });
});

describe('Google adapter: freeBusy', () => {
  it('splits ranges longer than 90 days and merges the busy times (transparent excluded)', async () => {
    s = await setup();
    s.em.seed(CAL, [
      timed('blocked1', NOW + 10 * DAY, 60),
      timed('blocked2', NOW + 10 * DAY + 30 * 60_000, 60),
      timed('free0001', NOW + 20 * DAY, 60, { transparency: 'transparent' }),
      timed('blocked3', NOW + 150 * DAY, 60),
    ]);
    const busy = await s.adapter.getBusy!([CAL], { start: NOW, end: NOW + 200 * DAY });
    expect(busy).toEqual([
      { startUtc: NOW + 10 * DAY, endUtc: NOW + 10 * DAY + 90 * 60_000 },
      { startUtc: NOW + 150 * DAY, endUtc: NOW + 150 * DAY + 3_600_000 },
    ]);
    const reqs = s.em.requests.filter((r) => r.endpoint === 'freeBusy.query');
    expect(reqs.map((r) => r.status)).toEqual([200, 200, 200]);
    await expect(s.adapter.getBusy!(['nobody@example.test'], { start: NOW, end: NOW + DAY })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
