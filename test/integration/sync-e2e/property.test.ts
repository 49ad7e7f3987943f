// Property: random provider-side changes interleaved with real syncs (real core, real adapters, real OAuth
// tokens) leave blocked_times equal to the provider's truth. Truth: Google emulator instances(), the Graph
// emulator's stored events expanded by hand (single events and daily series only), Radicale's hand-checked
// fixtures and trivial single events. Never Junction's own parser.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRadicale, type RadicaleServer } from '../../support/radicale';
import { type Block, byKey, DAY, type E2E, HOUR, shape, startE2E } from './support';

const RUNS = 30;
/** Instances compared per provider: the property must not pass on empty calendars. */
const compared = { google: 0, outlook: 0, caldav: 0 };

describe('Google: blocked_times equals the emulator truth after every sync', () => {
  let e: E2E;
  let id: string;
  let gen = 0;
  beforeAll(async () => {
    e = await startE2E();
    id = await e.connect('google');
  });
  afterAll(async () => {
    await e?.close();
  });

  type Op =
    | { kind: 'create'; slot: number; day: number; hour: number; minutes: number; allDay: boolean; transparent: boolean; rrule: string | null }
    | { kind: 'move'; slot: number; days: number; hours: number }
    | { kind: 'flip'; slot: number }
    | { kind: 'delete'; slot: number }
    | { kind: 'sync' };
  const SLOTS = 4;
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('create' as const),
      slot: fc.nat(SLOTS - 1),
      day: fc.integer({ min: -40, max: 380 }),
      hour: fc.nat(23),
      minutes: fc.integer({ min: 15, max: 300 }),
      allDay: fc.boolean(),
      transparent: fc.boolean(),
      rrule: fc.constantFrom(null, null, 'RRULE:FREQ=DAILY;COUNT=5', 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6', 'RRULE:FREQ=DAILY;INTERVAL=3'),
    }),
    fc.record({ kind: fc.constant('move' as const), slot: fc.nat(SLOTS - 1), days: fc.integer({ min: -50, max: 50 }), hours: fc.integer({ min: -5, max: 5 }) }),
    fc.record({ kind: fc.constant('flip' as const), slot: fc.nat(SLOTS - 1) }),
    fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(SLOTS - 1) }),
    fc.constant({ kind: 'sync' as const }),
  );

  it('random creates, moves, recurring series, transparency flips, all-day and deletes converge', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const cal = await e.calendarOf(id);
        const live = new Map<number, { id: string; allDay: boolean; start: number; end: number; transparent: boolean }>();
        const sync = async () => {
          const r = await e.core.calendarSync.engine.syncCalendar(id);
          expect(r.status, r.error).toBe('done');
          const src = await e.calendarOf(id);
          const truth = e.google
            .instances(cal.id, { start: src.windowStart!, end: src.windowEnd! })
            .map((i) => ({ externalId: i.id, title: i.summary, startUtc: i.startUtc, endUtc: i.endUtc, allDay: i.allDay, busy: !i.transparent }))
            .sort(byKey);
          compared.google += truth.length;
          expect(await e.blocks(id, cal.id)).toEqual(truth);
        };
        await sync();
        const base = e.clock.now() - (e.clock.now() % DAY);
        const times = (allDay: boolean, start: number, end: number) =>
          allDay
            ? { start: { date: new Date(start).toISOString().slice(0, 10) }, end: { date: new Date(end).toISOString().slice(0, 10) } }
            : { start: { dateTime: new Date(start).toISOString(), timeZone: 'UTC' }, end: { dateTime: new Date(end).toISOString(), timeZone: 'UTC' } };
        for (const op of ops) {
          if (op.kind === 'sync') {
            await sync();
            continue;
          }
          const cur = live.get(op.slot);
          if (op.kind === 'create') {
            if (cur) e.google.deleteEvent(cal.id, cur.id);
            const start = op.allDay ? base + op.day * DAY : base + op.day * DAY + op.hour * HOUR;
            const end = op.allDay ? start + (1 + (op.minutes % 3)) * DAY : start + op.minutes * 60_000;
            const evId = `ev${op.slot}g${gen++}`;
            e.google.createEvent(cal.id, {
              id: evId,
              summary: `E${op.slot}`,
              ...times(op.allDay, start, end),
              ...(op.transparent ? { transparency: 'transparent' } : {}),
              ...(op.rrule ? { recurrence: [op.rrule] } : {}),
            });
            live.set(op.slot, { id: evId, allDay: op.allDay, start, end, transparent: op.transparent });
          } else if (!cur) {
            continue;
          } else if (op.kind === 'move') {
            const d = op.days * DAY + (cur.allDay ? 0 : op.hours * HOUR);
            cur.start += d;
            cur.end += d;
            e.google.updateEvent(cal.id, cur.id, times(cur.allDay, cur.start, cur.end));
          } else if (op.kind === 'flip') {
            cur.transparent = !cur.transparent;
            e.google.updateEvent(cal.id, cur.id, { transparency: cur.transparent ? 'transparent' : 'opaque' });
          } else {
            e.google.deleteEvent(cal.id, cur.id);
            live.delete(op.slot);
          }
        }
        await sync();
        // The next run starts from an empty calendar (its deletions are synced then, too).
        for (const v of live.values()) e.google.deleteEvent(cal.id, v.id);
      }),
      { numRuns: RUNS },
    );
    expect(Object.values(compared).some((n) => n > 0)).toBe(true);
  }, 60_000);
});

