// Google Calendar v3 adapter on the official client (@googleapis/calendar). The client's HTTP goes through the
// engine's authenticated `fetch` (gaxios `fetchImplementation`), with gaxios' own retries off: retries,
// Retry-After, api_calls and the breaker belong to the shared HTTP layer, which that fetch wraps.
// DESIGN.md §5: singleEvents consistently, maxResults 2500, nextSyncToken only on the last page, no time filters
// with a sync token, 410 → one full resync, cancelled → deleted, transparent → not busy, freeBusy ≤ 90 days.
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { DateTime } from 'luxon';
import { AppError } from '../../../../shared/errors';
import { providerErrorCode, statusError } from '../../http/errors';
import type { BookingEvent, CalendarAdapter, CalendarInfo, FetchLike, SyncedEvent, SyncPage, SyncWindow } from '../types';

type GEvent = calendar_v3.Schema$Event;

const PROVIDER = 'google';
const PAGE_SIZE = 2500;
/** Google refuses longer freeBusy ranges (timeRangeTooLong). */
export const FREEBUSY_MAX_MS = 90 * 86_400_000;
/** freeBusy answers for at most 50 calendars per request (calendarExpansionMax). */
const FREEBUSY_MAX_CALENDARS = 50;

export interface GoogleCalendarAdapterDeps {
  fetch: FetchLike;
  /** googleapis root, e.g. https://www.googleapis.com/ (the emulator's in tests). */
  apiRoot: string;
}

/** Google event id for a booking: base32hex (a–v, 0–9), 5–1024 chars. A UUID without dashes already is one. */
export function googleEventIdFor(bookingId: string): string {
  const plain = bookingId.toLowerCase().replace(/-/g, '');
  if (/^[a-v0-9]{5,1024}$/.test(plain)) return plain;
  // Anything else: base32hex of its UTF-8 bytes, still deterministic.
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let bits = 0;
  let value = 0;
  let out = 'jb';
  for (const byte of Buffer.from(bookingId, 'utf8')) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.slice(0, 1024);
}

/** HTTP status of a failed call: from gaxios' error, or from the AppError our fetch threw (wrapped as its cause). */
function statusOf(err: unknown): number | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { status?: unknown; response?: { status?: unknown }; cause?: unknown };
  if (typeof e.status === 'number') return e.status;
  if (typeof e.response?.status === 'number') return e.response.status;
  if (e.cause instanceof AppError) {
    const d = e.cause.details as { status?: unknown } | undefined;
    return typeof d?.status === 'number' ? d.status : null;
  }
  return null;
}

/** The error to surface: the shared layer's AppError when there is one, else one built from the status. */
function toAppError(err: unknown, operation: string): unknown {
  if (err instanceof AppError) return err;
  const e = err as { cause?: unknown; response?: { data?: unknown } } | null;
  if (e?.cause instanceof AppError) return e.cause;
  const status = statusOf(err);
  if (status !== null) {
    return statusError(status, { provider: PROVIDER, operation, integrationId: null, attempts: 1 }, { providerCode: providerErrorCode(e?.response?.data) });
  }
  return err;
}

function unreadable(operation: string): AppError {
  return new AppError('PROVIDER_UNAVAILABLE', 'Google Calendar sent a response Junction could not read.', {
    provider: PROVIDER,
    operation,
    reason: 'malformed_response',
  });
}

/** gaxios hands back the raw text when a body is not JSON: anything but an object is unreadable. */
function objectBody<T>(data: unknown, operation: string): T {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw unreadable(operation);
  return data as T;
}

const OFFSET_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const zoneValidity = new Map<string, boolean>();

