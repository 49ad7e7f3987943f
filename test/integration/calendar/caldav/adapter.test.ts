// The CalDAV adapter against a real Radicale: hand-checked fixtures (test/fixtures/ics/expected.json, written by
// hand, not by our parser), incremental sync-collection, ctag fallback, stale tokens, truncated results, bookings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allInstancesId, createCalDavCalendarAdapter } from '../../../../main/providers/calendar/caldav/sync';
import type { BookingEvent, CalendarAdapter, SyncPage, SyncWindow, SyncedEvent } from '../../../../main/providers/calendar/types';
import { startRadicale, type RadicaleServer } from '../../../support/radicale';

const FIX = join(__dirname, '../../../fixtures/ics');
interface Expected {
  instanceKey: string;
  title: string;
  start: string;
  end: string;
  timeZone: string;
  allDay: boolean;
  busy: boolean;
}
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as {
  window: { start: string; end: string };
  files: Record<string, Expected[]>;
  inBerlinCalendar: Record<string, Expected[]>;
};
const WINDOW: SyncWindow = { start: Date.parse(expected.window.start), end: Date.parse(expected.window.end) };
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

const USER = { username: 'alice', password: 'wonder land' };
const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`, 'utf8').toString('base64')}`;

let server: RadicaleServer;
beforeAll(async () => {
  server = await startRadicale({ users: [USER] });
}, 30_000);
afterAll(async () => {
  await server?.stop();
});

/** The authenticated fetch the engine would pass, counting requests. */
function countingFetch(rewrite?: (url: string, init: RequestInit | undefined, res: Response) => Promise<Response>) {
  const log: { method: string; url: string; status: number }[] = [];
  const f = async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    headers.set('authorization', basic);
    let res = await fetch(url, { ...init, headers });
    if (rewrite) res = await rewrite(url, init, res);
    log.push({ method: init?.method ?? 'GET', url, status: res.status });
    return res;
  };
  return { fetch: f, log, reset: () => log.splice(0) };
}

async function put(calendarUrl: string, name: string, ics: string) {
  const res = await fetch(`${calendarUrl}${name}`, {
    method: 'PUT',
    headers: { authorization: basic, 'content-type': 'text/calendar; charset=utf-8' },
    body: ics,
  });
  expect([201, 204]).toContain(res.status);
}
async function del(calendarUrl: string, name: string) {
  const res = await fetch(`${calendarUrl}${name}`, { method: 'DELETE', headers: { authorization: basic } });
  expect(res.status).toBe(200);
}

/** The reconcile rule the lead implements: resetLocal clears, `href#*` prefix deletions before the upserts. */
class Store {
  readonly events = new Map<string, SyncedEvent>();
  cursor: string | null = null;
  apply(page: SyncPage) {
    if (page.resetLocal) this.events.clear();
    for (const id of page.deleted) {
      if (id.endsWith('#*')) {
        const prefix = id.slice(0, -1);
        for (const k of [...this.events.keys()]) if (k.startsWith(prefix)) this.events.delete(k);
      } else this.events.delete(id);
    }
    for (const e of page.upserted) this.events.set(e.externalId, e);
    if (page.nextCursor !== null) this.cursor = page.nextCursor;
  }
  async sync(adapter: CalendarAdapter, calendarId: string, window = WINDOW) {
    const pages: SyncPage[] = [];
    for await (const page of adapter.pullChanges(calendarId, this.cursor, window)) {
      pages.push(page);
      this.apply(page);
    }
    return pages;
  }
}

const hrefOf = (calendarUrl: string, name: string) => `${new URL(calendarUrl).pathname}${name}`;
function truth(calendarUrl: string, files: Record<string, Expected[]>) {
  const out: Record<string, Omit<SyncedEvent, 'externalId'>> = {};
  for (const [file, list] of Object.entries(files)) {
    for (const e of list) {
      out[`${hrefOf(calendarUrl, file)}#${e.instanceKey}`] = {
        title: e.title,
        startUtc: Date.parse(e.start),
        endUtc: Date.parse(e.end),
        timeZone: e.timeZone,
        allDay: e.allDay,
        busy: e.busy,
      };
    }
  }
  return out;
}
const snapshot = (store: Store) =>
  Object.fromEntries([...store.events].map(([id, { externalId: _id, ...rest }]) => [id, rest]));

async function calendarWithFixtures(name: string) {
  const url = await server.createCalendar(USER.username, USER.password, name);
  for (const file of Object.keys(expected.files)) await put(url, file, fixture(file));
  return url;
}

