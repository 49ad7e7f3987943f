// One interface for every calendar provider (DESIGN.md §3.6): list calendars, pull changes page by page from a
// cursor (sync token / delta link / CalDAV sync token), and write the events of bookings.
// Adapters get an already-authenticated `fetch` that goes through the shared HTTP layer (token, retries,
// Retry-After, api_calls, circuit breaker), so they contain only the provider's protocol.

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface CalendarInfo {
  /** The provider's calendar id (Google calendarId, Graph calendar id, CalDAV collection URL). */
  id: string;
  name: string;
  primary: boolean;
  readOnly: boolean;
  timeZone: string | null;
}

/** The range a sync covers, epoch ms (default 30 days back, 365 ahead). */
export interface SyncWindow {
  start: number;
  end: number;
}

/** One busy-or-free occurrence as Junction stores it (recurrences are expanded to instances). */
export interface SyncedEvent {
  /** Unique within the calendar, stable across syncs: the instance id for recurring events. */
  externalId: string;
  title: string;
  startUtc: number;
  endUtc: number;
  /** The event's own IANA zone ('UTC' for floating times resolved in the calendar's zone, see adapter). */
  timeZone: string;
  /** All-day events keep date semantics: start/end are midnights in `timeZone`, end exclusive. */
  allDay: boolean;
  /** False for transparent / showAs free events: they do not block availability. */
  busy: boolean;
}

export interface SyncPage {
  upserted: SyncedEvent[];
  /**
   * externalIds removed on the provider's side (cancelled, deleted, moved out of the window). An id ending in
   * `#*` deletes every externalId starting with the part before `*`, applied before `upserted` (CalDAV reports
   * changes per object, not per expanded instance).
   */
  deleted: string[];
  /**
   * True on the first page of a full sync that replaces everything stored for this calendar (initial sync,
   * or a resync after the provider said the cursor is stale: 410 Gone / syncStateNotFound / invalid token).
   * The caller deletes the calendar's synced blocks in the same transaction as this page.
   */
  resetLocal: boolean;
  /** Present only on the last page: the cursor for the next incremental sync (saved with that page's data). */
  nextCursor: string | null;
}

/** What a booking looks like in the organizer's calendar. */
export interface BookingEvent {
  bookingId: string;
  title: string;
  description: string;
  startUtc: number;
  endUtc: number;
  timeZone: string;
  attendees: { name: string; email: string }[];
  meetingLink: string | null;
}

export interface CalendarAdapter {
  listCalendars(): Promise<CalendarInfo[]>;
  /**
   * Pages of changes since `cursor` (null = full sync over `window`). Cursors pin the window of the full sync
   * they came from (Google sync tokens, Graph delta links, CalDAV expansions): callers restart with null when
   * the window moves.
   */
  pullChanges(calendarId: string, cursor: string | null, window: SyncWindow): AsyncIterable<SyncPage>;
  /** Live busy ranges (Google freeBusy ≤ 90 days; optional). */
  getBusy?(calendarIds: string[], window: SyncWindow): Promise<{ startUtc: number; endUtc: number }[]>;
  /** Creates the booking's event with a deterministic id derived from bookingId, so a retry never duplicates. */
  createEvent(calendarId: string, event: BookingEvent): Promise<{ externalId: string }>;
  updateEvent(calendarId: string, externalId: string, event: BookingEvent): Promise<void>;
  /** 'missing' when the provider no longer has it (404/410): logged by the caller, not an error. */
  deleteEvent(calendarId: string, externalId: string): Promise<'deleted' | 'missing'>;
}

/** Thrown by an adapter when the provider says the cursor is stale and it could not restart by itself. */
export class StaleCursorError extends Error {
  constructor(message = 'The provider no longer accepts the stored sync cursor') {
    super(message);
    this.name = 'StaleCursorError';
  }
}
