import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS, webhookInput, reservedHeaderReason } from '../../../main/webhooks/validation';

const valid = { name: 'Bookings to CRM', url: 'https://hooks.example.com/junction', events: ['booking_created'], retryFailed: true };

/** The messages of a failed parse, or [] when it passed. */
function messages(input: unknown): string[] {
  const r = webhookInput.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
}
const refuses = (input: unknown, message: RegExp) => expect(messages(input).join(' | ')).toMatch(message);

describe('webhookInput', () => {
  it('accepts a minimal webhook and fills the defaults', () => {
    expect(webhookInput.parse(valid)).toEqual({ ...valid, headers: {}, maxRetries: 3, allowLocalTargets: false });
  });

  it('exports the five events and accepts any non-empty subset of them', () => {
    expect(WEBHOOK_EVENTS).toEqual(['booking_created', 'booking_cancelled', 'booking_rescheduled', 'booking_completed', 'notification_sent']);
    expect(webhookInput.parse({ ...valid, events: [...WEBHOOK_EVENTS] }).events).toEqual(WEBHOOK_EVENTS);
    refuses({ ...valid, events: [] }, /Choose at least one event/);
    refuses({ ...valid, events: ['booking_deleted'] }, /Unknown event\. Choose from: booking_created/);
    refuses({ ...valid, events: ['booking_created', 'booking_created'] }, /only once/);
  });

  it('name: 1 to 100 characters, trimmed', () => {
    expect(webhookInput.parse({ ...valid, name: '  CRM  ' }).name).toBe('CRM');
    refuses({ ...valid, name: '   ' }, /Give the webhook a name/);
    expect(messages({ ...valid, name: 'x'.repeat(100) })).toEqual([]);
    refuses({ ...valid, name: 'x'.repeat(101) }, /at most 100/);
  });

  it('url: https, at most 2048 characters, valid, without credentials', () => {
    const long = 'https://hooks.example.com/' + 'a'.repeat(2048 - 26);
    expect(long).toHaveLength(2048);
    expect(messages({ ...valid, url: long })).toEqual([]);
    refuses({ ...valid, url: long + 'a' }, /at most 2048/);
    refuses({ ...valid, url: '' }, /Enter the URL/);
    refuses({ ...valid, url: 'hooks.example.com/x' }, /not a valid URL/);
    refuses({ ...valid, url: 'ftp://hooks.example.com/' }, /must start with https:\/\//);
    refuses({ ...valid, url: 'https://user:pw@hooks.example.com/' }, /credentials in a custom header/);
  });

  it('url: http only when allowLocalTargets is on', () => {
    refuses({ ...valid, url: 'http://127.0.0.1:3000/hook' }, /Plain http:\/\/ is only allowed to a local address, with 'Allow local targets' turned on/);
    refuses({ ...valid, url: 'HTTP://127.0.0.1:3000/hook' }, /Allow local targets/);
    expect(webhookInput.safeParse({ ...valid, url: 'http://127.0.0.1:3000/hook' }).error?.issues[0]?.path).toEqual(['url']);
    expect(messages({ ...valid, url: 'http://127.0.0.1:3000/hook', allowLocalTargets: true })).toEqual([]);
  });

  it('headers: valid names and values are kept; Authorization is allowed', () => {
    const headers = { Authorization: 'Bearer abc.def', 'X-Api-Key': 'k\twith tab', "x-!#$%&'*+-.^_`|~": '' };
    expect(webhookInput.parse({ ...valid, headers }).headers).toEqual(headers);
    expect(reservedHeaderReason('Authorization')).toBeNull();
  });

  it('headers: at most 20, no duplicates differing only in case', () => {
    const h = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, 'v']));
    expect(messages({ ...valid, headers: h(20) })).toEqual([]);
    refuses({ ...valid, headers: h(21) }, /at most 20 custom headers/);
    refuses({ ...valid, headers: { 'X-A': '1', 'x-a': '2' } }, /given twice/);
  });

  it('headers: names must be RFC 7230 tokens of at most 64 characters', () => {
    expect(messages({ ...valid, headers: { ['X'.repeat(64)]: 'v' } })).toEqual([]);
    refuses({ ...valid, headers: { ['X'.repeat(65)]: 'v' } }, /at most 64/);
    for (const bad of ['X Space', 'X:Colon', 'X(paren)', 'X"q"', 'Ünïcode', 'X\r\nInjected', 'X/Slash', 'X@at']) {
      refuses({ ...valid, headers: { [bad]: 'v' } }, /may contain only letters, digits/);
    }
    refuses({ ...valid, headers: { '': 'v' } }, /cannot be empty/);
  });

  it('headers: values of at most 1024 characters, without CR, LF or other control characters', () => {
    expect(messages({ ...valid, headers: { 'X-V': 'v'.repeat(1024) } })).toEqual([]);
    refuses({ ...valid, headers: { 'X-V': 'v'.repeat(1025) } }, /at most 1024/);
    for (const bad of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\u0000b', 'a\u007fb']) {
      refuses({ ...valid, headers: { 'X-V': bad } }, /cannot contain line breaks/);
    }
  });

  it('headers: hop-by-hop and reserved names are refused case-insensitively', () => {
    const reserved = ['Host', 'content-length', 'CONTENT-TYPE', 'Transfer-Encoding', 'Connection', 'Keep-Alive', 'Upgrade', 'TE', 'Trailer'];
    for (const name of reserved) {
      refuses({ ...valid, headers: { [name]: 'v' } }, new RegExp(`"${name}" is set by Junction or controls the connection`));
    }
    for (const name of ['Proxy-Authorization', 'proxy-connection', 'PROXY-X']) {
      refuses({ ...valid, headers: { [name]: 'v' } }, /starting with "proxy-" are reserved/);
    }
    for (const name of ['webhook-id', 'Webhook-Signature', 'WEBHOOK-TIMESTAMP', 'webhook-anything']) {
      refuses({ ...valid, headers: { [name]: 'v' } }, /starting with "webhook-" are reserved \(Junction signs with them\)/);
    }
    expect(webhookInput.safeParse({ ...valid, headers: { Host: 'evil' } }).error?.issues[0]?.path).toEqual(['headers', 'Host']);
    // Names that merely contain a reserved word are fine.
    expect(messages({ ...valid, headers: { 'X-Host': 'v', 'X-Webhook-Source': 'v', Tee: 'v' } })).toEqual([]);
  });

  it('retryFailed is a required boolean; maxRetries an integer 0..10 defaulting to 3', () => {
    const { retryFailed: _omit, ...noRetry } = valid;
    void _omit;
    refuses(noRetry, /Choose whether failed deliveries are retried/);
    refuses({ ...valid, retryFailed: 'yes' }, /Choose whether failed deliveries are retried/);
    expect(webhookInput.parse({ ...valid, retryFailed: false, maxRetries: 0 })).toMatchObject({ retryFailed: false, maxRetries: 0 });
    expect(webhookInput.parse({ ...valid, maxRetries: 10 }).maxRetries).toBe(10);
    refuses({ ...valid, maxRetries: 11 }, /at most 10/);
    refuses({ ...valid, maxRetries: -1 }, /cannot be negative/);
    refuses({ ...valid, maxRetries: 2.5 }, /whole number/);
  });

  it('allowLocalTargets defaults to false and must be a boolean; unknown fields are refused', () => {
    expect(webhookInput.parse({ ...valid, allowLocalTargets: true }).allowLocalTargets).toBe(true);
    expect(webhookInput.safeParse({ ...valid, allowLocalTargets: 'true' }).success).toBe(false);
    expect(webhookInput.safeParse({ ...valid, secret: 'whsec_x' }).success).toBe(false);
  });
});