describe('CalDAV adapter against Radicale', () => {
  it('lists the event calendars (not task lists)', async () => {
    const url = await server.createCalendar(USER.username, USER.password, 'Listed');
    await server.createCalendar(USER.username, USER.password, 'Tasks', { components: ['VTODO'] });
    const { fetch: f } = countingFetch();
    const adapter = createCalDavCalendarAdapter({ fetch: f, serverUrl: server.url });
    const cals = await adapter.listCalendars();
    expect(cals.map((c) => c.id)).toContain(url);
    expect(cals.every((c) => !c.name.startsWith('Tasks'))).toBe(true);
    expect(cals.find((c) => c.id === url)).toMatchObject({ name: 'Listed', readOnly: false });
  });

  it('full sync produces exactly the hand-checked instances; incremental sync only the changes; no change = 1 request', async () => {
    const url = await calendarWithFixtures('Fixtures');
    const counter = countingFetch();
    const adapter = createCalDavCalendarAdapter({ fetch: counter.fetch, serverUrl: server.url });
    const store = new Store();
    const first = await store.sync(adapter, url);
    expect(first[0]!.resetLocal).toBe(true);
    expect(first.at(-1)!.nextCursor).not.toBeNull();
    expect(first.slice(0, -1).every((p) => p.nextCursor === null)).toBe(true);
    expect(snapshot(store)).toEqual(truth(url, expected.files));
    // PROPFIND (report set, timezone) + sync-collection + one multiget.
    expect(counter.log.map((l) => l.method)).toEqual(['PROPFIND', 'REPORT', 'REPORT']);

    counter.reset();
    const none = await store.sync(adapter, url);
    expect(none).toEqual([{ upserted: [], deleted: [], resetLocal: false, nextCursor: expect.any(String) }]);
    expect(counter.log).toHaveLength(1);

    // On the server: the moved override dropped and the series renamed; the EXDATE file deleted.
    const moved = fixture('moved.ics')
      .replace(/BEGIN:VEVENT\r\nUID:moved-weekly\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID[\s\S]*?END:VEVENT\r\n/, '')
      .replace('SUMMARY:Weekly review', 'SUMMARY:Weekly review v2');
    expect(moved).not.toContain('RECURRENCE-ID');
    await put(url, 'moved.ics', moved);
    await del(url, 'exdate.ics');

    counter.reset();
    const changed = await store.sync(adapter, url);
    expect(counter.log.map((l) => l.method)).toEqual(['REPORT', 'REPORT']); // sync-collection + multiget
    expect(changed).toHaveLength(1);
    expect(changed[0]!.resetLocal).toBe(false);
    expect(new Set(changed[0]!.deleted)).toEqual(
      new Set([allInstancesId(hrefOf(url, 'exdate.ics')), allInstancesId(hrefOf(url, 'moved.ics'))]),
    );
    expect(changed[0]!.upserted.map((e) => e.externalId).sort()).toEqual(
      ['20260302T140000Z', '20260309T140000Z', '20260316T140000Z'].map((k) => `${hrefOf(url, 'moved.ics')}#moved-weekly::${k}`),
    );
    const files = { ...expected.files };
    delete files['exdate.ics'];
    files['moved.ics'] = ['2026-03-02', '2026-03-09', '2026-03-16'].map((d) => ({
      instanceKey: `moved-weekly::${d.replace(/-/g, '')}T140000Z`,
      title: 'Weekly review v2',
      start: `${d}T14:00:00Z`,
      end: `${d}T15:00:00Z`,
      timeZone: 'UTC',
      allDay: false,
      busy: true,
    }));
    expect(snapshot(store)).toEqual(truth(url, files));

    counter.reset();
    await store.sync(adapter, url);
    expect(counter.log).toHaveLength(1);
  });

  it('an invalid sync token gives one full resync with resetLocal', async () => {
    const url = await calendarWithFixtures('Stale');
    const counter = countingFetch();
    const adapter = createCalDavCalendarAdapter({ fetch: counter.fetch, serverUrl: server.url });
    const store = new Store();
    await store.sync(adapter, url);
    const good = JSON.parse(store.cursor!) as { t: string };
    store.cursor = JSON.stringify({ ...good, t: 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000' });
    store.events.set('stale#left-over', { ...[...store.events.values()][0]!, externalId: 'stale#left-over' });
    counter.reset();
    const pages = await store.sync(adapter, url);
    expect(counter.log[0]).toMatchObject({ method: 'REPORT' });
    expect([403, 409]).toContain(counter.log[0]!.status);
    expect(pages[0]!.resetLocal).toBe(true);
    expect(snapshot(store)).toEqual(truth(url, expected.files));
    // A cursor we cannot read at all is treated the same way.
    store.cursor = 'not json';
    const again = await store.sync(adapter, url);
    expect(again[0]!.resetLocal).toBe(true);
    expect(snapshot(store)).toEqual(truth(url, expected.files));
  });

  it('a truncated sync-collection (507 on the request-URI) is asked again from the returned token', async () => {
    const url = await calendarWithFixtures('Truncated');
    const store = new Store();
    const plain = countingFetch();
    const adapter0 = createCalDavCalendarAdapter({ fetch: plain.fetch, serverUrl: server.url });
    await store.sync(adapter0, url);
    await put(url, 'transparent.ics', fixture('transparent.ics').replace('Focus time', 'Focus time v2'));
    await del(url, 'allday.ics');
    // Radicale never truncates: this proxy cuts the first answer to one change plus a 507 for the collection,
    // hands out a made-up token, and translates that token back when the adapter asks again.
    const FAKE = 'urn:junction-test:partial';
    let realToken = '';
    let truncatedOnce = false;
    const proxy = countingFetch(async (_u, init, res) => {
      if (init?.method !== 'REPORT' || !String(init.body).includes('sync-collection') || truncatedOnce) return res;
      truncatedOnce = true;
      const xml = await res.text();
      const responses = xml.match(/<(\w+:)?response>[\s\S]*?<\/(\w+:)?response>/g) ?? [];
      expect(responses.length).toBe(2);
      const ns = /<(\w+:)?multistatus/.exec(xml)![1] ?? '';
      const cut = xml
        .replace(responses[1]!, `<${ns}response><${ns}href>${new URL(url).pathname}</${ns}href><${ns}status>HTTP/1.1 507 Insufficient Storage</${ns}status></${ns}response>`)
        .replace(/<(\w+:)?sync-token>[^<]*</, `<$1sync-token>${FAKE}<`);
      return new Response(cut, { status: 207, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    });
    const rewriting = async (input: string | URL | Request, init?: RequestInit) => {
      if (init?.method === 'REPORT' && typeof init.body === 'string' && init.body.includes(FAKE)) {
        init = { ...init, body: init.body.replace(FAKE, realToken) };
      }
      return proxy.fetch(input, init);
    };
    realToken = (JSON.parse(store.cursor!) as { t: string }).t;
    const adapter = createCalDavCalendarAdapter({ fetch: rewriting, serverUrl: server.url });
    const pages = await store.sync(adapter, url);
    expect(proxy.log.map((l) => l.method)).toEqual(['REPORT', 'REPORT', 'REPORT']); // 2 × sync-collection + multiget
    expect(pages.at(-1)!.nextCursor).not.toContain(FAKE);
    const files = { ...expected.files };
    delete files['allday.ics'];
    files['transparent.ics'] = [{ ...files['transparent.ics']![0]!, title: 'Focus time v2' }];
    expect(snapshot(store)).toEqual(truth(url, files));
  });

  it('ctag fallback: full sync, one request when the ctag is unchanged, etag diff otherwise', async () => {
    const url = await calendarWithFixtures('Ctag');
    const counter = countingFetch();
    const adapter = createCalDavCalendarAdapter({ fetch: counter.fetch, serverUrl: server.url, syncMethod: 'ctag', multigetBatchSize: 3 });
    const store = new Store();
    const pages = await store.sync(adapter, url);
    expect(pages.length).toBe(3); // 8 objects in batches of 3
    expect(pages.map((p) => p.resetLocal)).toEqual([true, false, false]);
    expect(snapshot(store)).toEqual(truth(url, expected.files));
    counter.reset();
    await store.sync(adapter, url);
    expect(counter.log.map((l) => l.method)).toEqual(['PROPFIND']);
    await del(url, 'floating.ics');
    await put(url, 'allday.ics', fixture('allday.ics').replace('Offsite', 'Offsite v2'));
    counter.reset();
    const changed = await store.sync(adapter, url);
    expect(counter.log.map((l) => l.method)).toEqual(['PROPFIND', 'PROPFIND', 'REPORT']);
    expect(changed[0]!.deleted.sort()).toEqual([allInstancesId(hrefOf(url, 'allday.ics')), allInstancesId(hrefOf(url, 'floating.ics'))].sort());
    const files = { ...expected.files };
    delete files['floating.ics'];
    files['allday.ics'] = [{ ...files['allday.ics']![0]!, title: 'Offsite v2' }];
    expect(snapshot(store)).toEqual(truth(url, files));
  });

  it('dates and floating times are read in the calendar-timezone when the calendar has one', async () => {
    const url = await server.createCalendar(USER.username, USER.password, 'Berlin');
    const vtz = fixture('dst-weekly.ics').match(/BEGIN:VTIMEZONE[\s\S]*END:VTIMEZONE\r\n/)![0];
    const tzCal = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Junction tests//EN\r\n${vtz}END:VCALENDAR\r\n`;
    const res = await fetch(url, {
      method: 'PROPPATCH',
      headers: { authorization: basic, 'content-type': 'application/xml; charset=utf-8' },
      body:
        '<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">' +
        `<D:set><D:prop><C:calendar-timezone>${tzCal.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</C:calendar-timezone></D:prop></D:set></D:propertyupdate>`,
    });
    expect(res.status).toBe(207);
    for (const file of Object.keys(expected.inBerlinCalendar).filter((f) => !f.startsWith('_'))) await put(url, file, fixture(file));
    const adapter = createCalDavCalendarAdapter({ fetch: countingFetch().fetch, serverUrl: server.url });
    const listed = (await adapter.listCalendars()).find((c) => c.id === url);
    expect(listed?.timeZone).toBe('Europe/Berlin');
    const store = new Store();
    await store.sync(adapter, url);
    const { _comment: _c, ...files } = expected.inBerlinCalendar as Record<string, Expected[]> & { _comment?: unknown };
    expect(snapshot(store)).toEqual(truth(url, files));
  });

  it('bookings: create twice → one object, update moves it, delete → deleted then missing', async () => {
    const url = await server.createCalendar(USER.username, USER.password, 'Bookings');
    const counter = countingFetch();
    const adapter = createCalDavCalendarAdapter({ fetch: counter.fetch, serverUrl: server.url, now: () => Date.parse('2026-02-01T00:00:00Z') });
    const booking: BookingEvent = {
      bookingId: 'b-123',
      title: 'Intro call with Bob',
      description: 'Agenda: pricing',
      startUtc: Date.parse('2026-03-12T09:00:00Z'),
      endUtc: Date.parse('2026-03-12T09:30:00Z'),
      timeZone: 'Europe/Berlin',
      attendees: [{ name: 'Bob Example', email: 'bob@example.com' }],
      meetingLink: 'https://meet.example.com/abc',
    };
    const a = await adapter.createEvent(url, booking);
    const b = await adapter.createEvent(url, booking);
    expect(b).toEqual(a);
    expect(counter.log.map((l) => l.status)).toEqual([201, 412]);
    const store = new Store();
    await store.sync(adapter, url);
    expect([...store.events.values()]).toEqual([
      {
        externalId: `${a.externalId}#b-123@junction`,
        title: 'Intro call with Bob',
        startUtc: booking.startUtc,
        endUtc: booking.endUtc,
        timeZone: 'UTC',
        allDay: false,
        busy: true,
      },
    ]);
    const body = (await (await fetch(new URL(a.externalId, url), { headers: { authorization: basic } })).text()).replace(/\r\n[ \t]/g, '');
    expect(body).toContain('UID:b-123@junction');
    expect(body).toMatch(/ATTENDEE;[^\r\n]*CN=Bob Example[^\r\n]*:mailto:bob@example\.com/);
    expect(body).toContain('URL:https://meet.example.com/abc');
    expect(body).toContain('DESCRIPTION:Agenda: pricing\\n\\nJoin: https://meet.example.com/abc');

    await adapter.updateEvent(url, a.externalId, { ...booking, startUtc: booking.startUtc + 3_600_000, endUtc: booking.endUtc + 3_600_000 });
    await store.sync(adapter, url);
    expect([...store.events.values()].map((e) => [e.startUtc, e.endUtc])).toEqual([[booking.startUtc + 3_600_000, booking.endUtc + 3_600_000]]);

    expect(await adapter.deleteEvent(url, a.externalId)).toBe('deleted');
    expect(await adapter.deleteEvent(url, a.externalId)).toBe('missing');
    await store.sync(adapter, url);
    expect(store.events.size).toBe(0);
  });
});
