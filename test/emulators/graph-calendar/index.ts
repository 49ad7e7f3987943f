// Microsoft Graph calendar API (the part Junction uses), mounted on the Microsoft OAuth emulator so it shares its
// tokens and faults: calendars, calendarView/delta (maxpagesize paging, skiptoken/deltatoken, @removed, 410
// syncStateNotFound), events create (transactionId) / patch / delete, $batch (≤ 20), and the Outlook limit of
// 4 concurrent requests per app and mailbox (429 ApplicationThrottled, MailboxConcurrency, Retry-After).
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime, IANAZone } from 'luxon';
import { type EmulatorAccount, type EmulatorClock, type Fault, type OAuthEmulator, type OAuthEmulatorOptions, startOAuthEmulator } from '../oauth';

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

/** Graph's patternedRecurrence, the subset emulated: daily / weekly (daysOfWeek), numbered / endDate / noEnd. */
export interface GraphRecurrence {
  pattern: { type: 'daily' | 'weekly'; interval?: number; daysOfWeek?: string[] };
  range: { type: 'numbered' | 'endDate' | 'noEnd'; startDate?: string; endDate?: string; numberOfOccurrences?: number };
}

/** A provider-side event as tests seed it. Times are wall-clock in `timeZone` ('yyyy-MM-ddTHH:mm[:ss]' or a date for all-day). */
export interface SeedEvent {
  id?: string;
  subject: string;
  start: string;
  end: string;
  timeZone?: string;
  isAllDay?: boolean;
  showAs?: ShowAs;
  body?: string;
  recurrence?: GraphRecurrence | null;
  transactionId?: string | null;
  attendees?: { name: string; address: string }[];
  location?: string;
}

export interface GraphCalendar {
  id: string;
  accountId: string;
  name: string;
  isDefaultCalendar: boolean;
  canEdit: boolean;
}

export interface StoredEvent {
  id: string;
  calendarId: string;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  /** Wall-clock local time in `timeZone`, 'yyyy-MM-ddTHH:mm:ss'. */
  start: string;
  end: string;
  timeZone: string;
  isAllDay: boolean;
  showAs: ShowAs;
  recurrence: GraphRecurrence | null;
  /** Occurrence dates (yyyy-MM-dd) deleted from a series. */
  exdates: string[];
  attendees: { type: string; emailAddress: { name: string; address: string } }[];
  location: { displayName: string; locationUri?: string } | null;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting: { joinUrl: string } | null;
  transactionId: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  /** Mailbox-wide change sequence of the last change. */
  seq: number;
}

export interface GraphCounters {
  /** Requests that reached the Graph routes (after faults), batches counted once. */
  requests: number;
  calendarsList: number;
  deltaRequests: number;
  creates: number;
  /** POSTs answered with an already existing event (same transactionId). */
  createDeduped: number;
  patches: number;
  deletes: number;
  batches: number;
  batchSubrequests: number;
  /** 429 MailboxConcurrency answers. */
  throttled: number;
  /** Most requests in flight at once for one mailbox, counting those refused (what a client attempted). */
  peakAttempted: number;
  /** Most requests being served at once for one mailbox (≤ the limit). */
  peakServed: number;
}

export interface GraphRequestLog {
  method: string;
  path: string;
  query: string;
  status: number;
  prefer: string | null;
}

interface Instance {
  id: string;
  event: StoredEvent;
  type: 'singleInstance' | 'occurrence';
  /** Local wall-clock start/end (same zone as the event). */
  localStart: DateTime;
  localEnd: DateTime;
  startMs: number;
  endMs: number;
}

interface Snapshot {
  accountId: string;
  calendarId: string;
  window: { start: number; end: number };
  /** Visible instance id → seq of what the client has seen. */
  seen: Map<string, number>;
}
interface SkipState extends Snapshot {
  items: Record<string, unknown>[];
  offset: number;
  pageSize: number;
  next: Map<string, number>;
}

type Result = { status: number; body?: unknown; headers?: Record<string, string> };

