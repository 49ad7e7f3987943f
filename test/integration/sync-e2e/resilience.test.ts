// A sync killed between pages, a stale cursor, and a no-change sync, with the real adapters against the emulators
// and Radicale. Requests are counted at the emulators (Google counters, Graph counters) or at the core's fetch
// (Radicale).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncProgress } from '../../../shared/ipc/push';
import { startRadicale, type RadicaleServer } from '../../support/radicale';
import { type Block, byKey, DAY, type E2E, HOUR, shape, startE2E } from './support';

let e: E2E;
beforeEach(async () => {
  e = await startE2E();
});
afterEach(async () => {
  await e.close();
});

/** Runs a sync whose job is aborted right after its first committed page (the process "dies"). */
async function syncKilledAfterFirstPage(id: string, force: boolean): Promise<unknown> {
  const ac = new AbortController();
  const off = e.core.pushes.subscribe((name, p) => {
    if (name === 'sync:progress' && (p as SyncProgress).pages >= 1) ac.abort(new Error('killed'));
  });
  try {
    return await e.core.calendarSync.engine.syncCalendar(id, { force, signal: ac.signal }).then(
      () => null,
      (err: unknown) => err,
    );
  } finally {
    off();
  }
}

const rowOf = async (id: string) =>
  e.core.db.selectFrom('calendar_sources').selectAll().where('integration_id', '=', id).where('selected', '=', 1).executeTakeFirstOrThrow();