describe('Outlook: blocked_times equals the Graph emulator’s own events, expanded by hand', () => {
  let e: E2E;
  let id: string;
  beforeAll(async () => {
    e = await startE2E();
    id = await e.connect('outlook');
  });
  afterAll(async () => {
    await e?.close();
  });

  type Op =
    | { kind: 'create'; slot: number; day: number; hour: number; minutes: number; allDay: boolean; free: boolean; daily: number }
    | { kind: 'move'; slot: number; days: number; hours: number }
    | { kind: 'flip'; slot: number }
    | { kind: 'delete'; slot: number }
    | { kind: 'sync' };
  const SLOTS = 4;
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('create' as const),
      slot: fc.nat(SLOTS - 1),
      day: fc.integer({ min: -40, max: 380 }),
      hour: fc.nat(23),
      minutes: fc.integer({ min: 15, max: 300 }),
      allDay: fc.boolean(),
      free: fc.boolean(),
      // 0: a single event; n: a daily series of n occurrences.
      daily: fc.constantFrom(0, 0, 3, 8),
    }),
    fc.record({ kind: fc.constant('move' as const), slot: fc.nat(SLOTS - 1), days: fc.integer({ min: -50, max: 50 }), hours: fc.integer({ min: -5, max: 5 }) }),
    fc.record({ kind: fc.constant('flip' as const), slot: fc.nat(SLOTS - 1) }),
    fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(SLOTS - 1) }),
    fc.constant({ kind: 'sync' as const }),
  );
  const local = (ms: number) => new Date(ms).toISOString().slice(0, 19);

  /** The Graph emulator's data model, expanded here: single events, and daily numbered series (UTC). */
  function truth(calId: string, w: { start: number; end: number }): Omit<Block, 'externalId'>[] {
    const out: Omit<Block, 'externalId'>[] = [];
    for (const ev of e.graph.events(calId)) {
      const s = DateTime.fromISO(ev.start, { zone: ev.timeZone });
      const en = DateTime.fromISO(ev.end, { zone: ev.timeZone });
      const n = ev.recurrence ? ev.recurrence.range.numberOfOccurrences! : 1;
      expect(ev.recurrence?.pattern.type ?? 'daily').toBe('daily');
      for (let i = 0; i < n; i++) {
        if (ev.exdates.includes(s.plus({ days: i }).toFormat('yyyy-MM-dd'))) continue;
        const a = s.plus({ days: i }).toMillis();
        const b = en.plus({ days: i }).toMillis();
        if (a < w.end && b > w.start) out.push({ title: ev.subject, startUtc: a, endUtc: b, allDay: ev.isAllDay, busy: ev.showAs !== 'free' });
      }
    }
    return out;
  }

  it('random creates, moves, daily series, showAs flips, all-day and deletes converge', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const cal = await e.calendarOf(id);
        const live = new Map<number, { id: string; allDay: boolean; start: number; end: number; free: boolean; daily: number }>();
        const sync = async () => {
          const r = await e.core.calendarSync.engine.syncCalendar(id);
          expect(r.status, r.error).toBe('done');
          const src = await e.calendarOf(id);
          const want = truth(cal.id, { start: src.windowStart!, end: src.windowEnd! });
          compared.outlook += want.length;
          expect(shape(await e.blocks(id, cal.id))).toEqual(shape(want));
        };
        await sync();
        const base = e.clock.now() - (e.clock.now() % DAY);
        const body = (v: { allDay: boolean; start: number; end: number; free: boolean; daily: number }) => ({
          start: local(v.start),
          end: local(v.end),
          timeZone: 'UTC',
          isAllDay: v.allDay,
          showAs: v.free ? ('free' as const) : ('busy' as const),
          recurrence: v.daily
            ? { pattern: { type: 'daily' as const, interval: 1 }, range: { type: 'numbered' as const, startDate: local(v.start).slice(0, 10), numberOfOccurrences: v.daily } }
            : null,
        });
        for (const op of ops) {
          if (op.kind === 'sync') {
            await sync();
            continue;
          }
          const cur = live.get(op.slot);
          if (op.kind === 'create') {
            if (cur) e.graph.deleteEvent(cur.id);
            const start = op.allDay ? base + op.day * DAY : base + op.day * DAY + op.hour * HOUR;
            const end = op.allDay ? start + (1 + (op.minutes % 3)) * DAY : start + op.minutes * 60_000;
            const v = { allDay: op.allDay, start, end, free: op.free, daily: op.daily };
            const ev = e.graph.upsertEvent(cal.id, { subject: `E${op.slot}`, ...body(v) });
            live.set(op.slot, { id: ev.id, ...v });
          } else if (!cur) {
            continue;
          } else if (op.kind === 'move') {
            const d = op.days * DAY + (cur.allDay ? 0 : op.hours * HOUR);
            cur.start += d;
            cur.end += d;
            e.graph.updateEvent(cur.id, body(cur));
          } else if (op.kind === 'flip') {
            cur.free = !cur.free;
            e.graph.updateEvent(cur.id, { showAs: cur.free ? 'free' : 'busy' });
          } else {
            e.graph.deleteEvent(cur.id);
            live.delete(op.slot);
          }
        }
        await sync();
        for (const v of live.values()) e.graph.deleteEvent(v.id);
      }),
      { numRuns: RUNS },
    );
    expect(Object.values(compared).some((n) => n > 0)).toBe(true);
  }, 60_000);
});

