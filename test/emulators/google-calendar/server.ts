// Google Calendar API v3, in memory, mounted on the Google OAuth emulator (same server, same tokens). Follows
// DESIGN.md §5 and Google's reference: events.list paging (maxResults ≤ 2500, default 250), nextSyncToken only
// on the last page, syncToken forbidding timeMin/timeMax/q/orderBy/updatedMin/iCalUID, deleted events as
// `status: cancelled` in incremental results, 410 fullSyncRequired for an invalidated token, singleEvents
// expansion with Google's instance ids, events.insert with client ids (base32hex, 5–1024 chars, 409 duplicate),
// patch/update/delete (410 when already deleted), freeBusy (≤ 90 days), errors in Google's JSON format.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import type { EmulatorClock, OAuthEmulator, RouteContext } from '../oauth';
import { occurrences, parseRecurrence, RecurrenceError } from './recurrence';
import {
  CALENDAR_ENDPOINTS,
  type CalendarEndpoint,
  type CalendarFault,
  type CalendarRequestLogEntry,
  type GEvent,
  type SeedCalendar,
  type TruthInstance,
} from './types';

const DAY = 86_400_000;
/** How far recurring series are expanded when a request gives no upper bound. */
const OPEN_HORIZON = 2 * 366 * DAY;
export const FREEBUSY_MAX_MS = 90 * DAY;
const OFFSET_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const ID_RE = /^[a-v0-9]{5,1024}$/;
const FORBIDDEN_WITH_SYNC = ['timeMin', 'timeMax', 'q', 'orderBy', 'updatedMin', 'iCalUID'] as const;
const FULL_SCOPE = 'https://www.googleapis.com/auth/calendar';
const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const READ_SCOPES = [
  FULL_SCOPE,
  EVENTS_SCOPE,
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events.readonly',
];

interface StoredEvent {
  ev: GEvent;
  modSeq: number;
  /** Per-instance overrides (moved, retitled or cancelled occurrences), keyed by instance id. */
  exceptions: Map<string, { patch: GEvent; modSeq: number }>;
}

interface Cal {
  id: string;
  summary: string;
  timeZone: string;
  primaryFor: string | null;
  accounts: string[] | null;
  accessRole: NonNullable<SeedCalendar['accessRole']>;
  /** Change counter: every mutation takes the next value; a sync token remembers the one it saw. */
  seq: number;
  /** Bumped by invalidateSyncTokens(): older tokens answer 410. */
  epoch: number;
  events: Map<string, StoredEvent>;
  /** Instances that disappeared when their series changed: returned as cancelled to incremental syncs. */
  tombstones: Map<string, { ev: GEvent; modSeq: number }>;
  lostAccess: Set<string>;
}

interface Expanded {
  ev: GEvent;
  start: number;
  end: number;
  modSeq: number;
  cancelled: boolean;
}

interface Listing {
  items: GEvent[];
  nextSyncToken: string;
  timeZone: string;
  summary: string;
  accessRole: string;
}

interface SyncTokenData {
  c: string;
  s: number;
  e: number;
  se: boolean;
  a: number | null;
  b: number | null;
}

export interface GoogleCalendarEmulator {
  readonly oauth: OAuthEmulator;
  /** What the adapter's `apiRoot` is set to (the googleapis rootUrl, trailing slash). */
  readonly apiRoot: string;
  /** Requests per endpoint since the last resetCounters(), plus `total`. */
  readonly counters: Readonly<Record<CalendarEndpoint | 'total', number>>;
  readonly requests: ReadonlyArray<CalendarRequestLogEntry>;
  resetCounters(): void;

  addCalendar(c: SeedCalendar): void;
  /** Provider-side writes (as if the user edited the calendar in Google): each one is a change for sync tokens. */
  seed(calendarId: string, events: GEvent[]): GEvent[];
  createEvent(calendarId: string, event: GEvent): GEvent;
  /** Merges like events.patch; an instance id (`<id>_<start>`) changes only that occurrence. */
  updateEvent(calendarId: string, eventId: string, patch: GEvent): GEvent;
  deleteEvent(calendarId: string, eventId: string): void;
  getEvent(calendarId: string, eventId: string): GEvent | null;
  /** Every non-cancelled occurrence overlapping the window: the truth a sync must reproduce. */
  instances(calendarId: string, window: { start: number; end: number }): TruthInstance[];
  /** Makes every sync token issued so far (for one calendar or all) answer 410 fullSyncRequired. */
  invalidateSyncTokens(calendarId?: string): void;
  /** The account (id or email) can no longer see the calendar: 404 notFound, while its token stays valid. */
  revokeCalendarAccess(calendarId: string, account: string): void;