describe('Google', () => {
  const googleTruth = async (id: string, calId: string): Promise<Block[]> => {
    const src = await e.calendarOf(id);
    return e.google
      .instances(calId, { start: src.windowStart!, end: src.windowEnd! })
      .map((i) => ({ externalId: i.id, title: i.summary, startUtc: i.startUtc, endUtc: i.endUtc, allDay: i.allDay, busy: !i.transparent }))
      .sort(byKey);
  };

  it('a sync killed between pages leaves whole pages and no cursor; the next sync converges', async () => {
    const id = await e.connect('google');
    const cal = await e.calendarOf(id);
    const base = e.clock.now() - (e.clock.now() % DAY) - 20 * DAY;
    // 8 daily series across the whole window: > 2500 instances, so the full sync takes 2 pages.
    for (let i = 0; i < 8; i++) {
      e.google.createEvent(cal.id, {
        id: `dddd${i}`,
        summary: `D${i}`,
        start: { dateTime: new Date(base + (8 + i) * HOUR).toISOString(), timeZone: 'UTC' },
        end: { dateTime: new Date(base + (8 + i) * HOUR + 1800_000).toISOString(), timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=DAILY'],
      });
    }
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    const before = await e.blocks(id, cal.id);
    expect(before).toEqual(await googleTruth(id, cal.id));
    expect(before.length).toBeGreaterThan(2500);

    e.google.resetCounters();
    const err = await syncKilledAfterFirstPage(id, true);
    expect(String(err)).toMatch(/killed/);
    expect(e.google.counters['events.list']).toBe(2);
    const row = await rowOf(id);
    expect(row.sync_cursor).toBeNull();
    // Page-consistent: exactly the first page (2500) of the new full sync, every block a true instance.
    const mid = await e.blocks(id, cal.id);
    expect(mid).toHaveLength(2500);
    const truth = new Map((await googleTruth(id, cal.id)).map((b) => [b.externalId, b]));
    for (const b of mid) expect(b).toEqual(truth.get(b.externalId));

    const r = await e.core.calendarSync.engine.syncCalendar(id);
    expect(r).toMatchObject({ status: 'done' });
    expect(r.calendars[0]!.full).toBe(true);
    expect(await e.blocks(id, cal.id)).toEqual(await googleTruth(id, cal.id));
    expect((await rowOf(id)).sync_cursor).not.toBeNull();
  });

  it('a stale sync token costs exactly one full resync; a no-change sync is one request', async () => {
    const id = await e.connect('google');
    const cal = await e.calendarOf(id);
    const t0 = e.clock.now();
    for (let i = 0; i < 5; i++) {
      e.google.createEvent(cal.id, {
        id: `single${i}`,
        summary: `S${i}`,
        start: { dateTime: new Date(t0 + (i + 1) * DAY).toISOString() },
        end: { dateTime: new Date(t0 + (i + 1) * DAY + HOUR).toISOString() },
      });
    }
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');

    e.google.resetCounters();
    let r = await e.core.calendarSync.engine.syncCalendar(id);
    expect(r.status).toBe('done');
    expect(e.google.counters.total).toBe(1);
    expect(e.google.counters['events.list']).toBe(1);

    e.google.invalidateSyncTokens();
    e.google.createEvent(cal.id, {
      id: 'afterstale',
      summary: 'after',
      start: { dateTime: new Date(t0 + 9 * DAY).toISOString() },
      end: { dateTime: new Date(t0 + 9 * DAY + HOUR).toISOString() },
    });
    e.google.resetCounters();
    r = await e.core.calendarSync.engine.syncCalendar(id);
    expect(r.status).toBe('done');
    // One 410 on the stale token, then one full listing (one page): no loop, no second resync.
    expect(e.google.counters['events.list']).toBe(2);
    const lists = e.google.requests.filter((q) => q.endpoint === 'events.list');
    expect(lists.map((q) => q.status)).toEqual([410, 200]);
    expect('syncToken' in lists[0]!.query).toBe(true);
    expect('syncToken' in lists[1]!.query).toBe(false);
    expect(await e.blocks(id, cal.id)).toEqual(await googleTruth(id, cal.id));
    expect(await e.blocks(id, cal.id)).toHaveLength(6);

    e.google.resetCounters();
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    expect(e.google.counters.total).toBe(1);
  });
});

describe('Outlook', () => {
  const graphTruth = (calId: string) =>
    e.graph
      .events(calId)
      .map((ev) => ({ title: ev.subject, startUtc: Date.parse(`${ev.start}Z`), endUtc: Date.parse(`${ev.end}Z`), allDay: false, busy: ev.showAs !== 'free' }));

  it('a delta sync killed between pages leaves whole pages and no cursor; the next sync converges', async () => {
    const id = await e.connect('outlook');
    const cal = await e.calendarOf(id);
    const t0 = e.clock.now() - (e.clock.now() % HOUR);
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    for (let i = 0; i < 250; i++) {
      e.graph.upsertEvent(cal.id, { subject: `G${i}`, start: iso(t0 + i * 3 * HOUR), end: iso(t0 + i * 3 * HOUR + HOUR), timeZone: 'UTC' });
    }
    const err = await syncKilledAfterFirstPage(id, false);
    expect(String(err)).toMatch(/killed/);
    expect((await rowOf(id)).sync_cursor).toBeNull();
    const mid = await e.blocks(id, cal.id);
    expect(mid).toHaveLength(100);
    const all = shape(graphTruth(cal.id));
    for (const b of shape(mid)) expect(all).toContainEqual(b);

    e.graph.resetCounters();
    const r = await e.core.calendarSync.engine.syncCalendar(id);
    expect(r.status).toBe('done');
    expect(shape(await e.blocks(id, cal.id))).toEqual(all);
    expect(e.graph.counters.deltaRequests).toBe(3);
    expect((await rowOf(id)).sync_cursor).not.toBeNull();
  });

  it('a stale delta token costs exactly one full resync; a no-change sync is one request', async () => {
    const id = await e.connect('outlook');
    const cal = await e.calendarOf(id);
    const t0 = e.clock.now() - (e.clock.now() % HOUR);
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    for (let i = 0; i < 5; i++) e.graph.upsertEvent(cal.id, { subject: `G${i}`, start: iso(t0 + i * DAY), end: iso(t0 + i * DAY + HOUR), timeZone: 'UTC' });
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');

    e.graph.resetCounters();
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    expect(e.graph.counters.requests).toBe(1);

    e.graph.invalidateDeltaTokens();
    e.graph.upsertEvent(cal.id, { subject: 'after', start: iso(t0 + 9 * DAY), end: iso(t0 + 9 * DAY + HOUR), timeZone: 'UTC' });
    e.graph.resetCounters();
    const r = await e.core.calendarSync.engine.syncCalendar(id);
    expect(r.status).toBe('done');
    expect(e.graph.counters.deltaRequests).toBe(2);
    expect(e.graph.log.filter((l) => l.path.includes('delta')).map((l) => l.status)).toEqual([410, 200]);
    expect(shape(await e.blocks(id, cal.id))).toEqual(shape(graphTruth(cal.id)));

    e.graph.resetCounters();
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    expect(e.graph.counters.requests).toBe(1);
  });
});

describe('Radicale', () => {
  const USER = { username: 'res', password: 'res-secret' };
  const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
  let server: RadicaleServer;
  beforeAll(async () => {
    server = await startRadicale({ users: [USER] });
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('an invalid sync token costs one full resync; a no-change sync is one request', async () => {
    const url = await server.createCalendar(USER.username, USER.password, `Res${Date.now()}`);
    const path = new URL(url).pathname;
    const t0 = e.clock.now() + DAY;
    const put = async (uid: string, start: number) => {
      const f = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//e2e//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
        `DTSTART:${f(start)}`, `DTEND:${f(start + HOUR)}`, `SUMMARY:${uid}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
      const r = await fetch(`${url}${uid}.ics`, { method: 'PUT', headers: { authorization: basic, 'content-type': 'text/calendar' }, body: ics });
      expect([201, 204]).toContain(r.status);
    };
    const truth: Block[] = [];
    for (let i = 0; i < 3; i++) {
      await put(`r${i}`, t0 + i * DAY);
      truth.push({ externalId: `${path}r${i}.ics#r${i}`, title: `r${i}`, startUtc: t0 + i * DAY, endUtc: t0 + i * DAY + HOUR, allDay: false, busy: true });
    }
    const id = await e.connectCalDav(server.url, USER.username, USER.password);
    const cal = await e.calendarOf(id);
    expect(cal.id).toBe(url);
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    expect(await e.blocks(id, url)).toEqual(truth.sort(byKey));

    const toServer = () => e.requests.filter((u) => u.startsWith(server.url));
    let n = toServer().length;
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    expect(toServer().length - n).toBe(1);

    // A token the server never issued (as after a server-side reset): refused, one full resync.
    const row = await rowOf(id);
    const cursor = JSON.parse(row.sync_cursor!) as { t: string };
    cursor.t = cursor.t.replace(/[0-9a-f]{16,}$/i, (m) => '0'.repeat(m.length));
    await e.core.db.updateTable('calendar_sources').set({ sync_cursor: JSON.stringify(cursor) }).where('id', '=', row.id).execute();
    await put('r9', t0 + 9 * DAY);
    truth.push({ externalId: `${path}r9.ics#r9`, title: 'r9', startUtc: t0 + 9 * DAY, endUtc: t0 + 9 * DAY + HOUR, allDay: false, busy: true });
    n = toServer().length;
    e.clock.advance(60_000);
    const r = await e.core.calendarSync.engine.syncCalendar(id);
    expect(r.status, r.error).toBe('done');
    // The adapter restarted by itself (resetLocal): recorded as a full sync.
    expect((await rowOf(id)).last_full_sync_at).toBe(e.clock.now());
    expect(await e.blocks(id, url)).toEqual(truth.sort(byKey));
    const resyncRequests = toServer().length - n;
    console.info('Radicale requests for a stale-token resync:', resyncRequests);
    expect(resyncRequests).toBeLessThanOrEqual(4);

    n = toServer().length;
    expect((await e.core.calendarSync.engine.syncCalendar(id)).status).toBe('done');
    expect(toServer().length - n).toBe(1);
  });
});