export const MAILBOX_CONCURRENCY = 4;
export const BATCH_LIMIT = 20;
const DEFAULT_PAGE_SIZE = 10;
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export interface GraphCalendarEmulator {
  readonly oauth: OAuthEmulator;
  /** `http://127.0.0.1:<port>/v1.0/` (trailing slash), what the adapter takes as apiRoot. */
  readonly apiRoot: string;
  readonly counters: Readonly<GraphCounters>;
  readonly log: ReadonlyArray<GraphRequestLog>;
  /** Current requests in flight for a mailbox (account id or email; default the first account). */
  inFlight(account?: string): number;
  addCalendar(cal: { account?: string; id?: string; name: string; isDefaultCalendar?: boolean; canEdit?: boolean }): GraphCalendar;
  calendars(account?: string): GraphCalendar[];
  /** Provider-side create or replace (a change the next delta reports). */
  upsertEvent(calendarId: string, ev: SeedEvent): StoredEvent;
  /** Provider-side partial update. */
  updateEvent(eventId: string, patch: Partial<SeedEvent>): StoredEvent;
  /** Provider-side delete of an event, a series, or one occurrence (`<seriesId>_<yyyyMMdd>`). */
  deleteEvent(eventId: string): boolean;
  events(calendarId?: string): StoredEvent[];
  /** Every delta and skip token stops working: the next use answers 410 syncStateNotFound. */
  invalidateDeltaTokens(): void;
  /** Requests wait (after being counted in flight) until release(); for concurrency tests without sleeps. */
  hold(): void;
  release(): void;
  /** Resolves once `n` requests are in flight for the mailbox. */
  whenInFlight(n: number, account?: string): Promise<void>;
  /** Shorthand for oauth.failNext('api', fault): 429/5xx, delay, hang, malformed JSON. */
  failNext(fault: Fault): void;
  resetCounters(): void;
  close(): Promise<void>;
}

export interface GraphCalendarEmulatorOptions {
  /** Mount on this emulator instead of starting one (it must be the Microsoft flavor). */
  oauth?: OAuthEmulator;
  clock?: EmulatorClock;
  /** Passed to startOAuthEmulator when starting one. */
  oauthOptions?: Partial<Omit<OAuthEmulatorOptions, 'flavor'>>;
  /** Create a default calendar named "Calendar" for every account (default true). */
  defaultCalendars?: boolean;
}

const pad7 = (d: DateTime) => `${d.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`;
const isZone = (z: string) => IANAZone.isValidZone(z);
const opaque = () => randomBytes(24).toString('base64url');

function graphError(now: number, status: number, code: string, message: string, headers?: Record<string, string>): Result {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date(now).toISOString().replace(/\.\d+Z$/, ''), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      },
    },
    ...(headers ? { headers } : {}),
  };
}

/** Prefer header values (comma-separated, possibly several headers). */
function parsePrefer(h: string | string[] | undefined): { maxPageSize: number | null; timeZone: string | null } {
  const all = (Array.isArray(h) ? h.join(',') : (h ?? '')).split(',').map((s) => s.trim());
  let maxPageSize: number | null = null;
  let timeZone: string | null = null;
  for (const p of all) {
    const m = /^odata\.maxpagesize\s*=\s*(\d+)$/i.exec(p);
    if (m?.[1]) maxPageSize = Number(m[1]);
    const t = /^outlook\.timezone\s*=\s*"?([^"]+)"?$/i.exec(p);
    if (t?.[1]) timeZone = t[1];
  }
  return { maxPageSize, timeZone };
}

function parseLocal(s: string, zone: string): DateTime {
  return DateTime.fromISO(s, { zone });
}