function validZone(zone: string | null | undefined): string | null {
  if (!zone) return null;
  let ok = zoneValidity.get(zone);
  if (ok === undefined) zoneValidity.set(zone, (ok = DateTime.local().setZone(zone).isValid));
  return ok ? zone : null;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits at i as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Epoch ms of the date-times Google sends for timed events, `YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)`, read by
 * character codes (a full sync maps tens of thousands of them; this is several times cheaper than the regex
 * plus Date.parse). NaN for anything else (other fraction lengths, out-of-range fields, no offset): the caller
 * then takes the general path, so this never gives an answer Date.parse would not.
 */
export function parseGoogleDateTime(s: string): number {
  const n = s.length;
  if (n !== 20 && n !== 24 && n !== 25 && n !== 29) return NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return NaN;
  }
  const yh = two(s, 0);
  const yl = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (yh < 0 || yl < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return NaN;
  const y = yh * 100 + yl;
  if (y < 100) return NaN; // Date.UTC reads years 0–99 as 1900–1999
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! + (leap ? 1 : 0)) return NaN;
  let i = 19;
  let ms = 0;
  if (n === 24 || n === 29) {
    if (s.charCodeAt(19) !== 46) return NaN;
    const a = two(s, 20);
    const b = s.charCodeAt(22) - 48;
    if (a < 0 || b < 0 || b > 9) return NaN;
    ms = a * 10 + b;
    i = 23;
  }
  let offsetMin = 0;
  if (i === n - 1) {
    if (s.charCodeAt(i) !== 90) return NaN; // 'Z'
  } else {
    const sign = s.charCodeAt(i);
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if ((sign !== 43 && sign !== 45) || s.charCodeAt(i + 3) !== 58 || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMin = (sign === 45 ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
}

/** Epoch ms of an RFC 3339 date-time; Google always sends an offset, luxon only for one without. */
function instant(dateTime: string, zone: string): number {
  const fast = parseGoogleDateTime(dateTime);
  if (!Number.isNaN(fast)) return fast;
  if (OFFSET_RE.test(dateTime)) return Date.parse(dateTime);
  const dt = DateTime.fromISO(dateTime, { zone });
  return dt.isValid ? dt.toMillis() : NaN;
}

function mapEvent(ev: GEvent, calendarZone: string): SyncedEvent | null {
  if (!ev.id || !ev.start || !ev.end) return null;
  const busy = ev.transparency !== 'transparent';
  const title = ev.summary ?? '';
  if (ev.start.date && ev.end.date) {
    // All-day: dates stay dates, bounded by midnights in the calendar's zone (Google gives no zone for them).
    const zone = validZone(ev.start.timeZone) ?? calendarZone;
    const start = DateTime.fromISO(ev.start.date, { zone });
    const end = DateTime.fromISO(ev.end.date, { zone });
    if (!start.isValid || !end.isValid) return null;
    return { externalId: ev.id, title, startUtc: start.toMillis(), endUtc: end.toMillis(), timeZone: zone, allDay: true, busy };
  }
  if (!ev.start.dateTime || !ev.end.dateTime) return null;
  // The event's own zone; floating times (no offset, no zone) are read in the calendar's.
  const zone = validZone(ev.start.timeZone) ?? calendarZone;
  const startUtc = instant(ev.start.dateTime, zone);
  const endUtc = instant(ev.end.dateTime, validZone(ev.end.timeZone) ?? zone);
  if (!Number.isFinite(startUtc) || !Number.isFinite(endUtc)) return null;
  return { externalId: ev.id, title, startUtc, endUtc, timeZone: zone, allDay: false, busy };
}

function bookingBody(id: string | null, e: BookingEvent): GEvent {
  const when = (ms: number) => ({ dateTime: DateTime.fromMillis(ms, { zone: e.timeZone }).toISO({ suppressMilliseconds: true }), timeZone: e.timeZone });
  const description = e.meetingLink ? `${e.description ? `${e.description}\n\n` : ''}Join: ${e.meetingLink}` : e.description;
  return {
    ...(id ? { id } : {}),
    summary: e.title,
    description,
    location: e.meetingLink ?? null,
    start: when(e.startUtc),
    end: when(e.endUtc),
    attendees: e.attendees.map((a) => ({ email: a.email, displayName: a.name })),
    transparency: 'opaque',
    status: 'confirmed',
    extendedProperties: { private: { junctionBookingId: e.bookingId } },
  };
}

export function createGoogleCalendarAdapter(deps: GoogleCalendarAdapterDeps): CalendarAdapter {
  const rootUrl = deps.apiRoot.endsWith('/') ? deps.apiRoot : `${deps.apiRoot}/`;
  const api = calendar({
    version: 'v3',
    rootUrl,
    // DESIGN §10: the rootUrl must be given here, per API; the fetch carries the token and the retries.
    fetchImplementation: deps.fetch as typeof fetch,
    retry: false,
  });

  async function call<T>(operation: string, f: () => Promise<{ data: unknown }>): Promise<T> {
    try {
      return objectBody<T>((await f()).data, operation);
    } catch (err) {
      throw toAppError(err, operation);
    }
  }

  async function* fullSync(calendarId: string, window: SyncWindow, resetLocal: boolean): AsyncGenerator<SyncPage> {
    let pageToken: string | undefined;
    let first = true;
    for (;;) {
      const res = await call<calendar_v3.Schema$Events>('events.list', () =>
        api.events.list({
          calendarId,
          singleEvents: true,
          maxResults: PAGE_SIZE,
          timeMin: new Date(window.start).toISOString(),
          timeMax: new Date(window.end).toISOString(),
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      const page = toPage(res, window, first && resetLocal, 'events.list');
      first = false;
      yield page;
      if (!res.nextPageToken) return;
      pageToken = res.nextPageToken;
    }
  }

  function toPage(res: calendar_v3.Schema$Events, window: SyncWindow, resetLocal: boolean, operation: string): SyncPage {
    if (!Array.isArray(res.items)) throw unreadable(operation);
    if (!res.nextPageToken && !res.nextSyncToken) throw unreadable(operation);
    const zone = validZone(res.timeZone) ?? 'UTC';
    const upserted: SyncedEvent[] = [];
    const deleted: string[] = [];
    for (const ev of res.items) {
      if (!ev.id) continue;
      if (ev.status === 'cancelled') {
        deleted.push(ev.id);
        continue;
      }
      const mapped = mapEvent(ev, zone);
      // Unreadable times or outside the window (an incremental change that moved it away): not ours to keep.
      if (!mapped || mapped.endUtc <= window.start || mapped.startUtc >= window.end) deleted.push(ev.id);
      else upserted.push(mapped);
    }
    return { upserted, deleted, resetLocal, nextCursor: res.nextPageToken ? null : (res.nextSyncToken ?? null) };
  }

  return {
    async listCalendars(): Promise<CalendarInfo[]> {
      const out: CalendarInfo[] = [];
      let pageToken: string | undefined;
      for (;;) {
        const res = await call<calendar_v3.Schema$CalendarList>('calendarList.list', () => api.calendarList.list({ maxResults: 250, ...(pageToken ? { pageToken } : {}) }));
        if (!Array.isArray(res.items)) throw unreadable('calendarList.list');
        for (const c of res.items) {
          if (!c.id || c.deleted) continue;
          out.push({
            id: c.id,
            name: c.summaryOverride ?? c.summary ?? c.id,
            primary: c.primary === true,
            readOnly: c.accessRole !== 'owner' && c.accessRole !== 'writer',
            timeZone: validZone(c.timeZone),
          });
        }
        if (!res.nextPageToken) return out;
        pageToken = res.nextPageToken;
      }
    },

    async *pullChanges(calendarId, cursor, window) {
      if (cursor === null) {
        yield* fullSync(calendarId, window, true);
        return;
      }
      let pageToken: string | undefined;
      for (;;) {
        let res: calendar_v3.Schema$Events;
        try {
          // No time filters with a sync token (Google answers 400); singleEvents as in the full sync.
          const r = await api.events.list({ calendarId, syncToken: cursor, singleEvents: true, maxResults: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) });
          res = objectBody<calendar_v3.Schema$Events>(r.data, 'events.list');
        } catch (err) {
          if (statusOf(err) === 410) {
            // Stale token: one full resync that replaces the calendar's local state.
            yield* fullSync(calendarId, window, true);
            return;
          }
          throw toAppError(err, 'events.list');
        }
        yield toPage(res, window, false, 'events.list');
        if (!res.nextPageToken) return;
        pageToken = res.nextPageToken;
      }
    },

    async getBusy(calendarIds, window) {
      const ranges: { startUtc: number; endUtc: number }[] = [];
      for (let from = window.start; from < window.end; from += FREEBUSY_MAX_MS) {
        const to = Math.min(window.end, from + FREEBUSY_MAX_MS);
        for (let i = 0; i < calendarIds.length; i += FREEBUSY_MAX_CALENDARS) {
          const ids = calendarIds.slice(i, i + FREEBUSY_MAX_CALENDARS);
          const res = await call<calendar_v3.Schema$FreeBusyResponse>('freeBusy.query', () =>
            api.freebusy.query({ requestBody: { timeMin: new Date(from).toISOString(), timeMax: new Date(to).toISOString(), timeZone: 'UTC', items: ids.map((id) => ({ id })) } }),
          );
          for (const id of ids) {
            const entry = res.calendars?.[id];
            const reason = entry?.errors?.[0]?.reason;
            if (!entry || reason) {
              const status = reason === 'notFound' ? 404 : 502;
              throw statusError(status, { provider: PROVIDER, operation: 'freeBusy.query', integrationId: null, attempts: 1 }, { providerCode: reason ?? null });
            }
            for (const b of entry.busy ?? []) {
              const s = Date.parse(b.start ?? '');
              const e = Date.parse(b.end ?? '');
              if (Number.isFinite(s) && Number.isFinite(e) && e > s) ranges.push({ startUtc: s, endUtc: e });
            }
          }
        }
      }
      ranges.sort((a, b) => a.startUtc - b.startUtc);
      const merged: { startUtc: number; endUtc: number }[] = [];
      for (const r of ranges) {
        const last = merged[merged.length - 1];
        if (last && r.startUtc <= last.endUtc) last.endUtc = Math.max(last.endUtc, r.endUtc);
        else merged.push({ ...r });
      }
      return merged;
    },

    async createEvent(calendarId, event) {
      const id = googleEventIdFor(event.bookingId);
      try {
        await api.events.insert({ calendarId, requestBody: bookingBody(id, event) });
      } catch (err) {
        if (statusOf(err) !== 409) throw toAppError(err, 'events.insert');
        // The id exists: an earlier attempt got through (or the event was deleted since). Bring it to this
        // content, which also restores a cancelled one; the retry never makes a second event.
        await call('events.patch', () => api.events.patch({ calendarId, eventId: id, requestBody: bookingBody(null, event) }));
      }
      return { externalId: id };
    },

    async updateEvent(calendarId, externalId, event) {
      await call('events.patch', () => api.events.patch({ calendarId, eventId: externalId, requestBody: bookingBody(null, event) }));
    },

    async deleteEvent(calendarId, externalId) {
      try {
        await api.events.delete({ calendarId, eventId: externalId });
        return 'deleted';
      } catch (err) {
        const status = statusOf(err);
        if (status === 404 || status === 410) return 'missing';
        throw toAppError(err, 'events.delete');
      }
    },
  };
}