const FIX = join(__dirname, '../../fixtures/ics');
type Expected = { instanceKey: string; title: string; start: string; end: string; allDay: boolean; busy: boolean };
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as { window: { start: string; end: string }; files: Record<string, Expected[]> };

describe('Radicale: blocked_times equals hand-checked fixtures and trivial single events', () => {
  const USER = { username: 'e2e', password: 'e2e-secret' };
  const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
  const WSTART = Date.parse(expected.window.start);
  let server: RadicaleServer;
  let e: E2E;
  let id: string;
  let url: string;
  beforeAll(async () => {
    server = await startRadicale({ users: [USER] });
    url = await server.createCalendar(USER.username, USER.password, 'E2E');
    // The engine's window is [now − past, now + future]: make it exactly the fixtures' window.
    e = await startE2E({ now: WSTART });
    await e.setWindowDays(0, (Date.parse(expected.window.end) - WSTART) / DAY);
    id = await e.connectCalDav(server.url, USER.username, USER.password);
  }, 30_000);
  afterAll(async () => {
    await e?.close();
    await server?.stop();
  });

  const simpleIcs = (uid: string, title: string, startMs: number, minutes: number, busy: boolean) => {
    const f = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    return [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Junction e2e//EN', 'BEGIN:VEVENT', `UID:${uid}`,
      'DTSTAMP:20260101T000000Z', `DTSTART:${f(startMs)}`, `DTEND:${f(startMs + minutes * 60_000)}`,
      `SUMMARY:${title}`, ...(busy ? [] : ['TRANSP:TRANSPARENT']), 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
  };
  type Op =
    | { kind: 'simple'; slot: number; day: number; hour: number; minutes: number; busy: boolean }
    | { kind: 'fixture'; slot: number; file: string }
    | { kind: 'delete'; slot: number }
    | { kind: 'sync' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('simple' as const),
      slot: fc.nat(2),
      day: fc.integer({ min: -3, max: 64 }),
      hour: fc.nat(23),
      minutes: fc.integer({ min: 15, max: 600 }),
      busy: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('fixture' as const), slot: fc.nat(2), file: fc.constantFrom(...Object.keys(expected.files)) }),
    fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(2) }),
    fc.constant({ kind: 'sync' as const }),
  );

  it('random PUTs (fixtures, simple events) and DELETEs at Radicale converge', async () => {
    const path = new URL(url).pathname;
    const truth = new Map<string, Block[]>();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const cal = await e.calendarOf(id);
        expect(cal.id).toBe(url);
        const sync = async () => {
          const r = await e.core.calendarSync.engine.syncCalendar(id);
          expect(r.status, r.error).toBe('done');
          const want = [...truth.values()].flat().sort(byKey);
          compared.caldav += want.length;
          expect(await e.blocks(id, cal.id)).toEqual(want);
        };
        const put = async (name: string, ics: string) => {
          const r = await fetch(`${url}${name}`, { method: 'PUT', headers: { authorization: basic, 'content-type': 'text/calendar' }, body: ics });
          expect([201, 204]).toContain(r.status);
        };
        for (const op of ops) {
          if (op.kind === 'sync') {
            await sync();
            continue;
          }
          const name = `obj-${op.slot}.ics`;
          const uid = `u-s${op.slot}`;
          const key = (k: string) => `${path}${name}#${k}`;
          if (op.kind === 'simple') {
            const start = WSTART + op.day * DAY + op.hour * HOUR;
            const end = start + op.minutes * 60_000;
            await put(name, simpleIcs(uid, `S${op.slot}`, start, op.minutes, op.busy));
            const inside = end > WSTART && start < Date.parse(expected.window.end);
            truth.set(name, inside ? [{ externalId: key(uid), title: `S${op.slot}`, startUtc: start, endUtc: end, allDay: false, busy: op.busy }] : []);
          } else if (op.kind === 'fixture') {
            await put(name, readFileSync(join(FIX, op.file), 'utf8').replace(/^UID:.*\r$/gm, `UID:${uid}\r`));
            truth.set(
              name,
              expected.files[op.file]!.map((x) => ({
                externalId: key(x.instanceKey.replace(/^[^:]+/, uid)),
                title: x.title,
                startUtc: Date.parse(x.start),
                endUtc: Date.parse(x.end),
                allDay: x.allDay,
                busy: x.busy,
              })),
            );
          } else {
            if (!truth.has(name)) continue;
            const r = await fetch(`${url}${name}`, { method: 'DELETE', headers: { authorization: basic } });
            expect(r.status).toBe(200);
            truth.delete(name);
          }
        }
        await sync();
      }),
      { numRuns: RUNS },
    );
    expect(Object.values(compared).some((n) => n > 0)).toBe(true);
  }, 60_000);
});

afterAll(() => {
  console.info('sync-e2e property: instances compared', compared);
  for (const n of Object.values(compared)) expect(n).toBeGreaterThan(0);
});
