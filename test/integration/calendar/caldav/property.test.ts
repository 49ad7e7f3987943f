// Property: random server-side creates / updates / deletes (simple single events whose truth is trivial, and the
// hand-checked fixtures with their hand-written expectations) interleaved with incremental syncs leave the
// reconciled set equal to the server's truth. Real Radicale; every run uses a fresh calendar.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCalDavCalendarAdapter } from '../../../../main/providers/calendar/caldav/sync';
import type { SyncPage, SyncedEvent } from '../../../../main/providers/calendar/types';
import { startRadicale, type RadicaleServer } from '../../../support/radicale';

const FIX = join(__dirname, '../../../fixtures/ics');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as {
  window: { start: string; end: string };
  files: Record<string, { instanceKey: string; title: string; start: string; end: string; timeZone: string; allDay: boolean; busy: boolean }[]>;
};
const WINDOW = { start: Date.parse(expected.window.start), end: Date.parse(expected.window.end) };
const FIXTURES = Object.keys(expected.files);
const USER = { username: 'prop', password: 'secret' };
const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;

let server: RadicaleServer;
beforeAll(async () => {
  server = await startRadicale({ users: [USER] });
}, 30_000);
afterAll(async () => {
  await server?.stop();
});

type Truth = Omit<SyncedEvent, 'externalId'>;
const simpleIcs = (uid: string, title: string, startMs: number, minutes: number, busy: boolean) => {
  const f = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Junction tests//EN', 'BEGIN:VEVENT', `UID:${uid}`,
    'DTSTAMP:20260101T000000Z', `DTSTART:${f(startMs)}`, `DTEND:${f(startMs + minutes * 60_000)}`,
    `SUMMARY:${title}`, ...(busy ? [] : ['TRANSP:TRANSPARENT']), 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
};

type Op =
  | { kind: 'simple'; slot: number; day: number; hour: number; minutes: number; busy: boolean; title: string }
  | { kind: 'fixture'; slot: number; file: string }
  | { kind: 'delete'; slot: number }
  | { kind: 'sync' };

// Few slots, so one object often changes shape (single ↔ recurring, inside ↔ outside the window).
const SLOTS = 3;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('simple' as const),
    slot: fc.nat(SLOTS - 1),
    // Some start before the window or after it: they must not appear.
    day: fc.integer({ min: -3, max: 64 }),
    hour: fc.nat(23),
    minutes: fc.integer({ min: 15, max: 600 }),
    busy: fc.boolean(),
    title: fc.stringMatching(/^[A-Za-z ]{1,12}$/),
  }),
  fc.record({ kind: fc.constant('fixture' as const), slot: fc.nat(SLOTS - 1), file: fc.constantFrom(...FIXTURES) }),
  fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(SLOTS - 1) }),
  fc.constant({ kind: 'sync' as const }),
);

it('random server-side changes interleaved with syncs converge to the truth', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), fc.boolean(), async (ops, ctag) => {
      const url = await server.createCalendar(USER.username, USER.password, 'Prop');
      const path = new URL(url).pathname;
      const fetchAuth = (input: string | URL | Request, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', basic);
        return fetch(input, { ...init, headers });
      };
      const adapter = createCalDavCalendarAdapter({ fetch: fetchAuth, serverUrl: server.url, syncMethod: ctag ? 'ctag' : 'auto', multigetBatchSize: 2 });
      // Server truth: object name → its instances (by hand-written expectation or trivially).
      const truth = new Map<string, Record<string, Truth>>();
      const local = new Map<string, SyncedEvent>();
      let cursor: string | null = null;
      const apply = (p: SyncPage) => {
        if (p.resetLocal) local.clear();
        for (const id of p.deleted) {
          if (id.endsWith('#*')) {
            for (const k of [...local.keys()]) if (k.startsWith(id.slice(0, -1))) local.delete(k);
          } else local.delete(id);
        }
        for (const e of p.upserted) local.set(e.externalId, e);
        if (p.nextCursor !== null) cursor = p.nextCursor;
      };
      const sync = async () => {
        for await (const p of adapter.pullChanges(url, cursor, WINDOW)) apply(p);
        const want: Record<string, Truth> = {};
        for (const [name, inst] of truth) for (const [k, v] of Object.entries(inst)) want[`${path}${name}#${k}`] = v;
        expect(Object.fromEntries([...local].map(([k, { externalId: _x, ...v }]) => [k, v]))).toEqual(want);
      };
      const put = async (name: string, ics: string) => {
        const r = await fetch(`${url}${name}`, { method: 'PUT', headers: { authorization: basic, 'content-type': 'text/calendar' }, body: ics });
        expect([201, 204]).toContain(r.status);
      };
      for (const op of ops) {
        if (op.kind === 'sync') await sync();
        else {
          const name = `obj-${op.slot}.ics`;
          if (op.kind === 'simple') {
            const start = WINDOW.start + op.day * 86_400_000 + op.hour * 3_600_000;
            const end = start + op.minutes * 60_000;
            const uid = `u-s${op.slot}`;
            await put(name, simpleIcs(uid, op.title, start, op.minutes, op.busy));
            const inside = end > WINDOW.start && start < WINDOW.end;
            truth.set(name, inside ? { [uid]: { title: op.title, startUtc: start, endUtc: end, timeZone: 'UTC', allDay: false, busy: op.busy } } : {});
          } else if (op.kind === 'fixture') {
            // One UID per slot (a server refuses a new UID at an existing href); the expectations' keys follow.
            const ics = readFileSync(join(FIX, op.file), 'utf8').replace(/^UID:.*\r$/gm, `UID:u-s${op.slot}\r`);
            await put(name, ics);
            truth.set(name, Object.fromEntries(expected.files[op.file]!.map((e) => [
              e.instanceKey.replace(/^[^:]+/, `u-s${op.slot}`),
              { title: e.title, startUtc: Date.parse(e.start), endUtc: Date.parse(e.end), timeZone: e.timeZone, allDay: e.allDay, busy: e.busy },
            ])));
          } else {
            if (!truth.has(name)) continue;
            const r = await fetch(`${url}${name}`, { method: 'DELETE', headers: { authorization: basic } });
            expect(r.status).toBe(200);
            truth.delete(name);
          }
        }
      }
      await sync();
    }),
    { numRuns: 40 },
  );
}, 120_000);
