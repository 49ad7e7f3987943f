import { describe, expect, it } from 'vitest';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateWebhookSecret, signPayload, verifySignature, webhookHeaders } from '../../../main/webhooks/signing';

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'booking_created', version: 1, timestamp: 1_700_000_000_000, data: { id: 'b1', title: 'Café ☕' } });

describe('Standard Webhooks signing', () => {
  it('generates whsec_ + base64 of 32 random bytes, different every time', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('produces headers the independent standardwebhooks verifier accepts (one secret)', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_1', timestamp: now(), body, secrets: [secret] });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('matches the reference implementation byte for byte', () => {
    const secret = generateWebhookSecret();
    const ts = now();
    expect(signPayload({ id: 'msg_x', timestamp: ts, body, secrets: [secret] })).toBe(
      new Webhook(secret).sign('msg_x', new Date(ts * 1000), body),
    );
  });

  it('during rotation signs with every secret, in order, and each secret alone verifies', () => {
    const current = generateWebhookSecret();
    const old = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_2', timestamp: now(), body, secrets: [current, old] });
    const parts = headers['webhook-signature'].split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(signPayload({ id: 'msg_2', timestamp: Number(headers['webhook-timestamp']), body, secrets: [current] }));
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(old).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it('is rejected by the verifier for a tampered body, a wrong secret and a timestamp 6 minutes old', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders({ id: 'msg_3', timestamp: now(), body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body.replace('b1', 'b2'), headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body + ' ', headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
    const stale = webhookHeaders({ id: 'msg_3', timestamp: now() - 6 * 60, body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/timestamp/i);
    // A changed id or timestamp also breaks the signature.
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_4' })).toThrow(WebhookVerificationError);
    expect(() =>
      new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }),
    ).toThrow(WebhookVerificationError);
  });

  it('verifySignature compares in constant time and accepts any matching v1 signature', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    const ts = now();
    const signatureHeader = signPayload({ id: 'm', timestamp: ts, body, secrets: [a, b] });
    expect(verifySignature({ id: 'm', timestamp: ts, body, secret: a, signatureHeader })).toBe(true);
    expect(verifySignature({ id: 'm', timestamp: ts, body, secret: b, signatureHeader })).toBe(true);
    expect(verifySignature({ id: 'm', timestamp: ts, body: body + 'x', secret: a, signatureHeader })).toBe(false);
    expect(verifySignature({ id: 'm', timestamp: ts, body, secret: generateWebhookSecret(), signatureHeader })).toBe(false);
    expect(verifySignature({ id: 'm', timestamp: ts, body, secret: a, signatureHeader: signatureHeader.replaceAll('v1,', 'v2,') })).toBe(false);
    expect(verifySignature({ id: 'm', timestamp: ts, body, secret: a, signatureHeader: 'v1,AAAA' })).toBe(false);
  });

  it('refuses malformed secrets, ids, timestamps and an empty secret list without echoing the secret', () => {
    const ok = { id: 'm', timestamp: now(), body, secrets: [generateWebhookSecret()] };
    expect(() => signPayload({ ...ok, secrets: [] })).toThrow(/at least one/i);
    expect(() => signPayload({ ...ok, secrets: ['not-a-secret'] })).toThrow(/Invalid webhook secret/);
    expect(() => signPayload({ ...ok, secrets: ['whsec_' + Buffer.alloc(8).toString('base64')] })).toThrow(/24 to 64/);
    let thrown: unknown;
    try {
      signPayload({ ...ok, secrets: ['whsec_topsecret!!'] });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).not.toContain('topsecret');
    expect(() => signPayload({ ...ok, id: '' })).toThrow(/webhook id/);
    expect(() => signPayload({ ...ok, id: 'a\r\nX-Evil: 1' })).toThrow(/webhook id/);
    expect(() => signPayload({ ...ok, timestamp: 1.5 })).toThrow(/timestamp/);
    expect(() => signPayload({ ...ok, timestamp: -1 })).toThrow(/timestamp/);
    // Secrets of other valid lengths (24 and 64 bytes) are accepted and verify.
    for (const n of [24, 64]) {
      const s = 'whsec_' + Buffer.alloc(n, 7).toString('base64');
      expect(() => new Webhook(s).verify(body, webhookHeaders({ ...ok, secrets: [s] }))).not.toThrow();
    }
  });
});
