// Standard Webhooks signing (https://www.standardwebhooks.com/, DESIGN.md §5).
//   webhook-id         stable across retries of one delivery (receivers dedupe on it)
//   webhook-timestamp  Unix seconds of this attempt
//   webhook-signature  "v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>", one per secret, space-separated
// The key is the base64-decoded part of the secret after "whsec_". During secret rotation the caller passes the
// current secret first and the old ones after it, so a receiver holding either secret accepts the delivery.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
/** Standard Webhooks allows 24–64 random bytes of key. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export type WebhookHeaderName = 'webhook-id' | 'webhook-timestamp' | 'webhook-signature';
export type WebhookHeaders = Record<WebhookHeaderName, string>;

export interface SignInput {
  /** The message id; the same for every retry of one delivery. */
  id: string;
  /** Unix seconds (an integer). */
  timestamp: number;
  /** The exact request body that will be sent, byte for byte. */
  body: string;
  /** Current secret first, then old ones still valid during rotation. At least one. */
  secrets: readonly string[];
}

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** True when `secret` is `whsec_` + canonical base64 of 24–64 bytes. */
export function isValidWebhookSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const b64 = secret.slice(SECRET_PREFIX.length);
  if (!BASE64_RE.test(b64) || b64.length % 4 !== 0) return false;
  const key = Buffer.from(b64, 'base64');
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES && key.toString('base64') === b64;
}

function secretKey(secret: string): Buffer {
  if (!isValidWebhookSecret(secret)) {
    // Never echo the secret itself.
    throw new TypeError('Invalid webhook secret: expected "whsec_" followed by base64 of 24 to 64 bytes');
  }
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

function checkInput({ id, timestamp, secrets }: SignInput): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (id.length === 0 || id.length > 256 || /[\s\x00-\x1f\x7f]/.test(id)) {
    // It goes into a header value as is.
    throw new TypeError('Invalid webhook id: must be 1 to 256 characters without whitespace or control characters');
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('Invalid webhook timestamp: must be a non-negative integer number of Unix seconds');
  }
  if (secrets.length === 0) throw new TypeError('At least one webhook secret is required to sign');
}

function hmac(key: Buffer, id: string, timestamp: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest();
}

/** The `webhook-signature` header value: `v1,<sig>` per secret, in the order given, space-separated. */
export function signPayload(input: SignInput): string {
  checkInput(input);
  const { id, timestamp, body, secrets } = input;
  return secrets.map((s) => `v1,${hmac(secretKey(s), id, timestamp, body).toString('base64')}`).join(' ');
}

/** The three Standard Webhooks headers for one attempt. Add the user's custom headers beside them. */
export function webhookHeaders(input: SignInput): WebhookHeaders {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signPayload(input),
  };
}

/**
 * True when any `v1` signature in `signatureHeader` matches `{id}.{timestamp}.{body}` under `secret`
 * (constant-time comparison). Checks the signature only, not the timestamp's age: that is the receiver's policy.
 * For our own tests and a future "verify a receiver's echo" use; receivers should use a Standard Webhooks library.
 */
export function verifySignature(input: { id: string; timestamp: number; body: string; secret: string; signatureHeader: string }): boolean {
  const expected = hmac(secretKey(input.secret), input.id, input.timestamp, input.body);
  let ok = false;
  for (const part of input.signatureHeader.split(' ')) {
    const [version, sig] = part.split(',', 2);
    if (version !== 'v1' || sig === undefined) continue;
    const given = Buffer.from(sig, 'base64');
    // Evaluate every candidate (no early return) so timing does not reveal which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}
