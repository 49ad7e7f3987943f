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
    /** Also ask the connected calendars that support it (Google freeBusy) right now, on top of the synced data. */
    live: z.boolean().optional(),
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

// ---- webhooks (issue 5 item 1). Shape only: whether the URL's host resolves to an allowed address is checked
// by main/webhooks/ssrf.ts, at save time and again before every delivery.

// URL is a runtime global in Node, Electron and browsers; shared/ compiles without DOM or Node types.
interface ParsedUrl {
  protocol: string;
  hostname: string;
  username: string;
  password: string;
}
declare const URL: new (input: string) => ParsedUrl;

export const WEBHOOK_EVENTS = [
  'booking_created',
  'booking_cancelled',
  'booking_rescheduled',
  'booking_completed',
  'notification_sent',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_NAME_LENGTH = 64;
export const MAX_HEADER_VALUE_LENGTH = 1024;
export const MAX_RETRIES_LIMIT = 10;
export const DEFAULT_MAX_RETRIES = 3;

/** RFC 7230 §3.2.6 token: the characters a header field name may contain. */
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Header names Junction sets itself, or that control the connection; compared in lower case. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
]);
const RESERVED_PREFIXES = ['proxy-', 'webhook-'];

/** Why a custom header name is refused, or null when it may be used. `Authorization` is allowed. */
export function reservedHeaderReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower)) return `The header "${name}" is set by Junction or controls the connection, so it cannot be customised.`;
  const prefix = RESERVED_PREFIXES.find((p) => lower.startsWith(p));
  if (prefix) return `Headers starting with "${prefix}" are reserved (${prefix === 'webhook-' ? 'Junction signs with them' : 'they are for proxies'}).`;
  return null;
}

/** Why `name` cannot be a custom header name, or null when it can. */
function headerNameProblem(name: string): string | null {
  if (name.length === 0) return 'A header name cannot be empty.';
  if (name.length > MAX_HEADER_NAME_LENGTH) return `Header names can be at most ${MAX_HEADER_NAME_LENGTH} characters.`;
  if (!TOKEN_RE.test(name)) {
    return "Header names may contain only letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ (no spaces or colons).";
  }
  return reservedHeaderReason(name);
}

const headerValue = z
  .string()
  .max(MAX_HEADER_VALUE_LENGTH, `Header values can be at most ${MAX_HEADER_VALUE_LENGTH} characters.`)
  // CR/LF would split the header (header injection); other control characters (except tab) are invalid too.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  .regex(/^[^\x00-\x08\x0a-\x1f\x7f]*$/, 'Header values cannot contain line breaks or other control characters.');

const headers = z
  // Names are checked here rather than with a key schema so each refusal keeps its own message and path
  // (zod reports a failed record key only as "Invalid key in record").
  .record(z.string(), headerValue)
  .superRefine((h, ctx) => {
    const names = Object.keys(h);
    for (const name of names) {
      const problem = headerNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
    if (names.length > MAX_CUSTOM_HEADERS) {
      ctx.addIssue({ code: 'custom', message: `A webhook can have at most ${MAX_CUSTOM_HEADERS} custom headers.` });
    }
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      if (seen.has(lower)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `The header "${name}" is given twice (names are case-insensitive).` });
      }
      seen.add(lower);
    }
  });

const url = z
  .string()
  .trim()
  .min(1, 'Enter the URL Junction should send webhooks to.')
  .max(MAX_WEBHOOK_URL_LENGTH, `The URL can be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    let parsed: ParsedUrl;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'This is not a valid URL. It should look like https://example.com/webhooks.' });
      return;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: 'The URL must start with https://.' });
    } else if (parsed.hostname === '') {
      ctx.addIssue({ code: 'custom', message: 'The URL needs a host name.' });
    } else if (parsed.username !== '' || parsed.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'Put credentials in a custom header (such as Authorization), not in the URL.' });
    }
  });

const eventList = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `Unknown event. Choose from: ${WEBHOOK_EVENTS.join(', ')}.` }))
  .min(1, 'Choose at least one event.')
  .refine((events) => new Set(events).size === events.length, 'Each event can be chosen only once.');

/** The webhook form's fields (without the http refinement, so update can extend it). */
const webhookFields = {
  name: z
    .string()
    .trim()
    .min(1, 'Give the webhook a name.')
    .max(100, 'The name can be at most 100 characters.'),
  url,
  events: eventList,
  headers: headers.default({}),
  retryFailed: z.boolean({ error: "Choose whether failed deliveries are retried." }),
  maxRetries: z
    .number()
    .int('Max retries must be a whole number.')
    .min(0, 'Max retries cannot be negative.')
    .max(MAX_RETRIES_LIMIT, `Max retries can be at most ${MAX_RETRIES_LIMIT}.`)
    .default(DEFAULT_MAX_RETRIES),
  allowLocalTargets: z.boolean().default(false),
};

/** http:// only with "Allow local targets" (whether the address really is local is checked by the SSRF guard). */
const httpNeedsLocalOptIn = (v: { url: string; allowLocalTargets: boolean }, ctx: z.RefinementCtx): void => {
  if (v.url.toLowerCase().startsWith('http:') && !v.allowLocalTargets) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: "The URL must start with https://. Plain http:// is only allowed to a local address, with 'Allow local targets' turned on.",
    });
  }
};

/** The webhook form (webhooks:create). */
export const webhookInput = z.object(webhookFields).strict().superRefine(httpNeedsLocalOptIn);

export type WebhookInput = z.input<typeof webhookInput>;
export type WebhookConfig = z.output<typeof webhookInput>;

export const webhooksCreate = webhookInput;
export const webhooksUpdate = z
  .object({ id, ...webhookFields, isActive: z.boolean().optional() })
  .strict()
  .superRefine(httpNeedsLocalOptIn);
export const MAX_ROTATION_GRACE_HOURS = 168;
export const webhooksRotateSecret = z
  .object({
    id,
    graceHours: z
      .number()
      .int('The grace period must be a whole number of hours.')
      .min(0, 'The grace period cannot be negative.')
      .max(MAX_ROTATION_GRACE_HOURS, `The grace period can be at most ${MAX_ROTATION_GRACE_HOURS} hours (7 days).`)
      .default(24),
  })
  .strict();

// ---- webhook deliveries (issue 5 items 4 and 6)
export const webhooksDeliveries = z
  .object({
    webhookId: id.optional(),
    status: z.enum(['pending', 'delivering', 'delivered', 'failed']).optional(),
    /** One event type, or the test send's. */
    eventType: z.enum([...WEBHOOK_EVENTS, 'webhook_test'], { error: `Unknown event. Choose from: ${WEBHOOK_EVENTS.join(', ')}.` }).optional(),
    cursor: cursor.optional(),
    limit: limit.optional(),
  })
  .strict();
export const webhooksRedeliver = z
  .object({ ids: z.array(z.string().min(1).max(256)).min(1, 'Choose at least one delivery.').max(100, 'At most 100 deliveries at once.') })
  .strict();
export const webhooksTest = byId;

/** Channels whose issue has not landed accept anything and answer NOT_IMPLEMENTED. */
export const notImplementedInput = z.unknown();
