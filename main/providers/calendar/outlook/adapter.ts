// Outlook / Microsoft 365 calendars over Microsoft Graph with the official client library. The client is built
// with initWithMiddleware and a terminal middleware that calls the injected fetch (which already carries the
// token and does retries), so the library's own auth handler — which drops Authorization on plain http — is not
// in the chain. A semaphore keeps at most 4 requests in flight per mailbox (Outlook's MailboxConcurrency limit).
import { Client, GraphClientError, GraphError, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { DateTime, IANAZone } from 'luxon';
import {
  type BookingEvent,
  type CalendarAdapter,
  type CalendarInfo,
  type FetchLike,
  StaleCursorError,
  type SyncedEvent,
  type SyncPage,
  type SyncWindow,
} from '../types';

export const OUTLOOK_MAX_CONCURRENT = 4;
export const GRAPH_BATCH_LIMIT = 20;
const DEFAULT_PAGE_SIZE = 100;

export interface OutlookAdapterDeps {
  fetch: FetchLike;
  /** Graph root with its version, e.g. https://graph.microsoft.com/v1.0/ */
  apiRoot: string;
  /** `Prefer: odata.maxpagesize` for calendarView/delta (default 100). */
  maxPageSize?: number;
  /** Requests in flight at once for this mailbox (default 4, Outlook's limit). */
  maxConcurrent?: number;
}

export interface GraphBatchRequest {
  /** Unique within the call (not only within one batch of 20). */
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Relative to the version root, e.g. `/me/events/{id}`. */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GraphBatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface OutlookCalendarAdapter extends CalendarAdapter {
  /** JSON batching: splits `requests` into `$batch` calls of at most 20, sent one after the other; responses in request order. */
  batch(requests: GraphBatchRequest[]): Promise<GraphBatchResponse[]>;
  /** Bulk createEvent through `$batch` (same transactionId idempotency); externalIds in input order, null where refused. */
  createEvents(calendarId: string, events: BookingEvent[]): Promise<Array<{ externalId: string } | { error: { status: number; code: string | null } }>>;
}

/** A few Windows zone names Graph may report in originalStartTimeZone (IANA names pass through). */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'tzone://Microsoft/Utc': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'Pacific Standard Time': 'America/Los_Angeles',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'AUS Eastern Standard Time': 'Australia/Sydney',
};

export function ianaZone(graphZone: string | null | undefined): string {
  if (!graphZone) return 'UTC';
  if (IANAZone.isValidZone(graphZone)) return graphZone;
  return WINDOWS_ZONES[graphZone] ?? 'UTC';
}

/** Small FIFO semaphore. */
class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Terminal middleware: the request goes out through the injected (authenticated) fetch, under the semaphore. */
class InjectedFetchHandler implements Middleware {
  constructor(
    private readonly fetchFn: FetchLike,
    private readonly sem: Semaphore,
  ) {}
  async execute(context: Context): Promise<void> {
    try {
      const request = context.request;
      const options = context.options as RequestInit | undefined;
      context.response = await this.sem.run(async () => {
        const res = await this.fetchFn(typeof request === 'string' ? request : (request as Request), options);
        // Read the body inside the slot: the request is in flight until its body is consumed.
        const body = await res.arrayBuffer();
        return new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
      });
    } catch (err) {
      // GraphClientErrors pass through the library untouched: carry the HTTP layer's error (AppError) inside.
      const wrapped = new GraphClientError(err instanceof Error ? err.message : String(err));
      wrapped.customError = err;
      throw wrapped;
    }
  }
}

function unwrap(err: unknown): unknown {
  return err instanceof GraphClientError && err.customError !== undefined ? err.customError : err;
}

/** HTTP status and provider error code, whether the library (GraphError) or the HTTP layer (AppError details) raised it. */
export function errorInfo(err: unknown): { status: number | null; code: string | null } {
  if (err instanceof GraphError) return { status: err.statusCode || null, code: err.code };
  const details = (err as { details?: { status?: unknown; providerCode?: unknown } } | null)?.details;
  return {
    status: typeof details?.status === 'number' ? details.status : null,
    code: typeof details?.providerCode === 'string' ? details.providerCode : null,
  };
}

export function isStaleDelta(err: unknown): boolean {
  const { status, code } = errorInfo(err);
  return status === 410 || /^(syncStateNotFound|resyncRequired|syncStateInvalid)$/i.test(code ?? '');
}

interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}
interface GraphEvent {
  id: string;
  subject?: string | null;
  start?: GraphDateTime;
  end?: GraphDateTime;
  isAllDay?: boolean;
  isCancelled?: boolean;
  showAs?: string;
  type?: string;
  originalStartTimeZone?: string | null;
  '@removed'?: { reason: string };
}
interface DeltaResponse {
  value: GraphEvent[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/**
 * Graph answers in the zone we ask for with `Prefer: outlook.timezone="UTC"`, so timed events are parsed as UTC
 * and carry their own zone from originalStartTimeZone. All-day events keep their dates: midnights in that zone.
 */
export function toSyncedEvent(ev: GraphEvent): SyncedEvent | null {
  if (!ev.start || !ev.end) return null;
  const zone = ianaZone(ev.originalStartTimeZone);
  const busy = ev.showAs !== 'free';
  if (ev.isAllDay) {
    const day = (d: GraphDateTime) => DateTime.fromISO(d.dateTime.slice(0, 10), { zone });
    const s = day(ev.start);
    const e = day(ev.end);
    if (!s.isValid || !e.isValid) return null;
    return { externalId: ev.id, title: ev.subject ?? '', startUtc: s.toMillis(), endUtc: e.toMillis(), timeZone: zone, allDay: true, busy };
  }
  const at = (d: GraphDateTime) => DateTime.fromISO(d.dateTime, { zone: ianaZone(d.timeZone) });
  const s = at(ev.start);
  const e = at(ev.end);
  if (!s.isValid || !e.isValid) return null;
  return { externalId: ev.id, title: ev.subject ?? '', startUtc: s.toMillis(), endUtc: e.toMillis(), timeZone: zone, allDay: false, busy };
}

/** The Graph event body for a booking: wall-clock time in the booking's zone, transactionId = bookingId. */
export function bookingToGraph(event: BookingEvent, withTransaction: boolean): Record<string, unknown> {
  const wall = (ms: number) => DateTime.fromMillis(ms, { zone: event.timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
  const content = event.meetingLink ? `${event.description}\n\nJoin: ${event.meetingLink}` : event.description;
  return {
    subject: event.title,
    body: { contentType: 'text', content },
    start: { dateTime: wall(event.startUtc), timeZone: event.timeZone },
    end: { dateTime: wall(event.endUtc), timeZone: event.timeZone },
    attendees: event.attendees.map((a) => ({ type: 'required', emailAddress: { address: a.email, name: a.name } })),
    location: event.meetingLink ? { displayName: event.meetingLink, locationUri: event.meetingLink } : { displayName: '' },
    showAs: 'busy',
    ...(withTransaction ? { transactionId: event.bookingId } : {}),
  };
}

export function createOutlookCalendarAdapter(deps: OutlookAdapterDeps): OutlookCalendarAdapter {
  const root = new URL(deps.apiRoot.endsWith('/') ? deps.apiRoot : `${deps.apiRoot}/`);
  const version = root.pathname.replace(/^\/+|\/+$/g, '');
  const pageSize = deps.maxPageSize ?? DEFAULT_PAGE_SIZE;
  const sem = new Semaphore(deps.maxConcurrent ?? OUTLOOK_MAX_CONCURRENT);
  const client = Client.initWithMiddleware({
    baseUrl: root.origin,
    defaultVersion: version,
    middleware: new InjectedFetchHandler(deps.fetch, sem),
  });
  const preferHeader = `odata.maxpagesize=${pageSize}, outlook.timezone="UTC"`;

  /** Links from Graph are absolute; only ones under our own API root are followed (the token goes with them). */
  function relative(link: string): string {
    if (!link.startsWith(root.href)) throw new Error('Microsoft Graph returned a link outside its API root');
    return `/${link.slice(root.href.length)}`;
  }
  const seg = (s: string) => encodeURIComponent(s);

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw unwrap(err);
    }
  }

  async function listCalendars(): Promise<CalendarInfo[]> {
    const out: CalendarInfo[] = [];
    let path: string | null = '/me/calendars';
    while (path) {
      const p: string = path;
      const res = await call(() => client.api(p).get() as Promise<{ value: Record<string, unknown>[]; '@odata.nextLink'?: string }>);
      for (const c of res.value) {
        out.push({ id: String(c.id), name: String(c.name ?? ''), primary: c.isDefaultCalendar === true, readOnly: c.canEdit === false, timeZone: null });
      }
      path = res['@odata.nextLink'] ? relative(res['@odata.nextLink']) : null;
    }
    return out;
  }

  async function* pullChanges(calendarId: string, cursor: string | null, window: SyncWindow): AsyncIterable<SyncPage> {
    const initial = () => {
      const q = new URLSearchParams({ startDateTime: new Date(window.start).toISOString(), endDateTime: new Date(window.end).toISOString() });
      return `/me/calendars/${seg(calendarId)}/calendarView/delta?${q.toString()}`;
    };
    // The cursor is the deltaLink: it encodes the window it was issued for.
    let path = cursor ? relative(cursor) : initial();
    let full = !cursor;
    let first = true;
    let restarted = false;
    for (;;) {
      let res: DeltaResponse;
      try {
        const p = path;
        res = await call(() => client.api(p).header('Prefer', preferHeader).get() as Promise<DeltaResponse>);
      } catch (err) {
        if (!isStaleDelta(err)) throw err;
        if (restarted) throw new StaleCursorError();
        // 410 / syncStateNotFound: start over as a full sync, once; its first page replaces the local copy.
        restarted = true;
        path = initial();
        full = true;
        first = true;
        continue;
      }
      const upserted: SyncedEvent[] = [];
      const deleted: string[] = [];
      for (const ev of res.value ?? []) {
        if (ev['@removed'] || ev.isCancelled) deleted.push(ev.id);
        else if (ev.type === 'seriesMaster') continue;
        else {
          const s = toSyncedEvent(ev);
          if (s) upserted.push(s);
        }
      }
      const next = res['@odata.nextLink'];
      const done = res['@odata.deltaLink'] ?? null;
      if (!next && !done) throw new Error('Microsoft Graph returned a delta page without nextLink or deltaLink');
      yield { upserted, deleted, resetLocal: full && first, nextCursor: next ? null : done };
      first = false;
      if (!next) return;
      path = relative(next);
    }
  }

  async function createEvent(calendarId: string, event: BookingEvent): Promise<{ externalId: string }> {
    // transactionId = bookingId: Graph answers a repeated POST with the event it already created.
    const created = await call(() => client.api(`/me/calendars/${seg(calendarId)}/events`).post(bookingToGraph(event, true)) as Promise<{ id: string }>);
    return { externalId: created.id };
  }

  async function updateEvent(_calendarId: string, externalId: string, event: BookingEvent): Promise<void> {
    await call(() => client.api(`/me/events/${seg(externalId)}`).patch(bookingToGraph(event, false)) as Promise<unknown>);
  }

  async function deleteEvent(_calendarId: string, externalId: string): Promise<'deleted' | 'missing'> {
    try {
      await call(() => client.api(`/me/events/${seg(externalId)}`).delete() as Promise<unknown>);
      return 'deleted';
    } catch (err) {
      const { status } = errorInfo(err);
      if (status === 404 || status === 410) return 'missing';
      throw err;
    }
  }

  async function batch(requests: GraphBatchRequest[]): Promise<GraphBatchResponse[]> {
    const byId = new Map<string, GraphBatchResponse>();
    for (let i = 0; i < requests.length; i += GRAPH_BATCH_LIMIT) {
      const chunk = requests.slice(i, i + GRAPH_BATCH_LIMIT).map((r) => ({
        id: r.id,
        method: r.method,
        url: r.url,
        ...(r.body !== undefined ? { body: r.body, headers: { 'Content-Type': 'application/json', ...(r.headers ?? {}) } } : r.headers ? { headers: r.headers } : {}),
      }));
      const res = await call(() => client.api('/$batch').post({ requests: chunk }) as Promise<{ responses: GraphBatchResponse[] }>);
      for (const r of res.responses) byId.set(r.id, r);
    }
    return requests.map((r) => byId.get(r.id) ?? { id: r.id, status: 0 });
  }

  async function createEvents(calendarId: string, events: BookingEvent[]) {
    const responses = await batch(
      events.map((e, i) => ({ id: String(i + 1), method: 'POST' as const, url: `/me/calendars/${seg(calendarId)}/events`, body: bookingToGraph(e, true) })),
    );
    return responses.map((r) => {
      const body = r.body as { id?: string; error?: { code?: string } } | undefined;
      return r.status >= 200 && r.status < 300 && body?.id ? { externalId: body.id } : { error: { status: r.status, code: body?.error?.code ?? null } };
    });
  }

  return { listCalendars, pullChanges, createEvent, updateEvent, deleteEvent, batch, createEvents };
}