  failNext(endpoint: CalendarEndpoint | '*', fault: CalendarFault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export interface GoogleCalendarEmulatorOptions {
  clock?: EmulatorClock;
  /** Zone of the accounts' default primary calendars (default UTC). */
  timeZone?: string;
  calendars?: SeedCalendar[];
  /** close() also closes the OAuth emulator (when this module started it). */
  closeOAuth?: boolean;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

class ApiErr extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly domain = 'global',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function unb64<T>(s: string): T | null {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}
const randomId = () => randomUUID().replace(/-/g, '');
const etag = () => `"${BigInt('0x' + randomBytes(7).toString('hex')).toString()}"`;
const isoUtc = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Mounts Calendar v3 on a Google OAuth emulator. Closing the OAuth emulator closes this too. */
export function mountGoogleCalendar(oauth: OAuthEmulator, opts: GoogleCalendarEmulatorOptions = {}): GoogleCalendarEmulator {
  if (oauth.flavor !== 'google') throw new Error('The Calendar emulator mounts on a Google OAuth emulator');
  const clock = opts.clock ?? { now: () => Date.now() };
  const cals = new Map<string, Cal>();
  const listings = new Map<string, Listing>();
  const faults: Array<{ endpoint: CalendarEndpoint | '*'; fault: CalendarFault; remaining: number }> = [];
  const hung = new Set<ServerResponse>();
  const log: CalendarRequestLogEntry[] = [];
  const zeroCounters = () => Object.fromEntries([...CALENDAR_ENDPOINTS, 'total'].map((k) => [k, 0])) as Record<CalendarEndpoint | 'total', number>;
  let counters = zeroCounters();

  function addCalendar(c: SeedCalendar) {
    if (cals.has(c.id)) throw new Error(`calendar ${c.id} exists`);
    cals.set(c.id, {
      id: c.id,
      summary: c.summary ?? c.id,
      timeZone: c.timeZone ?? opts.timeZone ?? 'UTC',
      primaryFor: c.primaryFor ?? null,
      accounts: c.accounts ?? null,
      accessRole: c.accessRole ?? 'owner',
      seq: 1,
      epoch: 1,
      events: new Map(),
      tombstones: new Map(),
      lostAccess: new Set(),
    });
  }
  for (const a of oauth.accounts) addCalendar({ id: a.email, summary: a.email, primaryFor: a.id });
  for (const c of opts.calendars ?? []) addCalendar(c);

  function cal(id: string): Cal {
    const c = cals.get(id);
    if (!c) throw new Error(`no calendar ${id}`);
    return c;
  }

  // --- time ---------------------------------------------------------------------------------------------------
  const isAllDay = (ev: GEvent) => Boolean(ev.start?.date);
  const boundsCache = new WeakMap<GEvent, { start: number; end: number }>();
  function bounds(ev: GEvent, c: Cal): { start: number; end: number } {
    const hit = boundsCache.get(ev);
    if (hit) return hit;
    let b: { start: number; end: number };
    if (ev.start?.date && ev.end?.date) {
      b = {
        start: DateTime.fromISO(ev.start.date, { zone: c.timeZone }).toMillis(),
        end: DateTime.fromISO(ev.end.date, { zone: c.timeZone }).toMillis(),
      };
    } else {
      b = { start: instant(ev.start, c), end: instant(ev.end, c) };
    }
    boundsCache.set(ev, b);
    return b;
  }
  function instant(t: GEvent['start'], c: Cal): number {
    const v = t?.dateTime ?? '';
    // With an explicit offset the zone does not matter (and Date.parse is much cheaper than luxon).
    if (OFFSET_RE.test(v)) return Date.parse(v);
    return DateTime.fromISO(v, { zone: t?.timeZone ?? c.timeZone }).toMillis();
  }
  const zoneOk = new Map<string, boolean>();
  const validZone = (z: string) => {
    let ok = zoneOk.get(z);
    if (ok === undefined) zoneOk.set(z, (ok = DateTime.local().setZone(z).isValid));
    return ok;
  };
  function validateTimes(ev: GEvent, c: Cal) {
    if (!ev.start || !(ev.start.date || ev.start.dateTime)) throw new ApiErr(400, 'required', 'Missing start time.');
    if (!ev.end || !(ev.end.date || ev.end.dateTime)) throw new ApiErr(400, 'required', 'Missing end time.');
    if (Boolean(ev.start.date) !== Boolean(ev.end.date)) throw new ApiErr(400, 'invalid', 'Start and end times must either both be date or both be dateTime.');
    for (const t of [ev.start, ev.end]) if (t.timeZone && !validZone(t.timeZone)) throw new ApiErr(400, 'timeZoneInvalid', 'Invalid time zone definition for start time.');
    const b = bounds(ev, c);
    if (!Number.isFinite(b.start) || !Number.isFinite(b.end)) throw new ApiErr(400, 'invalid', 'Invalid value for: start/end');
    if (b.end <= b.start) throw new ApiErr(400, 'timeRangeEmpty', 'The specified time range is empty.');
    if (ev.recurrence) {
      try {
        parseRecurrence(ev.recurrence, ev.start.timeZone ?? c.timeZone);
      } catch (e) {
        throw new ApiErr(400, 'invalid', e instanceof RecurrenceError ? e.message : 'Invalid recurrence rule.');
      }
    }
  }

  /** A series' occurrences (with their overrides) whose original start is before `until`. */
  function expand(se: StoredEvent, c: Cal, until: number): Expanded[] {
    const m = se.ev;
    const b = bounds(m, c);
    if (!m.recurrence?.length) {
      return [{ ev: m, start: b.start, end: b.end, modSeq: se.modSeq, cancelled: m.status === 'cancelled' }];
    }
    const allDay = isAllDay(m);
    const zone = allDay ? 'UTC' : (m.start?.timeZone ?? c.timeZone);
    const rec = parseRecurrence(m.recurrence, zone);
    const dtstart = allDay ? DateTime.fromISO(m.start!.date!, { zone: 'UTC' }) : DateTime.fromMillis(b.start, { zone });
    const lengthMs = allDay ? DateTime.fromISO(m.end!.date!, { zone: 'UTC' }).toMillis() - dtstart.toMillis() : b.end - b.start;
    const { recurrence: _r, ...base } = m;
    const out: Expanded[] = [];
    for (const o of occurrences(dtstart, rec, until + 2 * DAY)) {
      const s = DateTime.fromMillis(o, { zone });
      const e = DateTime.fromMillis(o + lengthMs, { zone });
      const id = allDay ? `${m.id}_${s.toFormat('yyyyMMdd')}` : `${m.id}_${s.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}`;
      const tz = m.start?.timeZone ? { timeZone: m.start.timeZone } : {};
      const when = (d: DateTime) => (allDay ? { date: d.toISODate() } : { dateTime: d.toISO({ suppressMilliseconds: true }), ...tz });
      const exc = se.exceptions.get(id);
      const ev: GEvent = {
        ...base,
        id,
        recurringEventId: m.id,
        originalStartTime: when(s),
        start: when(s),
        end: when(e),
        ...(exc?.patch ?? {}),
      };
      const ib = bounds(ev, c);
      out.push({
        ev,
        start: ib.start,
        end: ib.end,
        modSeq: Math.max(se.modSeq, exc?.modSeq ?? 0),
        cancelled: m.status === 'cancelled' || ev.status === 'cancelled',
      });
    }
    return out;
  }
  const cancelledStub = (ev: GEvent): GEvent => ({
    kind: 'calendar#event',
    etag: ev.etag ?? etag(),
    id: ev.id,
    status: 'cancelled',
    ...(ev.recurringEventId ? { recurringEventId: ev.recurringEventId, originalStartTime: ev.originalStartTime } : {}),
  });
  const overlaps = (x: { start: number; end: number }, min: number | null, max: number | null) =>
    (min === null || x.end > min) && (max === null || x.start < max);

  // --- provider-side writes -----------------------------------------------------------------------------------
  function touch(ev: GEvent, c: Cal): number {
    c.seq += 1;
    ev.updated = new Date(clock.now()).toISOString();
    ev.etag = etag();
    return c.seq;
  }
  /** Instance ids a series has now, to tombstone those a change removes. */
  const instanceIds = (se: StoredEvent, c: Cal) =>
    se.ev.recurrence?.length ? new Set(expand(se, c, clock.now() + OPEN_HORIZON).filter((x) => !x.cancelled).map((x) => x.ev.id!)) : new Set<string>();

  function insert(c: Cal, input: GEvent): GEvent {
    const id = input.id ?? randomId();
    if (!ID_RE.test(id)) throw new ApiErr(400, 'invalid', 'Invalid resource id value.');
    if (c.events.has(id)) throw new ApiErr(409, 'duplicate', 'The requested identifier already exists.');
    validateTimes(input, c);
    const now = new Date(clock.now()).toISOString();
    const ev: GEvent = {
      kind: 'calendar#event',
      status: 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${c.id}`).toString('base64url')}`,
      created: now,
      creator: { email: c.id, self: true },
      organizer: { email: c.id, self: true },
      iCalUID: `${id}@google.com`,
      sequence: 0,
      reminders: { useDefault: true },
      eventType: 'default',
      ...input,
      id,
    };
    if (ev.transparency === 'opaque') delete ev.transparency; // Google leaves the default out
    const se: StoredEvent = { ev, modSeq: 0, exceptions: new Map() };
    se.modSeq = touch(ev, c);
    c.events.set(id, se);
    return ev;
  }
  function findInstance(c: Cal, eventId: string): { se: StoredEvent; inst: Expanded } | null {
    const i = eventId.lastIndexOf('_');
    if (i < 0) return null;
    const se = c.events.get(eventId.slice(0, i));
    if (!se?.ev.recurrence?.length) return null;
    const inst = expand(se, c, clock.now() + OPEN_HORIZON * 5).find((x) => x.ev.id === eventId);
    return inst ? { se, inst } : null;
  }
  function modify(c: Cal, eventId: string, patch: GEvent, mode: 'patch' | 'update'): GEvent {
    const se = c.events.get(eventId);
    if (!se) {
      const found = findInstance(c, eventId);
      if (!found) throw new ApiErr(404, 'notFound', 'Not Found');
      const { se: master, inst } = found;
      const next = { ...inst.ev, ...patch, id: eventId };
      validateTimes(next, c);
      const { id: _i, recurringEventId: _r, originalStartTime: _o, ...rest } = patch;
      const prev = master.exceptions.get(eventId)?.patch ?? {};
      const merged = mode === 'update' ? { ...rest } : { ...prev, ...rest };
      master.exceptions.set(eventId, { patch: merged, modSeq: touch(merged, c) });
      return expand(master, c, clock.now() + OPEN_HORIZON * 5).find((x) => x.ev.id === eventId)!.ev;
    }
    const before = instanceIds(se, c);
    const { id: _id, kind: _k, etag: _e, created: _c, iCalUID: _u, ...rest } = patch;
    const next: GEvent = mode === 'update' ? { kind: 'calendar#event', id: eventId, created: se.ev.created, iCalUID: se.ev.iCalUID, creator: se.ev.creator, organizer: se.ev.organizer, status: 'confirmed', ...rest } : { ...se.ev, ...rest };
    validateTimes(next, c);
    if (next.transparency === 'opaque') delete next.transparency;
    if (JSON.stringify([next.start, next.end, next.recurrence]) !== JSON.stringify([se.ev.start, se.ev.end, se.ev.recurrence])) {
      next.sequence = (se.ev.sequence ?? 0) + 1;
    }
    se.ev = next;
    se.modSeq = touch(next, c);
    const after = instanceIds(se, c);
    for (const id of before) {
      if (!after.has(id)) c.tombstones.set(id, { ev: { id, recurringEventId: eventId, etag: etag() }, modSeq: se.modSeq });
    }
    for (const id of after) c.tombstones.delete(id);
    return next;
  }
  function remove(c: Cal, eventId: string) {
    const se = c.events.get(eventId);
    if (se) {
      if (se.ev.status === 'cancelled') throw new ApiErr(410, 'deleted', 'Resource has been deleted');
      se.ev = { ...se.ev, status: 'cancelled' };
      se.modSeq = touch(se.ev, c);
      return;
    }
    const found = findInstance(c, eventId);
    if (!found) throw new ApiErr(404, 'notFound', 'Not Found');
    if (found.inst.cancelled) throw new ApiErr(410, 'deleted', 'Resource has been deleted');
    const prev = found.se.exceptions.get(eventId)?.patch ?? {};
    const patch: GEvent = { ...prev, status: 'cancelled' };
    found.se.exceptions.set(eventId, { patch, modSeq: touch(patch, c) });
  }
  function get(c: Cal, eventId: string): GEvent | null {
    const se = c.events.get(eventId);
    if (se) return se.ev;
    return findInstance(c, eventId)?.inst.ev ?? null;
  }

  // --- listing ------------------------------------------------------------------------------------------------
  function fullListing(c: Cal, q: URLSearchParams, single: boolean): Listing {
    const min = q.has('timeMin') ? parseTime(q.get('timeMin')!, 'timeMin') : null;
    const max = q.has('timeMax') ? parseTime(q.get('timeMax')!, 'timeMax') : null;
    const showDeleted = q.get('showDeleted') === 'true';
    const text = q.get('q')?.toLowerCase() ?? null;
    const until = max ?? clock.now() + OPEN_HORIZON;
    const rows: Expanded[] = [];
    for (const se of c.events.values()) {
      if (!single || !se.ev.recurrence?.length) {
        const b = bounds(se.ev, c);
        const x = { ev: se.ev, start: b.start, end: b.end, modSeq: se.modSeq, cancelled: se.ev.status === 'cancelled' };
        if ((showDeleted || !x.cancelled) && (se.ev.recurrence?.length || overlaps(x, min, max))) rows.push(x);
        continue;
      }
      if (se.ev.status === 'cancelled' && !showDeleted) continue;
      for (const x of expand(se, c, until)) if ((showDeleted || !x.cancelled) && overlaps(x, min, max)) rows.push(x);
    }
    const filtered = text ? rows.filter((r) => `${r.ev.summary ?? ''} ${r.ev.description ?? ''} ${r.ev.location ?? ''}`.toLowerCase().includes(text)) : rows;
    if (q.get('orderBy') === 'updated') filtered.sort((a, b) => a.modSeq - b.modSeq || cmp(a.ev.id, b.ev.id));
    else filtered.sort((a, b) => a.start - b.start || cmp(a.ev.id, b.ev.id));
    const token: SyncTokenData = { c: c.id, s: c.seq, e: c.epoch, se: single, a: min, b: max };
    return { items: filtered.map((r) => (r.cancelled ? cancelledStub(r.ev) : r.ev)), nextSyncToken: b64(token), ...listingMeta(c) };
  }
  function incrementalListing(c: Cal, tok: SyncTokenData): Listing {
    const since = tok.s;
    const until = tok.b ?? clock.now() + OPEN_HORIZON;
    const changed = new Map<string, { ev: GEvent; modSeq: number }>();
    const put = (ev: GEvent, modSeq: number) => {
      const prev = changed.get(ev.id!);
      if (!prev || prev.modSeq <= modSeq) changed.set(ev.id!, { ev, modSeq });
    };
    for (const se of c.events.values()) {
      const recurring = Boolean(se.ev.recurrence?.length) && tok.se;
      const excChanged = [...se.exceptions.values()].some((e) => e.modSeq > since);
      if (se.modSeq <= since && !excChanged) continue;
      if (!recurring) {
        if (se.modSeq > since) put(se.ev.status === 'cancelled' ? cancelledStub(se.ev) : se.ev, se.modSeq);
        continue;
      }
      for (const x of expand(se, c, until)) {
        if (x.modSeq <= since) continue;
        if (!overlaps(x, tok.a, tok.b) && !x.cancelled) continue;
        put(x.cancelled ? cancelledStub(x.ev) : x.ev, x.modSeq);
      }
    }
    for (const t of c.tombstones.values()) if (t.modSeq > since) put(cancelledStub(t.ev), t.modSeq);
    const items = [...changed.values()].sort((a, b) => a.modSeq - b.modSeq || cmp(a.ev.id, b.ev.id)).map((x) => x.ev);
    return { items, nextSyncToken: b64({ ...tok, s: c.seq }), ...listingMeta(c) };
  }
  const listingMeta = (c: Cal) => ({ timeZone: c.timeZone, summary: c.summary, accessRole: c.accessRole });
  const cmp = (a?: string | null, b?: string | null) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  function parseTime(v: string, name: string): number {
    // RFC 3339 with a mandatory offset, as Google requires for timeMin/timeMax.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) throw new ApiErr(400, 'badRequest', `Bad Request: invalid ${name}`);
    return Date.parse(v);
  }

  function page(listing: Listing, id: string, offset: number, size: number) {
    const items = listing.items.slice(offset, offset + size);
    const more = offset + size < listing.items.length;
    if (more) {
      listings.set(id, listing);
      // Keep a few listings alive (as Google keeps page tokens valid for a while).
      if (listings.size > 64) listings.delete(listings.keys().next().value!);
    } else listings.delete(id);
    return {
      kind: 'calendar#events',
      etag: etag(),
      summary: listing.summary,
      description: '',
      updated: new Date(clock.now()).toISOString(),
      timeZone: listing.timeZone,
      accessRole: listing.accessRole,
      defaultReminders: [],
      ...(more ? { nextPageToken: b64({ l: id, o: offset + size }) } : { nextSyncToken: listing.nextSyncToken }),
      items,
    };
  }

  // --- HTTP ---------------------------------------------------------------------------------------------------
  function sendError(res: ServerResponse, e: ApiErr) {
    const body = {
      error: {
        code: e.code,
        message: e.message,
        errors: [{ domain: e.domain, reason: e.reason, message: e.message }],
        ...(STATUS_NAMES[e.code] ? { status: STATUS_NAMES[e.code] } : {}),
      },
    };
    send(res, e.code, JSON.stringify(body), e.headers);
  }
  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'private, max-age=0', Vary: 'Origin, X-Origin', ...headers });
    res.end(body);
  }
  const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, JSON.stringify(body));

  function takeFault(endpoint: CalendarEndpoint): CalendarFault | null {
    const i = faults.findIndex((f) => f.endpoint === endpoint || f.endpoint === '*');
    if (i < 0) return null;
    const f = faults[i]!;
    if (--f.remaining <= 0) faults.splice(i, 1);
    return f.fault;
  }
  function applyFault(f: CalendarFault, res: ServerResponse) {
    if (f.hang) {
      hung.add(res);
      return;
    }
    const status = f.status ?? 200;
    if (f.malformed) return send(res, status, '{"kind":"calendar#events","items":[{"id":"trunc');
    const headers: Record<string, string> = {};
    if (status === 429 || status === 503) headers['Retry-After'] = String(f.retryAfterSec ?? 1);
    const [reason, message, domain] =
      status === 429
        ? ['rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits']
        : status === 403
          ? ['rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits']
          : status === 503
            ? ['backendError', 'The service is currently unavailable.', 'global']
            : status >= 500
              ? ['backendError', 'Backend Error', 'global']
              : ['badRequest', 'Bad Request', 'global'];
    sendError(res, new ApiErr(status, f.reason ?? reason, message, domain, headers));
  }

  type Auth = { accountId: string; email: string; scopes: string[] };
  function authenticate(req: IncomingMessage, write: boolean): Auth {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const check = oauth.checkAccessToken(m?.[1]);
    if (!check.ok) {
      throw new ApiErr(
        401,
        'authError',
        check.reason === 'missing'
          ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
          : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'global',
        { 'WWW-Authenticate': `Bearer realm="https://accounts.google.com/"${check.reason === 'missing' ? '' : ', error="invalid_token"'}` },
      );
    }
    const scopes = check.token.scopes;
    const ok = write ? scopes.includes(FULL_SCOPE) || scopes.includes(EVENTS_SCOPE) : scopes.some((s) => READ_SCOPES.includes(s));
    if (!ok) throw new ApiErr(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
    return { accountId: check.account.id, email: check.account.email, scopes };
  }
  function visible(c: Cal, a: Auth): boolean {
    if (c.lostAccess.has(a.accountId) || c.lostAccess.has(a.email.toLowerCase())) return false;
    if (c.primaryFor === a.accountId || c.primaryFor?.toLowerCase() === a.email.toLowerCase()) return true;
    return c.accounts === null ? c.primaryFor === null : c.accounts.some((x) => x === a.accountId || x.toLowerCase() === a.email.toLowerCase());
  }
  function resolve(rawId: string, a: Auth, write: boolean): Cal {
    const id = decodeURIComponent(rawId);
    const c = id === 'primary' ? [...cals.values()].find((x) => x.primaryFor === a.accountId || x.primaryFor?.toLowerCase() === a.email.toLowerCase()) : cals.get(id);
    if (!c || !visible(c, a)) throw new ApiErr(404, 'notFound', 'Not Found');
    if (write && c.accessRole !== 'owner' && c.accessRole !== 'writer') throw new ApiErr(403, 'requiredAccessLevel', 'You need to have writer access to this calendar.');
    return c;
  }
  function parseBody(body: string): GEvent {
    try {
      const v: unknown = JSON.parse(body || '{}');
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v as GEvent;
    } catch {
      throw new ApiErr(400, 'parseError', 'Parse Error');
    }
  }

  function route(endpointOf: (method: string) => CalendarEndpoint | null, handler: (req: IncomingMessage, res: ServerResponse, ctx: RouteContext, endpoint: CalendarEndpoint) => void) {
    return (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => {
      const method = (req.method ?? 'GET').toUpperCase();
      const endpoint = endpointOf(method);
      const entry: CalendarRequestLogEntry = { endpoint: endpoint ?? 'other', method, path: ctx.url.pathname, query: Object.fromEntries(ctx.url.searchParams) };
      log.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      counters.total++;
      if (!endpoint) return sendError(res, new ApiErr(405, 'httpMethodNotAllowed', 'Method Not Allowed'));
      counters[endpoint]++;
      const fault = takeFault(endpoint);
      if (fault) return applyFault(fault, res);
      try {
        handler(req, res, ctx, endpoint);
      } catch (e) {
        if (e instanceof ApiErr) return sendError(res, e);
        throw e;
      }
    };
  }

  oauth.addRoute(
    '*',
    /^\/calendar\/v3\/users\/me\/calendarList$/,
    route(
      (m) => (m === 'GET' ? 'calendarList.list' : null),
      (req, res, ctx) => {
        const a = authenticate(req, false);
        const q = ctx.url.searchParams;
        const size = Math.min(250, Math.max(1, Number(q.get('maxResults') ?? 100) || 100));
        const offset = q.get('pageToken') ? (unb64<{ o: number }>(q.get('pageToken')!)?.o ?? -1) : 0;
        if (offset < 0) throw new ApiErr(400, 'invalid', 'Invalid page token value.');
        const all = [...cals.values()].filter((c) => visible(c, a));
        const items = all.slice(offset, offset + size).map((c) => ({
          kind: 'calendar#calendarListEntry',
          etag: etag(),
          id: c.id,
          summary: c.summary,
          timeZone: c.timeZone,
          accessRole: c.accessRole,
          defaultReminders: [],
          ...(c.primaryFor && (c.primaryFor === a.accountId || c.primaryFor.toLowerCase() === a.email.toLowerCase()) ? { primary: true } : {}),
          selected: true,
        }));
        const more = offset + size < all.length;
        json(res, 200, {
          kind: 'calendar#calendarList',
          etag: etag(),
          ...(more ? { nextPageToken: b64({ o: offset + size }) } : { nextSyncToken: b64({ cl: clock.now() }) }),
          items,
        });
      },
    ),
  );

  oauth.addRoute(
    '*',
    /^\/calendar\/v3\/calendars\/([^/]+)\/events$/,
    route(
      (m) => (m === 'GET' ? 'events.list' : m === 'POST' ? 'events.insert' : null),
      (req, res, ctx, endpoint) => {
        const q = ctx.url.searchParams;
        if (endpoint === 'events.insert') {
          const a = authenticate(req, true);
          const c = resolve(ctx.match[1]!, a, true);
          return json(res, 200, insert(c, parseBody(ctx.body)));
        }
        const a = authenticate(req, false);
        const c = resolve(ctx.match[1]!, a, false);
        const rawMax = q.get('maxResults');
        const max = rawMax === null ? 250 : Number(rawMax);
        if (!Number.isInteger(max) || max < 1) throw new ApiErr(400, 'invalid', 'Invalid value for: maxResults');
        const size = Math.min(max, 2500);
        const single = q.get('singleEvents') === 'true';
        if (q.get('orderBy') === 'startTime' && !single) throw new ApiErr(400, 'badRequest', 'The requested ordering is not available for the particular query.');
        const syncToken = q.get('syncToken');
        if (syncToken !== null) {
          const bad = FORBIDDEN_WITH_SYNC.filter((p) => q.has(p));
          if (bad.length) throw new ApiErr(400, 'invalid', `Sync token cannot be used with ${bad.join(', ')}.`);
        }
        const pageToken = q.get('pageToken');
        if (pageToken !== null) {
          const p = unb64<{ l: string; o: number }>(pageToken);
          const listing = p ? listings.get(p.l) : undefined;
          if (!p || !listing) throw new ApiErr(400, 'invalid', 'Invalid page token value.');
          return json(res, 200, page(listing, p.l, p.o, size));
        }
        if (syncToken !== null) {
          const tok = unb64<SyncTokenData>(syncToken);
          if (!tok || typeof tok.s !== 'number' || tok.c !== c.id) throw new ApiErr(400, 'invalid', 'Invalid sync token value.');
          if (tok.e !== c.epoch) throw new ApiErr(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
          if (tok.se !== single) throw new ApiErr(400, 'invalid', 'singleEvents must match the request that produced the sync token.');
          return json(res, 200, page(incrementalListing(c, tok), randomUUID(), 0, size));
        }
        return json(res, 200, page(fullListing(c, q, single), randomUUID(), 0, size));
      },
    ),
  );

  oauth.addRoute(
    '*',
    /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/,
    route(
      (m) => ({ GET: 'events.get', PATCH: 'events.patch', PUT: 'events.update', DELETE: 'events.delete' } as Record<string, CalendarEndpoint>)[m] ?? null,
      (req, res, ctx, endpoint) => {
        const write = endpoint !== 'events.get';
        const a = authenticate(req, write);
        const c = resolve(ctx.match[1]!, a, write);
        const eventId = decodeURIComponent(ctx.match[2]!);
        if (endpoint === 'events.get') {
          const ev = get(c, eventId);
          if (!ev) throw new ApiErr(404, 'notFound', 'Not Found');
          return json(res, 200, ev);
        }
        if (endpoint === 'events.delete') {
          remove(c, eventId);
          res.writeHead(204);
          return res.end();
        }
        json(res, 200, modify(c, eventId, parseBody(ctx.body), endpoint === 'events.patch' ? 'patch' : 'update'));
      },
    ),
  );

  oauth.addRoute(
    '*',
    /^\/calendar\/v3\/freeBusy$/,
    route(
      (m) => (m === 'POST' ? 'freeBusy.query' : null),
      (req, res, ctx) => {
        const a = authenticate(req, false);
        const body = parseBody(ctx.body) as { timeMin?: string; timeMax?: string; items?: Array<{ id?: string }> };
        if (!body.timeMin) throw new ApiErr(400, 'required', 'Missing timeMin parameter.');
        if (!body.timeMax) throw new ApiErr(400, 'required', 'Missing timeMax parameter.');
        const min = parseTime(body.timeMin, 'timeMin');
        const max = parseTime(body.timeMax, 'timeMax');
        if (max <= min) throw new ApiErr(400, 'timeRangeEmpty', 'The specified time range is empty.', 'calendar');
        if (max - min > FREEBUSY_MAX_MS) throw new ApiErr(400, 'timeRangeTooLong', 'The requested time range is too long.', 'calendar');
        const items = body.items ?? [];
        const calendars: Record<string, unknown> = {};
        for (const [i, item] of items.entries()) {
          const id = item.id ?? '';
          if (i >= 50) {
            calendars[id] = { errors: [{ domain: 'usageLimits', reason: 'tooManyCalendarsRequested' }], busy: [] };
            continue;
          }
          let c: Cal;
          try {
            c = resolve(encodeURIComponent(id), a, false);
          } catch {
            calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
            continue;
          }
          const busy = truth(c, { start: min, end: max })
            .filter((x) => !x.transparent)
            .map((x) => ({ start: Math.max(x.startUtc, min), end: Math.min(x.endUtc, max) }))
            .sort((x, y) => x.start - y.start);
          const merged: Array<{ start: number; end: number }> = [];
          for (const r of busy) {
            const last = merged[merged.length - 1];
            if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
            else merged.push({ ...r });
          }
          calendars[id] = { busy: merged.map((r) => ({ start: isoUtc(r.start), end: isoUtc(r.end) })) };
        }
        json(res, 200, { kind: 'calendar#freeBusy', timeMin: isoUtc(min), timeMax: isoUtc(max), calendars });
      },
    ),
  );

  function truth(c: Cal, w: { start: number; end: number }): TruthInstance[] {
    const out: TruthInstance[] = [];
    for (const se of c.events.values()) {
      for (const x of expand(se, c, w.end)) {
        if (x.cancelled || !overlaps(x, w.start, w.end)) continue;
        out.push({
          id: x.ev.id!,
          summary: x.ev.summary ?? '',
          startUtc: x.start,
          endUtc: x.end,
          allDay: isAllDay(x.ev),
          transparent: x.ev.transparency === 'transparent',
          timeZone: isAllDay(x.ev) ? c.timeZone : (x.ev.start?.timeZone ?? c.timeZone),
        });
      }
    }
    return out.sort((a, b) => a.startUtc - b.startUtc || cmp(a.id, b.id));
  }

  const unwrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ApiErr) throw new Error(`${e.code} ${e.reason}: ${e.message}`, { cause: e });
      throw e;
    }
  };

  return {
    oauth,
    apiRoot: `${oauth.url}/`,
    get counters() {
      return { ...counters };
    },
    get requests() {
      return log.map((e) => ({ ...e, query: { ...e.query } }));
    },
    resetCounters() {
      counters = zeroCounters();
      log.length = 0;
    },
    addCalendar,
    seed: (calendarId, events) => unwrap(() => events.map((e) => structuredClone(insert(cal(calendarId), structuredClone(e))))),
    createEvent: (calendarId, event) => unwrap(() => structuredClone(insert(cal(calendarId), structuredClone(event)))),
    updateEvent: (calendarId, eventId, patch) => unwrap(() => structuredClone(modify(cal(calendarId), eventId, structuredClone(patch), 'patch'))),
    deleteEvent: (calendarId, eventId) => unwrap(() => remove(cal(calendarId), eventId)),
    getEvent: (calendarId, eventId) => {
      const ev = get(cal(calendarId), eventId);
      return ev ? structuredClone(ev) : null;
    },
    instances: (calendarId, w) => truth(cal(calendarId), w),
    invalidateSyncTokens(calendarId) {
      for (const c of calendarId ? [cal(calendarId)] : cals.values()) c.epoch += 1;
    },
    revokeCalendarAccess(calendarId, account) {
      cal(calendarId).lostAccess.add(account.includes('@') ? account.toLowerCase() : account);
    },
    failNext(endpoint, fault) {
      faults.push({ endpoint, fault, remaining: Math.max(1, fault.times ?? 1) });
    },
    clearFaults() {
      faults.length = 0;
    },
    async close() {
      for (const r of hung) r.destroy();
      hung.clear();
      if (opts.closeOAuth) await oauth.close();
    },
  };
}
