// Webhook management (issue 5 item 1) through the router: secrets shown once, masked, sealed, revealed on
// request, rotated with a grace period; validation refuses bad input and changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookCreated, WebhookSecretRotated, WebhookView } from '../../../shared/domain';
import type { IntegrationChanged } from '../../../shared/ipc/push';
import type { ResolvedAddress } from '../../../main/webhooks/ssrf';
import { call, makeCore, type TestCore } from '../../support/core';

const DNS: Record<string, ResolvedAddress[]> = {
  'hooks.example.com': [{ address: '93.184.216.34', family: 4 }],
  'other.example.com': [{ address: '93.184.216.35', family: 4 }],
  'intranet.example.com': [{ address: '10.0.0.7', family: 4 }],
};
const lookup = async (host: string): Promise<ResolvedAddress[]> => {
  const found = DNS[host];
  if (!found) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};
const form = {
  name: 'Bookings to CRM',
  url: 'https://hooks.example.com/junction',
  events: ['booking_created', 'booking_cancelled'],
  headers: { Authorization: 'Bearer crm-token' },
  retryFailed: true,
};
const HOUR = 3_600_000;

describe('webhook management', () => {
  let t: TestCore;
  let pushes: IntegrationChanged[];
  beforeEach(async () => {
    t = await makeCore({ webhookLookup: lookup });
    pushes = [];
    t.core.pushes.subscribe((name, p) => {
      if (name === 'integration:changed') pushes.push(p as IntegrationChanged);
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (input: Record<string, unknown> = {}) => call<WebhookCreated>(t.core, 'webhooks:create', { ...form, ...input });
  const row = (id: string) => t.core.db.selectFrom('webhook_integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('a webhook whose host stopped resolving can still be turned off and edited; switching it on checks again', async () => {
    DNS['vanishing.example.com'] = [{ address: '93.184.216.36', family: 4 }];
    const { webhook } = await create({ url: 'https://vanishing.example.com/hook' });
    delete DNS['vanishing.example.com'];
    const edit = { id: webhook.id, name: 'Renamed', url: webhook.webhookUrl, events: ['booking_created'], headers: {}, retryFailed: true, maxRetries: 3, allowLocalTargets: false };
    expect(await call<WebhookView>(t.core, 'webhooks:update', { ...edit, isActive: false })).toMatchObject({ name: 'Renamed', isActive: false });
    const on = await t.core.router.invoke('webhooks:update', { ...edit, isActive: true });
    expect(on.ok).toBe(false);
    expect((await row(webhook.id)).is_active).toBe(0);
    const moved = await t.core.router.invoke('webhooks:update', { ...edit, url: 'https://vanishing.example.com/other' });
    expect(moved.ok).toBe(false);
    expect((await row(webhook.id)).webhook_url).toBe('https://vanishing.example.com/hook');
  });

  it('create shows the secret once; list and get show only the mask; the column holds ciphertext; reveal opens it', async () => {
    const { webhook, secret } = await create();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const mask = `whsec_…${secret.slice(-4)}`;
    expect(webhook).toMatchObject({
      name: 'Bookings to CRM',
      webhookUrl: form.url,
      events: form.events,
      headers: form.headers,
      isActive: true,
      retryFailed: true,
      maxRetries: 3,
      allowLocalTargets: false,
      secretMasked: mask,
      createdAt: t.clock.now(),
    });
    expect(JSON.stringify(webhook)).not.toContain(secret.slice(6));
    expect(pushes).toEqual([{ integrationType: 'webhook', id: webhook.id, provider: null, change: 'created' }]);

    const list = await call<WebhookView[]>(t.core, 'webhooks:list');
    const got = await call<WebhookView>(t.core, 'webhooks:get', { id: webhook.id });
    expect(list).toEqual([webhook]);
    expect(got).toEqual(webhook);
    const wire = JSON.stringify([list, got]);
    expect(wire).not.toContain(secret.slice(6));
    expect(wire).not.toContain('v1:');
    expect(wire).toContain(mask);

    const stored = await row(webhook.id);
    expect(stored.secret_key).toMatch(/^v1:/);
    expect(stored.secret_key).not.toContain(secret.slice(6));
    expect(t.core.vault.open(stored.secret_key)).toBe(secret);
    expect(stored.previous_secret_key).toBeNull();

    expect(await call(t.core, 'webhooks:revealSecret', { id: webhook.id })).toEqual({ secret });
  });

  it('rotateSecret keeps the old secret sealed until the grace period ends', async () => {
    const { webhook, secret: first } = await create();
    t.clock.advance(5000);
    const rotated = await call<WebhookSecretRotated>(t.core, 'webhooks:rotateSecret', { id: webhook.id });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(first);
    expect(rotated.previousExpiresAt).toBe(t.clock.now() + 24 * HOUR);
    let stored = await row(webhook.id);
    expect(t.core.vault.open(stored.secret_key)).toBe(rotated.secret);
    expect(t.core.vault.open(stored.previous_secret_key!)).toBe(first);
    expect(stored.previous_secret_expires_at).toBe(rotated.previousExpiresAt);
    expect(stored.previous_secret_key).not.toContain(first.slice(6));
    expect(await call(t.core, 'webhooks:revealSecret', { id: webhook.id })).toEqual({ secret: rotated.secret });
    expect((await call<WebhookView>(t.core, 'webhooks:get', { id: webhook.id })).secretMasked).toBe(`whsec_…${rotated.secret.slice(-4)}`);

    const again = await call<WebhookSecretRotated>(t.core, 'webhooks:rotateSecret', { id: webhook.id, graceHours: 2 });
    expect(again.previousExpiresAt).toBe(t.clock.now() + 2 * HOUR);
    stored = await row(webhook.id);
    expect(t.core.vault.open(stored.previous_secret_key!)).toBe(rotated.secret);
    expect(t.core.vault.open(stored.secret_key)).toBe(again.secret);

    for (const graceHours of [-1, 169, 1.5]) {
      const r = await t.core.router.invoke('webhooks:rotateSecret', { id: webhook.id, graceHours });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(t.core.vault.open((await row(webhook.id)).secret_key)).toBe(again.secret);
  });

  it('update changes the webhook and pushes; invalid updates are VALIDATION and change nothing', async () => {
    const { webhook } = await create();
    t.clock.advance(1000);
    const updated = await call<WebhookView>(t.core, 'webhooks:update', {
      ...form,
      id: webhook.id,
      name: 'CRM v2',
      url: 'https://other.example.com/in',
      events: ['booking_completed'],
      maxRetries: 8,
      isActive: false,
    });
    expect(updated).toMatchObject({ id: webhook.id, name: 'CRM v2', webhookUrl: 'https://other.example.com/in', events: ['booking_completed'], maxRetries: 8, isActive: false, secretMasked: webhook.secretMasked });
    expect(pushes.at(-1)).toEqual({ integrationType: 'webhook', id: webhook.id, provider: null, change: 'updated' });
    const before = await row(webhook.id);
    const pushCount = pushes.length;

    const bad: [Record<string, unknown>, string | RegExp][] = [
      [{ events: ['booking_deleted'] }, /Unknown event/],
      [{ headers: { 'Webhook-Signature': 'x' } }, /reserved/],
      [{ headers: { Host: 'evil.example.com' } }, /cannot be customised/],
      [{ url: 'http://hooks.example.com/in' }, /https:\/\//],
      [{ url: 'https://intranet.example.com/in' }, /private or local address/],
      [{ url: 'https://127.0.0.1/in' }, /private or local address/],
      [{ url: 'https://nowhere.example.com/in' }, /could not find/],
    ];
    for (const [patch, message] of bad) {
      const r = await t.core.router.invoke('webhooks:update', { ...form, id: webhook.id, ...patch });
      expect(r.ok, JSON.stringify(patch)).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('VALIDATION');
        expect(JSON.stringify(r.error)).toMatch(message);
      }
    }
    expect(await row(webhook.id)).toEqual(before);
    expect(pushes).toHaveLength(pushCount);

    // With the opt-in, a local target (http or https) is accepted.
    const local = await call<WebhookView>(t.core, 'webhooks:update', { ...form, id: webhook.id, url: 'http://intranet.example.com/in', allowLocalTargets: true });
    expect(local).toMatchObject({ webhookUrl: 'http://intranet.example.com/in', allowLocalTargets: true });
    // ...but http to a public address is still refused.
    const r = await t.core.router.invoke('webhooks:update', { ...form, id: webhook.id, url: 'http://hooks.example.com/in', allowLocalTargets: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { reason: 'insecure_scheme' } } });
  });

  it('create refuses a private target without the opt-in and stores nothing', async () => {
    for (const input of [{ url: 'https://intranet.example.com/x' }, { url: 'http://127.0.0.1:8080/x' }, { events: [] }]) {
      const r = await t.core.router.invoke('webhooks:create', { ...form, ...input });
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await call<WebhookView[]>(t.core, 'webhooks:list')).toEqual([]);
    const ok = await create({ url: 'http://127.0.0.1:8080/x', allowLocalTargets: true });
    expect(ok.webhook.allowLocalTargets).toBe(true);
  });

  it('delete removes the webhook; unknown ids are NOT_FOUND', async () => {
    const { webhook } = await create();
    expect(await call(t.core, 'webhooks:delete', { id: webhook.id })).toEqual({ id: webhook.id });
    expect(pushes.at(-1)).toEqual({ integrationType: 'webhook', id: webhook.id, provider: null, change: 'deleted' });
    expect(await call<WebhookView[]>(t.core, 'webhooks:list')).toEqual([]);
    for (const channel of ['webhooks:get', 'webhooks:delete', 'webhooks:revealSecret', 'webhooks:rotateSecret']) {
      const r = await t.core.router.invoke(channel, { id: webhook.id });
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const r = await t.core.router.invoke('webhooks:update', { ...form, id: webhook.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
