// zod input schemas for every implemented channel. Main parses every payload with these; the renderer
// may use them for form validation.
import { z } from 'zod';
import {
  BLOCK_SOURCES,
  BOOKING_STATUSES,
  CONFLICT_PREFERENCES,
  IDENTITY_PROVIDERS,
  INTEGRATION_TYPES,
  LOG_TYPES,
  OAUTH_INTEGRATION_TYPES,
  OAUTH_PROVIDERS,
  SYNC_FREQUENCIES,
  THEMES,
} from '../domain';

/** True when `zone` is an IANA time zone the runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

// Epoch milliseconds between 1970 and the year 9999.
export const epochMs = z.number().int().min(0).max(253_402_300_799_999);
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, { message: 'Not a known IANA time zone' });
export const id = z.string().uuid();
export const cursor = z.string().min(1).max(200);
export const limit = z.number().int().min(1).max(500);
const text = (max: number) => z.string().trim().min(1).max(max);
export const empty = z.object({}).strict();

const rangeOk = (v: { startUtc: number; endUtc: number }) => v.endUtc > v.startUtc;
const rangeMsg = { message: 'The end must be after the start', path: ['endUtc'] };

export const bookingsList = z
  .object({
    status: z.enum(BOOKING_STATUSES).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  })
  .strict();

export const bookingsCreate = z
  .object({
    title: text(200),
    attendeeName: text(200),
    attendeeEmail: z.string().trim().max(320).email(),
    startUtc: epochMs,
    endUtc: epochMs,
    timeZone,
    notes: z.string().max(5000).optional(),
    /** Book even though the time is busy (the user saw the warning). */
    overrideBusy: z.boolean().optional(),
  })
  .strict()
  .refine(rangeOk, rangeMsg);

export const bookingsReschedule = z
  .object({ id, startUtc: epochMs, endUtc: epochMs, timeZone: timeZone.optional(), overrideBusy: z.boolean().optional() })
  .strict()
  .refine(rangeOk, rangeMsg);

export const bookingsCancel = z.object({ id, reason: z.string().max(1000).optional() }).strict();
export const bookingsComplete = z.object({ id }).strict();

export const blocksList = z
  .object({
    source: z.enum(BLOCK_SOURCES).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  })
  .strict();

export const blocksCreate = z
  .object({
    title: z.string().trim().max(200).optional(),
    startUtc: epochMs,
    endUtc: epochMs,
    timeZone,
    allDay: z.boolean().optional(),
  })
  .strict()
  .refine(rangeOk, rangeMsg);

export const blocksDelete = z.object({ id }).strict();

export const logsList = z
  .object({
    cursor: cursor.optional(),
    limit: limit.optional(),
    logType: z.enum(LOG_TYPES).optional(),
    integrationType: z.enum(INTEGRATION_TYPES).optional(),
    success: z.boolean().optional(),
    bookingId: id.optional(),
    q: z.string().trim().min(1).max(200).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
  })
  .strict();

export const settingsUpdate = z
  .object({
    organizerName: text(200).optional(),
    organizerEmail: z.string().trim().max(320).email().nullable().optional(),
    timeZone: timeZone.optional(),
    theme: z.enum(THEMES).optional(),
    conflictPreference: z.enum(CONFLICT_PREFERENCES).optional(),
    schedulerPaused: z.boolean().optional(),
  })
  .strict();

/** Which provider can be connected as which kind (Meet through Google, Teams through Microsoft). */
export const OAUTH_COMBINATIONS: Record<(typeof OAUTH_PROVIDERS)[number], readonly ('calendar' | 'video')[]> = {
  google: ['calendar', 'video'],
  outlook: ['calendar'],
  zoom: ['video'],
  microsoft_teams: ['video'],
  webex: ['video'],
};

export const oauthInitiate = z
  .object({
    provider: z.enum(OAUTH_PROVIDERS),
    integrationType: z.enum(OAUTH_INTEGRATION_TYPES),
    /** Reconnect: restore this (disconnected) integration in place. */
    reconnectId: id.optional(),
  })
  .strict()
  .refine((v) => OAUTH_COMBINATIONS[v.provider].includes(v.integrationType), {
    message: 'That provider cannot be connected as that kind of integration',
    path: ['integrationType'],
  });

export const oauthCallback = z.object({ url: z.string().min(1).max(8192) }).strict();

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: 'Use an http(s) address' });

export const caldavConnect = z
  .object({
    serverUrl: httpUrl.default('https://caldav.icloud.com'),
    username: text(320),
    password: z.string().min(1).max(256),
  })
  .strict();

export const byId = z.object({ id }).strict();

export const calendarUpdate = z
  .object({
    id,
    syncEnabled: z.boolean().optional(),
    syncFrequency: z.literal(SYNC_FREQUENCIES).optional(),
    /** calendar_sources ids (CalendarSourceView.id) to sync; the others stop blocking availability. */
    selectedCalendarIds: z.array(id).max(500).optional(),
  })
  .strict();

export const notificationsList = z
  .object({ unreadOnly: z.boolean().optional(), limit: limit.optional(), cursor: cursor.optional() })
  .strict();

export const notificationsMarkRead = z
  .object({ ids: z.array(id).min(1).max(500).optional(), all: z.literal(true).optional() })
  .strict()
  .refine((v) => (v.ids ? !v.all : v.all), { message: 'Give either ids or all: true' });

const optionalUrl = httpUrl.nullable().optional();
export const providersUpdate = z
  .object({
    provider: z.enum(IDENTITY_PROVIDERS),
    clientId: z.string().trim().max(512).nullable().optional(),
    clientSecret: z.string().max(1024).nullable().optional(),
    authUrl: optionalUrl,
    tokenUrl: optionalUrl,
    apiRoot: optionalUrl,
    userinfoUrl: optionalUrl,
    revokeUrl: optionalUrl,
  })
  .strict();

export const AVAILABILITY_MAX_RANGE_MS = 62 * 24 * 60 * 60_000;
export const availabilityGet = z
  .object({
    rangeStart: epochMs,
    rangeEnd: epochMs,
    durationMinutes: z.number().int().min(5).max(480),
    stepMinutes: z.number().int().min(5).max(480).optional(),
  })
  .strict()
  .refine((v) => v.rangeEnd > v.rangeStart, { message: 'The end must be after the start', path: ['rangeEnd'] })
  .refine((v) => v.rangeEnd - v.rangeStart <= AVAILABILITY_MAX_RANGE_MS, {
    message: 'Ask for at most 62 days at a time',
    path: ['rangeEnd'],
  });

export const availabilityExplain = z
  .object({ startUtc: epochMs, endUtc: epochMs })
  .strict()
  .refine(rangeOk, rangeMsg)
  .refine((v) => v.endUtc - v.startUtc <= AVAILABILITY_MAX_RANGE_MS, { message: 'Ask for at most 62 days at a time', path: ['endUtc'] });

/** Channels whose issue has not landed accept anything and answer NOT_IMPLEMENTED. */
export const notImplementedInput = z.unknown();