export async function startGraphCalendarEmulator(opts: GraphCalendarEmulatorOptions = {}): Promise<GraphCalendarEmulator> {
  const oauth =
    opts.oauth ?? (await startOAuthEmulator({ ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.oauthOptions ?? {}), flavor: 'microsoft' }));
  const owned = !opts.oauth;
  if (oauth.flavor !== 'microsoft') throw new Error('the Graph calendar emulator mounts on the Microsoft OAuth emulator');
  const clock: EmulatorClock = opts.clock ?? { now: () => Date.now() };
  const apiRoot = `${oauth.url}/v1.0/`;

  const calendars = new Map<string, GraphCalendar>();
  const events = new Map<string, StoredEvent>();
  const seqByAccount = new Map<string, number>();
  const deltaTokens = new Map<string, Snapshot>();
  const skipTokens = new Map<string, SkipState>();
  const inflight = new Map<string, number>();
  const log: GraphRequestLog[] = [];
  const zero = (): GraphCounters => ({
    requests: 0,
    calendarsList: 0,
    deltaRequests: 0,
    creates: 0,
    createDeduped: 0,
    patches: 0,
    deletes: 0,
    batches: 0,
    batchSubrequests: 0,
    throttled: 0,
    peakAttempted: 0,
    peakServed: 0,
  });
  let counters = zero();
  let held: Array<() => void> | null = null;
  const inflightWaiters: Array<{ account: string; n: number; resolve: () => void }> = [];

  const accountOf = (who?: string): EmulatorAccount => {
    const all = oauth.accounts;
    const a = who === undefined ? all[0] : all.find((x) => x.id === who || x.email.toLowerCase() === who.toLowerCase());
    if (!a) throw new Error(`no account ${who ?? '(none)'}`);
    return a;
  };
  const nextSeq = (accountId: string) => {
    const s = (seqByAccount.get(accountId) ?? 0) + 1;
    seqByAccount.set(accountId, s);
    return s;
  };
  const err = (status: number, code: string, message: string, headers?: Record<string, string>) => graphError(clock.now(), status, code, message, headers);
  const notFound = () => err(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

  function addCalendar(c: { account?: string; id?: string; name: string; isDefaultCalendar?: boolean; canEdit?: boolean }): GraphCalendar {
    const account = accountOf(c.account);
    const cal: GraphCalendar = {
      id: c.id ?? `AAMkAD${randomBytes(18).toString('base64url')}`,
      accountId: account.id,
      name: c.name,
      isDefaultCalendar: c.isDefaultCalendar ?? false,
      canEdit: c.canEdit ?? true,
    };
    calendars.set(cal.id, cal);
    return cal;
  }
  if (opts.defaultCalendars !== false) for (const a of oauth.accounts) addCalendar({ account: a.id, name: 'Calendar', isDefaultCalendar: true });

  function touch(ev: StoredEvent, accountId: string) {
    const now = new Date(clock.now()).toISOString();
    ev.seq = nextSeq(accountId);
    ev.lastModifiedDateTime = now;
    ev.changeKey = randomBytes(12).toString('base64');
  }

  function normaliseTimes(start: string, end: string, zone: string, allDay: boolean): { start: string; end: string } | null {
    const s = parseLocal(start, zone);
    const e = parseLocal(end, zone);
    if (!s.isValid || !e.isValid) return null;
    if (allDay) return { start: s.startOf('day').toFormat("yyyy-MM-dd'T'HH:mm:ss"), end: e.startOf('day').toFormat("yyyy-MM-dd'T'HH:mm:ss") };
    return { start: s.toFormat("yyyy-MM-dd'T'HH:mm:ss"), end: e.toFormat("yyyy-MM-dd'T'HH:mm:ss") };
  }

  function storeSeed(calendarId: string, ev: SeedEvent): StoredEvent {
    const cal = calendars.get(calendarId);
    if (!cal) throw new Error(`no calendar ${calendarId}`);
    const zone = ev.timeZone ?? 'UTC';
    if (!isZone(zone)) throw new Error(`bad zone ${zone}`);
    const times = normaliseTimes(ev.start, ev.end, zone, ev.isAllDay ?? false);
    if (!times) throw new Error('bad start/end');
    const existing = ev.id ? events.get(ev.id) : undefined;
    const now = new Date(clock.now()).toISOString();
    const stored: StoredEvent = {
      id: ev.id ?? `AAMkAGI${randomBytes(24).toString('base64url')}`,
      calendarId,
      subject: ev.subject,
      body: { contentType: 'text', content: ev.body ?? '' },
      start: times.start,
      end: times.end,
      timeZone: zone,
      isAllDay: ev.isAllDay ?? false,
      showAs: ev.showAs ?? 'busy',
      recurrence: ev.recurrence ?? null,
      exdates: existing?.exdates ?? [],
      attendees: (ev.attendees ?? []).map((a) => ({ type: 'required', emailAddress: { name: a.name, address: a.address } })),
      location: ev.location ? { displayName: ev.location } : null,
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      onlineMeeting: null,
      transactionId: ev.transactionId ?? null,
      createdDateTime: existing?.createdDateTime ?? now,
      lastModifiedDateTime: now,
      changeKey: '',
      seq: 0,
    };
    touch(stored, cal.accountId);
    events.set(stored.id, stored);
    return stored;
  }

  // --- recurrence expansion ---------------------------------------------------------------------------------------
  function instancesOf(ev: StoredEvent, windowEnd: number): Instance[] {
    const zone = ev.timeZone;
    const s = parseLocal(ev.start, zone);
    const e = parseLocal(ev.end, zone);
    const dur = e.diff(s);
    const mk = (id: string, type: Instance['type'], ls: DateTime): Instance => {
      const le = ls.plus(dur);
      return { id, event: ev, type, localStart: ls, localEnd: le, startMs: ls.toMillis(), endMs: le.toMillis() };
    };
    if (!ev.recurrence) return [mk(ev.id, 'singleInstance', s)];
    const { pattern, range } = ev.recurrence;
    const interval = Math.max(1, pattern.interval ?? 1);
    const days = pattern.type === 'weekly' ? (pattern.daysOfWeek?.length ? pattern.daysOfWeek.map((d) => WEEKDAYS.indexOf(d.toLowerCase()) + 1) : [s.weekday]) : null;
    const until = range.type === 'endDate' && range.endDate ? DateTime.fromISO(range.endDate, { zone }).endOf('day') : null;
    const max = range.type === 'numbered' ? (range.numberOfOccurrences ?? 1) : Infinity;
    const out: Instance[] = [];
    let count = 0;
    const weekStart = s.startOf('week');
    for (let i = 0; i < 3660 && count < max; i++) {
      const day = s.plus({ days: i });
      if (until && day > until) break;
      if (day.toMillis() > windowEnd) break;
      let hit: boolean;
      if (days) {
        const weeks = Math.floor(day.startOf('week').diff(weekStart, 'weeks').weeks + 0.5);
        hit = days.includes(day.weekday) && weeks % interval === 0;
      } else hit = i % interval === 0;
      if (!hit) continue;
      count++;
      const date = day.toFormat('yyyy-MM-dd');
      if (ev.exdates.includes(date)) continue;
      out.push(mk(`${ev.id}_${date.replace(/-/g, '')}`, 'occurrence', day));
    }
    return out;
  }

  function visible(accountId: string, calendarId: string, window: { start: number; end: number }): Instance[] {
    const out: Instance[] = [];
    for (const ev of events.values()) {
      if (ev.calendarId !== calendarId || calendars.get(ev.calendarId)?.accountId !== accountId) continue;
      for (const inst of instancesOf(ev, window.end)) if (inst.startMs < window.end && inst.endMs > window.start) out.push(inst);
    }
    return out.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  }

  function renderEvent(ev: StoredEvent, outZone: string, inst?: Instance): Record<string, unknown> {
    const zone = ev.timeZone;
    const ls = inst?.localStart ?? parseLocal(ev.start, zone);
    const le = inst?.localEnd ?? parseLocal(ev.end, zone);
    // All-day events float (dates); timed ones are converted to the zone the client asked for (default UTC).
    const when = (d: DateTime) =>
      ev.isAllDay ? { dateTime: `${d.toFormat('yyyy-MM-dd')}T00:00:00.0000000`, timeZone: outZone } : { dateTime: pad7(d.setZone(outZone)), timeZone: outZone };
    return {
      '@odata.etag': `W/"${ev.changeKey}"`,
      id: inst?.id ?? ev.id,
      createdDateTime: ev.createdDateTime,
      lastModifiedDateTime: ev.lastModifiedDateTime,
      changeKey: ev.changeKey,
      transactionId: ev.transactionId,
      originalStartTimeZone: zone,
      originalEndTimeZone: zone,
      iCalUId: `040000008200E00074C5B7101A82E008${Buffer.from(ev.id).toString('hex').slice(0, 32)}`,
      subject: ev.subject,
      bodyPreview: ev.body.content.slice(0, 255),
      body: ev.body,
      isAllDay: ev.isAllDay,
      isCancelled: false,
      showAs: ev.showAs,
      type: inst ? inst.type : ev.recurrence ? 'seriesMaster' : 'singleInstance',
      seriesMasterId: inst?.type === 'occurrence' ? ev.id : null,
      start: when(ls),
      end: when(le),
      recurrence: inst ? null : ev.recurrence,
      location: ev.location ?? { displayName: '' },
      attendees: ev.attendees.map((a) => ({ ...a, status: { response: 'none', time: '0001-01-01T00:00:00Z' } })),
      isOnlineMeeting: ev.isOnlineMeeting,
      onlineMeetingProvider: ev.onlineMeetingProvider,
      onlineMeeting: ev.onlineMeeting,
    };
  }

  // --- calendarView/delta ----------------------------------------------------------------------------------------
  function deltaPage(st: SkipState, pageSize: number, calendarPath: string): Result {
    const size = Math.max(1, pageSize);
    const page = st.items.slice(st.offset, st.offset + size);
    st.offset += page.length;
    const body: Record<string, unknown> = { '@odata.context': `${apiRoot}$metadata#Collection(event)`, value: page };
    if (st.offset < st.items.length) {
      const t = opaque();
      skipTokens.set(t, st);
      body['@odata.nextLink'] = `${apiRoot}${calendarPath}/calendarView/delta?$skiptoken=${t}`;
    } else {
      const t = opaque();
      deltaTokens.set(t, { accountId: st.accountId, calendarId: st.calendarId, window: st.window, seen: st.next });
      body['@odata.deltaLink'] = `${apiRoot}${calendarPath}/calendarView/delta?$deltatoken=${t}`;
    }
    return { status: 200, body, headers: { 'Preference-Applied': `odata.maxpagesize=${size}` } };
  }

  function handleDelta(accountId: string, calendarId: string, calendarPath: string, q: URLSearchParams, headers: Record<string, string | string[] | undefined>): Result {
    counters.deltaRequests++;
    const prefer = parsePrefer(headers['prefer']);
    const outZone = prefer.timeZone && isZone(prefer.timeZone) ? prefer.timeZone : 'UTC';
    const skip = q.get('$skiptoken');
    const delta = q.get('$deltatoken');
    if (q.has('$select') || q.has('$filter') || q.has('$orderby')) {
      return err(400, 'ErrorInvalidUrlQuery', 'The following parameters are not supported with change tracking over the \'CalendarView\' resource: \'$orderby, $filter, $select, $expand, $search, $top\'.');
    }
    const stale = () => err(410, 'syncStateNotFound', 'The sync state could not be found. Start a new synchronization round.');
    if (skip !== null) {
      const st = skipTokens.get(skip);
      if (!st || st.calendarId !== calendarId || st.accountId !== accountId) return stale();
      skipTokens.delete(skip);
      return deltaPage(st, prefer.maxPageSize ?? st.pageSize, calendarPath);
    }
    let seen: Map<string, number>;
    let window: { start: number; end: number };
    if (delta !== null) {
      const snap = deltaTokens.get(delta);
      if (!snap || snap.calendarId !== calendarId || snap.accountId !== accountId) return stale();
      seen = snap.seen;
      window = snap.window;
    } else {
      const s = q.get('startDateTime');
      const e = q.get('endDateTime');
      if (!s || !e) {
        return err(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
      }
      const sd = DateTime.fromISO(s, { zone: 'utc' });
      const ed = DateTime.fromISO(e, { zone: 'utc' });
      if (!sd.isValid || !ed.isValid) return err(400, 'ErrorInvalidParameter', 'The value of the parameter StartDateTime or EndDateTime is invalid.');
      seen = new Map();
      window = { start: sd.toMillis(), end: ed.toMillis() };
    }
    const now = visible(accountId, calendarId, window);
    const next = new Map<string, number>();
    const items: Record<string, unknown>[] = [];
    for (const inst of now) {
      next.set(inst.id, inst.event.seq);
      const prev = seen.get(inst.id);
      if (prev === undefined || prev < inst.event.seq) items.push(renderEvent(inst.event, outZone, inst));
    }
    for (const id of seen.keys()) if (!next.has(id)) items.push({ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } });
    const st: SkipState = { accountId, calendarId, window, seen, items, offset: 0, pageSize: prefer.maxPageSize ?? DEFAULT_PAGE_SIZE, next };
    return deltaPage(st, st.pageSize, calendarPath);
  }

  // --- events ----------------------------------------------------------------------------------------------------
  type Body = Record<string, unknown>;
  function readTimes(b: Body, current?: StoredEvent): { start: string; end: string; zone: string } | Result {
    const s = (b.start as { dateTime?: string; timeZone?: string } | undefined) ?? null;
    const e = (b.end as { dateTime?: string; timeZone?: string } | undefined) ?? null;
    if (!current && (!s?.dateTime || !e?.dateTime)) return err(400, 'ErrorInvalidRequest', 'Your request can\'t be completed. The start and end of the event are required.');
    const zone = s?.timeZone ?? current?.timeZone ?? 'UTC';
    if (!isZone(zone) || (e?.timeZone && !isZone(e.timeZone))) return err(400, 'TimeZoneNotSupportedException', `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`);
    // Start and end are wall-clock in their own zones; stored in the start's zone.
    const endLocal = e?.dateTime ? parseLocal(e.dateTime, e.timeZone ?? zone).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ss") : (current?.end ?? '');
    return { start: s?.dateTime ?? current?.start ?? '', end: endLocal, zone };
  }

  function applyBody(ev: StoredEvent, b: Body) {
    if (typeof b.subject === 'string') ev.subject = b.subject;
    const body = b.body as { contentType?: string; content?: string } | undefined;
    if (body) ev.body = { contentType: body.contentType?.toLowerCase() === 'html' ? 'html' : 'text', content: body.content ?? '' };
    if (typeof b.isAllDay === 'boolean') ev.isAllDay = b.isAllDay;
    if (typeof b.showAs === 'string') ev.showAs = b.showAs as ShowAs;
    if (b.recurrence !== undefined) ev.recurrence = (b.recurrence as GraphRecurrence | null) ?? null;
    if (Array.isArray(b.attendees)) {
      ev.attendees = (b.attendees as { type?: string; emailAddress?: { name?: string; address?: string } }[]).map((a) => ({
        type: a.type ?? 'required',
        emailAddress: { name: a.emailAddress?.name ?? '', address: a.emailAddress?.address ?? '' },
      }));
    }
    if (b.location !== undefined) {
      const l = b.location as { displayName?: string; locationUri?: string } | null;
      ev.location = l ? { displayName: l.displayName ?? '', ...(l.locationUri ? { locationUri: l.locationUri } : {}) } : null;
    }
    if (typeof b.isOnlineMeeting === 'boolean') ev.isOnlineMeeting = b.isOnlineMeeting;
    if (typeof b.onlineMeetingProvider === 'string') ev.onlineMeetingProvider = b.onlineMeetingProvider;
    if (ev.isOnlineMeeting && ev.onlineMeetingProvider === 'teamsForBusiness' && !ev.onlineMeeting) {
      ev.onlineMeeting = { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(12).toString('hex')}%40thread.v2/0` };
    }
  }

  function createEvent(accountId: string, calendarId: string, b: Body, outZone: string): Result {
    counters.creates++;
    const cal = calendars.get(calendarId);
    if (!cal || cal.accountId !== accountId) return notFound();
    if (!cal.canEdit) return err(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    const txn = typeof b.transactionId === 'string' ? b.transactionId : null;
    if (txn) {
      const dup = [...events.values()].find((x) => x.transactionId === txn && calendars.get(x.calendarId)?.accountId === accountId);
      if (dup) {
        counters.createDeduped++;
        return { status: 201, body: renderEvent(dup, outZone) };
      }
    }
    const t = readTimes(b);
    if ('status' in t) return t;
    const times = normaliseTimes(t.start, t.end, t.zone, b.isAllDay === true);
    if (!times) return err(400, 'ErrorInvalidRequest', 'The start or end of the event is not a valid date and time.');
    const now = new Date(clock.now()).toISOString();
    const ev: StoredEvent = {
      id: `AAMkAGI${randomBytes(24).toString('base64url')}`,
      calendarId,
      subject: '',
      body: { contentType: 'html', content: '' },
      start: times.start,
      end: times.end,
      timeZone: t.zone,
      isAllDay: false,
      showAs: 'busy',
      recurrence: null,
      exdates: [],
      attendees: [],
      location: null,
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      onlineMeeting: null,
      transactionId: txn,
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: '',
      seq: 0,
    };
    applyBody(ev, b);
    touch(ev, accountId);
    events.set(ev.id, ev);
    return { status: 201, body: renderEvent(ev, outZone), headers: { Location: `${apiRoot}me/events/${ev.id}` } };
  }

  function ownedEvent(accountId: string, id: string, calendarId?: string): StoredEvent | undefined {
    const ev = events.get(id);
    if (!ev || calendars.get(ev.calendarId)?.accountId !== accountId) return undefined;
    if (calendarId && ev.calendarId !== calendarId) return undefined;
    return ev;
  }

  function patchEvent(accountId: string, id: string, b: Body, outZone: string, calendarId?: string): Result {
    counters.patches++;
    const ev = ownedEvent(accountId, id, calendarId);
    if (!ev) return notFound();
    if (b.start || b.end) {
      const t = readTimes(b, ev);
      if ('status' in t) return t;
      const times = normaliseTimes(t.start, t.end, t.zone, (b.isAllDay as boolean | undefined) ?? ev.isAllDay);
      if (!times) return err(400, 'ErrorInvalidRequest', 'The start or end of the event is not a valid date and time.');
      Object.assign(ev, { start: times.start, end: times.end, timeZone: t.zone });
    }
    applyBody(ev, b);
    touch(ev, accountId);
    return { status: 200, body: renderEvent(ev, outZone) };
  }

  function removeEvent(accountId: string, id: string, calendarId?: string): boolean {
    const ev = ownedEvent(accountId, id, calendarId);
    if (ev) {
      events.delete(id);
      nextSeq(accountId);
      return true;
    }
    // An occurrence: `<seriesId>_<yyyyMMdd>` becomes an exception date of its series.
    const m = /^(.+)_(\d{4})(\d{2})(\d{2})$/.exec(id);
    const series = m?.[1] ? ownedEvent(accountId, m[1], calendarId) : undefined;
    if (!m || !series?.recurrence) return false;
    const date = `${m[2]}-${m[3]}-${m[4]}`;
    if (series.exdates.includes(date)) return false;
    series.exdates.push(date);
    touch(series, accountId);
    return true;
  }

  // --- dispatch (shared by direct requests and $batch) -----------------------------------------------------------
  function dispatch(account: EmulatorAccount, method: string, path: string, query: URLSearchParams, headers: Record<string, string | string[] | undefined>, rawBody: string): Result {
    const prefer = parsePrefer(headers['prefer']);
    const outZone = prefer.timeZone && isZone(prefer.timeZone) ? prefer.timeZone : 'UTC';
    let body: Body = {};
    if (rawBody && (method === 'POST' || method === 'PATCH')) {
      try {
        body = JSON.parse(rawBody) as Body;
      } catch {
        return err(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
      }
    }
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === 'me/calendars') {
      counters.calendarsList++;
      const value = [...calendars.values()]
        .filter((c) => c.accountId === account.id)
        .map((c) => ({
          id: c.id,
          name: c.name,
          color: 'auto',
          hexColor: '',
          isDefaultCalendar: c.isDefaultCalendar,
          changeKey: randomBytes(8).toString('base64'),
          canShare: c.canEdit,
          canViewPrivateItems: true,
          canEdit: c.canEdit,
          allowedOnlineMeetingProviders: ['teamsForBusiness'],
          defaultOnlineMeetingProvider: 'teamsForBusiness',
          isTallyingResponses: true,
          isRemovable: !c.isDefaultCalendar,
          owner: { name: account.name, address: account.email },
        }));
      return { status: 200, body: { '@odata.context': `${apiRoot}$metadata#users('${account.id}')/calendars`, value } };
    }
    if (method === 'GET' && (m = /^me\/calendars\/([^/]+)\/calendarView\/delta$/.exec(path))) {
      const id = decodeURIComponent(m[1] ?? '');
      const cal = calendars.get(id);
      if (!cal || cal.accountId !== account.id) return notFound();
      return handleDelta(account.id, id, `me/calendars/${encodeURIComponent(id)}`, query, headers);
    }
    if (method === 'GET' && path === 'me/calendarView/delta') {
      const cal = [...calendars.values()].find((c) => c.accountId === account.id && c.isDefaultCalendar);
      if (!cal) return notFound();
      return handleDelta(account.id, cal.id, 'me', query, headers);
    }
    if (method === 'POST' && (m = /^me\/calendars\/([^/]+)\/events$/.exec(path))) return createEvent(account.id, decodeURIComponent(m[1] ?? ''), body, outZone);
    if (method === 'POST' && path === 'me/events') {
      const cal = [...calendars.values()].find((c) => c.accountId === account.id && c.isDefaultCalendar);
      return cal ? createEvent(account.id, cal.id, body, outZone) : notFound();
    }
    if ((m = /^me\/(?:calendars\/([^/]+)\/)?events\/([^/]+)$/.exec(path))) {
      const calId = m[1] ? decodeURIComponent(m[1]) : undefined;
      const id = decodeURIComponent(m[2] ?? '');
      if (method === 'GET') {
        const ev = ownedEvent(account.id, id, calId);
        return ev ? { status: 200, body: renderEvent(ev, outZone) } : notFound();
      }
      if (method === 'PATCH') return patchEvent(account.id, id, body, outZone, calId);
      if (method === 'DELETE') {
        counters.deletes++;
        return removeEvent(account.id, id, calId) ? { status: 204 } : notFound();
      }
    }
    return err(400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop() ?? ''}'.`);
  }

  function handleBatch(account: EmulatorAccount, rawBody: string): Result {
    counters.batches++;
    let parsed: { requests?: unknown };
    try {
      parsed = JSON.parse(rawBody) as { requests?: unknown };
    } catch {
      return err(400, 'BadRequest', 'Invalid batch payload format.');
    }
    const reqs = parsed.requests;
    if (!Array.isArray(reqs)) return err(400, 'BadRequest', 'Invalid batch payload format.');
    if (reqs.length > BATCH_LIMIT) return err(400, 'BadRequest', `Number of batch requests exceeded the limit of ${BATCH_LIMIT}.`);
    const ids = new Set<string>();
    for (const r of reqs as { id?: unknown }[]) {
      if (typeof r.id !== 'string' || ids.has(r.id)) return err(400, 'BadRequest', 'Batch request ids must be unique strings.');
      ids.add(r.id);
    }
    const responses = (reqs as { id: string; method?: string; url?: string; headers?: Record<string, string>; body?: unknown }[]).map((r) => {
      counters.batchSubrequests++;
      const u = new URL((r.url ?? '').replace(/^\//, ''), apiRoot);
      const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      const method = (r.method ?? 'GET').toUpperCase();
      if (r.body !== undefined && !headers['content-type']) {
        return { id: r.id, ...wire(err(400, 'BadRequest', 'Content-Type header must be specified when a body is present.')) };
      }
      const res = dispatch(account, method, u.pathname.replace(/^\/v1\.0\//, ''), u.searchParams, headers, r.body === undefined ? '' : JSON.stringify(r.body));
      return { id: r.id, ...wire(res) };
    });
    return { status: 200, body: { responses } };
  }
  const wire = (r: Result) => ({
    status: r.status,
    headers: { ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(r.headers ?? {}) },
    ...(r.body !== undefined ? { body: r.body } : {}),
  });

  // --- HTTP --------------------------------------------------------------------------------------------------------
  function write(res: ServerResponse, r: Result) {
    if (res.headersSent || res.destroyed) return;
    if (r.body === undefined) {
      res.writeHead(r.status, r.headers ?? {});
      res.end();
      return;
    }
    const text = JSON.stringify(r.body);
    res.writeHead(r.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...(r.headers ?? {}) });
    res.end(text);
  }

  function notifyInFlight(accountId: string) {
    const n = inflight.get(accountId) ?? 0;
    for (let i = inflightWaiters.length - 1; i >= 0; i--) {
      const w = inflightWaiters[i];
      if (w && w.account === accountId && n >= w.n) {
        inflightWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, ctx: { url: URL; body: string; authenticate(): { account: EmulatorAccount } | null }) {
    const who = ctx.authenticate();
    if (!who) return;
    counters.requests++;
    const account = who.account;
    const entry: GraphRequestLog = {
      method: req.method ?? 'GET',
      path: ctx.url.pathname,
      query: ctx.url.search,
      status: 0,
      prefer: (Array.isArray(req.headers.prefer) ? req.headers.prefer.join(', ') : req.headers.prefer) ?? null,
    };
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const current = (inflight.get(account.id) ?? 0) + 1;
    counters.peakAttempted = Math.max(counters.peakAttempted, current);
    if (current > MAILBOX_CONCURRENCY) {
      counters.throttled++;
      // MailboxConcurrency is not time based: Retry-After 1 means "after one of yours finishes".
      return write(res, err(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': '1' }));
    }
    inflight.set(account.id, current);
    counters.peakServed = Math.max(counters.peakServed, current);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inflight.set(account.id, (inflight.get(account.id) ?? 1) - 1);
    };
    res.on('close', finish);
    notifyInFlight(account.id);
    try {
      if (held) await new Promise<void>((resolve) => held?.push(resolve));
      const method = (req.method ?? 'GET').toUpperCase();
      const path = ctx.url.pathname.replace(/^\/v1\.0\//, '');
      const r =
        path === '$batch' && method === 'POST'
          ? handleBatch(account, ctx.body)
          : dispatch(account, method, path, ctx.url.searchParams, req.headers, ctx.body);
      write(res, r);
    } finally {
      finish();
    }
  }
  function release() {
    const waiting = held ?? [];
    held = null;
    for (const w of waiting) w();
  }
  oauth.addRoute('*', /^\/v1\.0\/(?:me\/.+|\$batch)$/, (req, res, ctx) => route(req, res, ctx));

  return {
    oauth,
    apiRoot,
    get counters() {
      return { ...counters };
    },
    get log() {
      return log.map((e) => ({ ...e }));
    },
    inFlight: (account) => inflight.get(accountOf(account).id) ?? 0,
    addCalendar,
    calendars: (account) => [...calendars.values()].filter((c) => c.accountId === accountOf(account).id).map((c) => ({ ...c })),
    upsertEvent: storeSeed,
    updateEvent(eventId, patch) {
      const ev = events.get(eventId);
      if (!ev) throw new Error(`no event ${eventId}`);
      return storeSeed(ev.calendarId, {
        id: ev.id,
        subject: patch.subject ?? ev.subject,
        start: patch.start ?? ev.start,
        end: patch.end ?? ev.end,
        timeZone: patch.timeZone ?? ev.timeZone,
        isAllDay: patch.isAllDay ?? ev.isAllDay,
        showAs: patch.showAs ?? ev.showAs,
        body: patch.body ?? ev.body.content,
        recurrence: patch.recurrence === undefined ? ev.recurrence : patch.recurrence,
        transactionId: patch.transactionId === undefined ? ev.transactionId : patch.transactionId,
        attendees: patch.attendees ?? ev.attendees.map((a) => a.emailAddress),
        ...(patch.location ?? ev.location?.displayName ? { location: patch.location ?? ev.location?.displayName ?? '' } : {}),
      });
    },
    deleteEvent(eventId) {
      const direct = events.get(eventId);
      const accountId = calendars.get(direct?.calendarId ?? '')?.accountId ?? calendars.get(events.get(eventId.replace(/_\d{8}$/, ''))?.calendarId ?? '')?.accountId;
      return accountId ? removeEvent(accountId, eventId) : false;
    },
    events: (calendarId) => [...events.values()].filter((e) => !calendarId || e.calendarId === calendarId).map((e) => structuredClone(e)),
    invalidateDeltaTokens() {
      deltaTokens.clear();
      skipTokens.clear();
    },
    hold() {
      held ??= [];
    },
    release,
    whenInFlight(n, account) {
      const id = accountOf(account).id;
      if ((inflight.get(id) ?? 0) >= n) return Promise.resolve();
      return new Promise<void>((resolve) => inflightWaiters.push({ account: id, n, resolve }));
    },
    failNext: (fault) => oauth.failNext('api', fault),
    resetCounters() {
      counters = zero();
      log.length = 0;
    },
    async close() {
      release();
      if (owned) await oauth.close();
    },
  };
}
