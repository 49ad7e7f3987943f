// Input validation for creating and updating a webhook (issue 5 item 1). Shape only: whether the URL's host
// resolves to an allowed address is checked by ssrf.ts, at save time and again before every delivery.
import { z } from 'zod';

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
    let parsed: URL;
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

export const webhookInput = z
  .object({
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
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.url.toLowerCase().startsWith('http:') && !v.allowLocalTargets) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: "The URL must start with https://. Plain http:// is only allowed to a local address, with 'Allow local targets' turned on.",
      });
    }
  });

export type WebhookInput = z.input<typeof webhookInput>;
export type WebhookConfig = z.output<typeof webhookInput>;
