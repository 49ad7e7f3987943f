// Public types of the Google Calendar v3 emulator (test/emulators/google-calendar).
import type { calendar_v3 } from '@googleapis/calendar';

export type GEvent = calendar_v3.Schema$Event;

export type CalendarEndpoint =
  | 'calendarList.list'
  | 'events.list'
  | 'events.get'
  | 'events.insert'
  | 'events.patch'
  | 'events.update'
  | 'events.delete'
  | 'freeBusy.query';

export const CALENDAR_ENDPOINTS: readonly CalendarEndpoint[] = [
  'calendarList.list',
  'events.list',
  'events.get',
  'events.insert',
  'events.patch',
  'events.update',
  'events.delete',
  'freeBusy.query',
];

export interface SeedCalendar {
  id: string;
  summary?: string;
  timeZone?: string;
  /** The account (id or email) whose primary calendar this is; `primary` resolves to it for that account. */
  primaryFor?: string;
  /** Accounts (id or email) that see it; default every account. */
  accounts?: string[];
  accessRole?: 'owner' | 'writer' | 'reader' | 'freeBusyReader';
}

export interface CalendarFault {
  /** HTTP status; omitted with `hang`/`malformed` only. */
  status?: number;
  /** Google error reason (default by status: rateLimitExceeded, backendError…). */
  reason?: string;
  /** Retry-After seconds for 429/503 (default 1). */
  retryAfterSec?: number;
  /** Never answer (the socket is destroyed on close): a timeout without a timer. */
  hang?: boolean;
  /** Answer 200 (or `status`) with truncated JSON. */
  malformed?: boolean;
  /** Consecutive requests it applies to (default 1). */
  times?: number;
}

export interface CalendarRequestLogEntry {
  endpoint: CalendarEndpoint | 'other';
  method: string;
  path: string;
  query: Record<string, string>;
  status?: number;
}

/** One expanded, non-cancelled occurrence: what a correct sync must end up with (the emulator's truth). */
export interface TruthInstance {
  id: string;
  summary: string;
  startUtc: number;
  endUtc: number;
  allDay: boolean;
  transparent: boolean;
  /** The event's zone (all-day: the calendar's). */
  timeZone: string;
}
