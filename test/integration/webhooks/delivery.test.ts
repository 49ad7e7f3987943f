// The durable webhook outbox and its delivery worker (issue 5 items 2, 4 and 6) against a REAL receiver on
// 127.0.0.1, verified by an independent Standard Webhooks library. The worker is driven with runDue() and a
// ManualClock: no real sleeps, compressed schedule. The 10,000-event chaos test is chaos.test.ts; the 5-day rule
// auto-disable.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Booking, Page, WebhookCreated, WebhookDeliveryView, WebhookSecretRotated, WebhookTestResult } from '../../../shared/domain';
import type { WebhookDeliveryPush } from '../../../shared/ipc/push';
import { createCore, type Core } from '../../../main/core';
import { ManualClock } from '../../../main/lib/clock';
import { bookNth, call, makeCore, type TestCore } from '../../support/core';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'reset';

class Receiver {
  readonly received: Received[] = [];
  /** Replies used in order; afterwards 200. */
  readonly replies: Reply[] = [];
  decide: ((r: Received) => Reply) | null = null;
  #server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const r = { headers: req.headers, body };
      this.received.push(r);
      const reply = this.decide?.(r) ?? this.replies.shift() ?? { status: 200, body: 'ok' };
      if (reply === 'hang') return;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
  payloads(): { type: string; version: number; timestamp: string; data: Record<string, unknown> }[] {
    return this.received.map((r) => JSON.parse(r.body) as { type: string; version: number; timestamp: string; data: Record<string, unknown> });
  }
}

const EVENTS = ['booking_created', 'booking_cancelled', 'booking_rescheduled', 'booking_completed', 'notification_sent'];
const SCHEDULE = [0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000];
const HOUR = 3_600_000;

function verify(secret: string, r: Received): unknown {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}

describe('webhook delivery', () => {
  let rx: Receiver;
  let t: TestCore;
  let pushes: WebhookDeliveryPush[];

  const opts = { startScheduler: false, webhooks: { schedule: SCHEDULE, random: () => 0.5, timeoutMs: 300, startWorker: false } };
  const run = (core: Core = t.core) => core.services.webhookDelivery.runDue();
  const hook = (extra: Record<string, unknown> = {}) =>
    call<WebhookCreated>(t.core, 'webhooks:create', {
      name: 'Receiver',
      url: rx.url,
      events: EVENTS,
      headers: { Authorization: 'Bearer receiver-token', 'X-Tenant': 'acme' },
      retryFailed: true,
      maxRetries: 3,
      allowLocalTargets: true,
      ...extra,
    });
  let n = 0;
  const book = () => bookNth(t, ++n);
  const deliveries = (q: Record<string, unknown> = {}) => call<Page<WebhookDeliveryView>>(t.core, 'webhooks:deliveries', q);

  beforeEach(async () => {
    rx = new Receiver();
    await rx.start();
    t = await makeCore(opts);
    // The independent verifier checks timestamps against the real time.
    t.clock.set(Date.now());
    pushes = [];
    t.core.pushes.subscribe((name, p) => {
      if (name === 'webhook:delivery') pushes.push(p as WebhookDeliveryPush);
    });
  });
  afterEach(async () => {
    await t.close();
    await rx.stop();
  });

  it('delivers each of the five events, signed so that standardwebhooks accepts them, with the custom headers', async () => {
    const { secret } = await hook();
    const b1 = await book();
    const b2 = await book();
    const b3 = await book();
    await call(t.core, 'bookings:reschedule', { id: b1.id, startUtc: b1.startUtc + HOUR, endUtc: b1.endUtc + HOUR, overrideBusy: true });
    await call(t.core, 'bookings:cancel', { id: b2.id, reason: 'ill' });
    await call(t.core, 'bookings:complete', { id: b3.id });
    await t.core.accounts.notificationService.notify({ kind: 'test', severity: 'info', title: 'Hi', body: 'There' });
    await run();

    const types = rx.payloads().map((p) => p.type);
    for (const e of EVENTS) expect(types).toContain(e);
    expect(rx.received).toHaveLength(7);
    for (const r of rx.received) {
      const parsed = verify(secret, r) as { version: number; timestamp: string };
      expect(parsed.version).toBe(1);
      expect(new Date(parsed.timestamp).toISOString()).toBe(parsed.timestamp);
      expect(r.headers['webhook-id']).toMatch(/^msg_/);
      expect(r.headers.authorization).toBe('Bearer receiver-token');
      expect(r.headers['x-tenant']).toBe('acme');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('Junction-Webhooks/1 (Standard Webhooks)');
      // A tampered body, a wrong secret and a stale timestamp are rejected by the verifier.
      expect(() => verify(secret, { ...r, body: r.body.replace('"version":1', '"version":2') })).toThrow();
      expect(() => verify('whsec_' + Buffer.alloc(32, 7).toString('base64'), r)).toThrow();
    }
    const resched = rx.payloads().find((p) => p.type === 'booking_rescheduled')!;
    expect(resched.data).toMatchObject({
      old: { startUtc: b1.startUtc, endUtc: b1.endUtc },
      new: { startUtc: b1.startUtc + HOUR, endUtc: b1.endUtc + HOUR },
    });
    const page = await deliveries();
    expect(page.items.every((d) => d.status === 'delivered' && d.attempts === 1 && d.attemptLog[0]!.statusCode === 200)).toBe(true);
    expect(pushes.filter((p) => p.status === 'delivered')).toHaveLength(7);
  });

  it('only events a webhook subscribed to, only active webhooks', async () => {
    await hook({ events: ['booking_cancelled'] });
    const { webhook } = await hook();
    await call(t.core, 'webhooks:update', { id: webhook.id, name: 'Off', url: rx.url, events: EVENTS, headers: {}, retryFailed: true, allowLocalTargets: true, isActive: false });
    await book();
    await run();
    expect(rx.received).toHaveLength(0);
    expect((await deliveries()).items).toHaveLength(0);
  });

  it('during rotation both signatures are present and each secret verifies; after the grace period only the new one', async () => {
    const { webhook, secret: oldSecret } = await hook();
    const { secret: newSecret } = await call<WebhookSecretRotated>(t.core, 'webhooks:rotateSecret', { id: webhook.id, graceHours: 1 });
    await book();
    await run();
    const r = rx.received[0]!;
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(oldSecret, r)).toBeTruthy();
    expect(verify(newSecret, r)).toBeTruthy();

    t.clock.advance(2 * HOUR);
    await book();
    await run();
    const r2 = rx.received[1]!;
    expect(String(r2.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new Webhook(newSecret).verify(r2.body, r2.headers as Record<string, string>, {})).toThrow(); // timestamp 2 h ahead
  });

  it('500 then success: retried on the schedule with the same webhook-id', async () => {
    await hook();
    rx.replies.push({ status: 500, body: 'boom' });
    await book();
    await run();
    expect(rx.received).toHaveLength(1);
    const [d] = (await deliveries()).items;
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 });
    expect(d!.nextAttemptAt).toBe(t.clock.now() + 1_000); // random 0.5 → no jitter
    t.clock.advance(999);
    await run();
    expect(rx.received).toHaveLength(1);
    t.clock.advance(1);
    await run();
    expect(rx.received).toHaveLength(2);
    expect(rx.received[1]!.headers['webhook-id']).toBe(rx.received[0]!.headers['webhook-id']);
    const [after] = (await deliveries()).items;
    expect(after).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(after!.attemptLog.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([
      [2, 200, 'ok'],
      [1, 500, 'boom'],
    ]);
    expect(pushes.map((p) => p.status)).toEqual(['retrying', 'delivered']);
  });

  it('jitter stays within ±10 %', async () => {
    await t.close();
    t = await makeCore({ ...opts, webhooks: { ...opts.webhooks, random: () => 0 } });
    t.clock.set(Date.now());
    await hook();
    rx.replies.push({ status: 500 });
    await book();
    await run();
    expect((await deliveries()).items[0]!.nextAttemptAt).toBe(t.clock.now() + 900);
  });

  it('410 disables the endpoint at once and fails its waiting deliveries', async () => {
    await t.close();
    t = await makeCore({ ...opts, webhooks: { ...opts.webhooks, concurrencyPerEndpoint: 1 } });
    t.clock.set(Date.now());
    const { webhook } = await hook();
    rx.replies.push({ status: 410 });
    await book();
    await book();
    await t.core.services.webhookDelivery.runDue();
    expect(rx.received).toHaveLength(1);
    expect((await call<{ isActive: boolean }>(t.core, 'webhooks:get', { id: webhook.id })).isActive).toBe(false);
    const items = (await deliveries()).items;
    expect(items.map((d) => d.status)).toEqual(['failed', 'failed']);
    await book();
    expect((await deliveries()).items).toHaveLength(2); // no new rows for a disabled endpoint
  });

  it('429 honours Retry-After', async () => {
    await hook();
    rx.replies.push({ status: 429, headers: { 'retry-after': '30' } });
    await book();
    await run();
    const [d] = (await deliveries()).items;
    expect(d!.nextAttemptAt).toBe(t.clock.now() + 30_000);
    t.clock.advance(29_000);
    await run();
    expect(rx.received).toHaveLength(1);
    t.clock.advance(1_000);
    await run();
    expect((await deliveries()).items[0]!.status).toBe('delivered');
  });

  it('the delivery log filters by event type; an unknown event is refused', async () => {
    await hook({ events: ['booking_created', 'booking_cancelled'] });
    const b = await book();
    await book();
    await call(t.core, 'bookings:cancel', { id: b.id });
    await run();
    expect((await deliveries()).items).toHaveLength(3);
    expect((await deliveries({ eventType: 'booking_cancelled' })).items.map((d) => d.eventType)).toEqual(['booking_cancelled']);
    expect((await deliveries({ eventType: 'booking_created' })).items).toHaveLength(2);
    const bad = await t.core.router.invoke('webhooks:deliveries', { eventType: 'booking_deleted' });
    expect(bad.ok ? null : bad.error.code).toBe('VALIDATION');
  });

  it("a custom User-Agent replaces Junction's", async () => {
    await hook({ headers: { 'User-Agent': 'Acme-Relay/2' } });
    await book();
    await run();
    expect(rx.received[0]!.headers['user-agent']).toBe('Acme-Relay/2');
  });

  it('a Retry-After beyond 24 hours is capped at 24 hours', async () => {
    await hook();
    rx.replies.push({ status: 503, headers: { 'retry-after': String(365 * 86_400) } });
    await book();
    await run();
    const [d] = (await deliveries()).items;
    expect(d!.status).toBe('pending');
    expect(d!.nextAttemptAt).toBe(t.clock.now() + 24 * 3_600_000);
  });

  it('a 3xx is a failure and the redirect is not followed', async () => {
    await hook({ maxRetries: 0 });
    rx.replies.push({ status: 302, headers: { location: rx.url + '/elsewhere' } });
    await book();
    await run();
    expect(rx.received).toHaveLength(1);
    const [d] = (await deliveries()).items;
    expect(d).toMatchObject({ status: 'failed', lastStatus: 302 });
    expect(d!.lastError).toMatch(/Redirect/);
  });

  it('max_retries exhausted → failed, kept, and redeliverable with the same webhook-id', async () => {
    await hook({ maxRetries: 2 });
    rx.decide = () => ({ status: 500 });
    await book();
    for (let i = 0; i < 5; i++) {
      await run();
      t.clock.advance(10_000);
    }
    expect(rx.received).toHaveLength(3); // first attempt + 2 retries
    const [d] = (await deliveries({ status: 'failed' })).items;
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastStatus: 500 });
    expect(pushes.at(-1)!.status).toBe('failed');

    rx.decide = null;
    expect(await call(t.core, 'webhooks:redeliver', { ids: [d!.id] })).toEqual({ queued: 1 });
    await run();
    expect(rx.received).toHaveLength(4);
    expect(rx.received[3]!.headers['webhook-id']).toBe(d!.id);
    const [after] = (await deliveries()).items;
    expect(after).toMatchObject({ status: 'delivered' });
    expect(after!.attemptLog[0]!.attempt).toBe(4);
    // Redelivering a pending/unknown row queues nothing; input bounds are checked.
    expect(await call(t.core, 'webhooks:redeliver', { ids: ['msg_nope'] })).toEqual({ queued: 0 });
    expect((await t.core.router.invoke('webhooks:redeliver', { ids: [] })).ok).toBe(false);
  });

  it('timeouts and connection resets are retried', async () => {
    await hook();
    rx.replies.push('hang', 'reset');
    await book();
    await run();
    t.clock.advance(1_000);
    await run();
    t.clock.advance(2_000);
    await run();
    const [d] = (await deliveries()).items;
    expect(d).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(d!.attemptLog[2]!.error).toMatch(/Timed out/);
    expect(d!.attemptLog[1]!.statusCode).toBeNull();
  });

  it('retry_failed off: one attempt only', async () => {
    await hook({ retryFailed: false });
    rx.replies.push({ status: 500 });
    await book();
    await run();
    expect((await deliveries()).items[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('webhooks:test sends a signed test payload now, outside the outbox', async () => {
    const { webhook, secret } = await hook();
    rx.replies.push({ status: 201, body: 'created' });
    const r = await call<WebhookTestResult>(t.core, 'webhooks:test', { id: webhook.id });
    expect(r).toMatchObject({ statusCode: 201, responseExcerpt: 'created', error: null });
    expect((verify(secret, rx.received[0]!) as { type: string }).type).toBe('webhook_test');
    expect((await deliveries()).items).toHaveLength(0);
    await rx.stop();
    const down = await call<WebhookTestResult>(t.core, 'webhooks:test', { id: webhook.id });
    expect(down.statusCode).toBeNull();
    expect(down.error).toBeTruthy();
    await rx.start();
  });

  it('the SSRF check runs on every attempt: local targets refused once the opt-in is off', async () => {
    const { webhook } = await hook();
    await book();
    await t.core.db.updateTable('webhook_integrations').set({ allow_local_targets: 0 }).where('id', '=', webhook.id).execute();
    await run();
    expect(rx.received).toHaveLength(0);
    expect((await deliveries()).items[0]!.lastError).toMatch(/http|local/i);
  });

  it('no booking change → no delivery row (the outbox write is in the booking transaction)', async () => {
    await hook();
    const b = await book();
    await call(t.core, 'bookings:cancel', { id: b.id });
    // A cancel of a cancelled booking fails: nothing written.
    expect((await t.core.router.invoke('bookings:cancel', { id: b.id })).ok).toBe(false);
    expect((await deliveries()).items).toHaveLength(2);
    // A failing outbox insert rolls the booking back too.
    await sql`CREATE TRIGGER no_outbox BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'outbox down'); END`.execute(t.core.db);
    const before = (await call<Page<Booking>>(t.core, 'bookings:list', {})).items.length;
    await expect(book()).rejects.toThrow();
    expect((await call<Page<Booking>>(t.core, 'bookings:list', {})).items).toHaveLength(before);
    await sql`DROP TRIGGER no_outbox`.execute(t.core.db);
    expect((await deliveries()).items).toHaveLength(2);
  });

  it("a 'delivering' row whose lease expired is delivered after a restart", async () => {
    await hook();
    await book();
    const [d] = (await deliveries()).items;
    const leaseUntil = t.clock.now() + 60_000;
    await t.core.db.updateTable('webhook_deliveries').set({ status: 'delivering', lease_until: leaseUntil }).execute();
    await t.core.dispose();

    const clock = new ManualClock(t.clock.now());
    const core2 = await createCore({ dataDir: t.dataDir, clock, ...opts });
    try {
      await core2.services.webhookDelivery.runDue();
      expect(rx.received).toHaveLength(0); // the lease still holds
      clock.set(leaseUntil);
      await core2.services.webhookDelivery.runDue();
      expect(rx.received).toHaveLength(1);
      expect(rx.received[0]!.headers['webhook-id']).toBe(d!.id);
      const page = await core2.router.invoke('webhooks:deliveries', {});
      expect(page).toMatchObject({ ok: true, data: { items: [{ id: d!.id, status: 'delivered' }] } });
    } finally {
      await core2.dispose();
    }
  });

  it('deliveries page newest first with a keyset cursor and filters', async () => {
    const { webhook } = await hook();
    for (let i = 0; i < 5; i++) {
      await book();
      t.clock.advance(1);
    }
    const p1 = await deliveries({ limit: 2, webhookId: webhook.id });
    expect(p1.items).toHaveLength(2);
    const p2 = await deliveries({ limit: 2, cursor: p1.nextCursor });
    const p3 = await deliveries({ limit: 2, cursor: p2.nextCursor });
    expect(p3.nextCursor).toBeNull();
    const all = [...p1.items, ...p2.items, ...p3.items];
    expect(new Set(all.map((d) => d.id)).size).toBe(5);
    expect(all.map((d) => d.createdAt)).toEqual([...all.map((d) => d.createdAt)].sort((a, b) => b - a));
    expect((await deliveries({ status: 'delivered' })).items).toHaveLength(0);
  });

  it('keeps the connection alive between attempts to the same checked address', async () => {
    await t.close();
    t = await makeCore({ ...opts, webhooks: { ...opts.webhooks, concurrencyPerEndpoint: 1 } });
    t.clock.set(Date.now());
    let connections = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await hook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
      for (let i = 0; i < 5; i++) await book();
      await run();
      expect((await deliveries({ status: 'delivered' })).items).toHaveLength(5);
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a kept-alive connection is never reused for a different checked address (DNS rebinding)', async () => {
    let resolveTo = '127.0.0.1';
    await t.close();
    t = await makeCore({
      ...opts,
      webhooks: { ...opts.webhooks, concurrencyPerEndpoint: 1 },
      webhookLookup: async () => [{ address: resolveTo, family: 4 }],
    });
    t.clock.set(Date.now());
    const seenAt: string[] = [];
    const server = http.createServer((req, res) => {
      seenAt.push(req.socket.localAddress ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    try {
      await hook({ url: `http://hooks.example.test:${(server.address() as AddressInfo).port}/hook` });
      await book();
      await run();
      resolveTo = '127.0.0.2'; // the name now points elsewhere (still local, and allowed here)
      await book();
      await run();
      expect(seenAt.map((a) => a.replace(/^::ffff:/, ''))).toEqual(['127.0.0.1', '127.0.0.2']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a slow endpoint does not hold up another one: its retries go out while the slow attempt is still waiting', async () => {
    await t.close();
    t = await makeCore({ ...opts, webhooks: { ...opts.webhooks, timeoutMs: 5_000, pollMs: 10, concurrencyPerEndpoint: 1 } });
    t.clock.set(Date.now());
    const slow = new Receiver();
    await slow.start();
    try {
      const hung = new Promise<void>((resolve) => {
        slow.decide = () => {
          resolve();
          return 'hang';
        };
      });
      await hook();
      await hook({ url: slow.url });
      rx.replies.push({ status: 500 });
      const second = new Promise<void>((resolve) => {
        rx.decide = () => {
          if (rx.received.length === 2) resolve();
          return rx.replies.shift() ?? { status: 200 };
        };
      });
      const retrying = new Promise<void>((resolve) => {
        t.core.pushes.subscribe((name, p) => {
          if (name === 'webhook:delivery' && (p as WebhookDeliveryPush).status === 'retrying') resolve();
        });
      });
      await book();
      const running = run();
      await hung;
      await retrying;
      t.clock.advance(1_000); // the fast endpoint's retry is due; the slow attempt has 5 s to go
      await second;
      const slowRow = await t.core.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_integrations as w', 'w.id', 'd.webhook_id')
        .select(['d.status', 'd.attempts'])
        .where('w.webhook_url', '=', slow.url)
        .executeTakeFirstOrThrow();
      expect(slowRow).toEqual({ status: 'delivering', attempts: 0 });
      await slow.stop(); // ends the hanging attempt
      await running;
      const fast = (await deliveries()).items.find((d) => d.attempts === 2)!;
      expect(fast.status).toBe('delivered');
    } finally {
      await slow.stop().catch(() => undefined);
    }
  });

  it('a clean stop lets the attempt in flight finish and releases the rows it had claimed but not sent', async () => {
    await t.close();
    t = await makeCore({ ...opts, webhooks: { ...opts.webhooks, concurrencyPerEndpoint: 1 } });
    t.clock.set(Date.now());
    await hook();
    await book();
    await book();
    await book();
    const arrived = new Promise<void>((resolve) => {
      rx.decide = () => {
        resolve();
        return 'hang';
      };
    });
    const running = t.core.services.webhookDelivery.runDue();
    await arrived;
    expect(await t.core.db.selectFrom('webhook_deliveries').select('status').where('status', '=', 'delivering').execute()).toHaveLength(3);
    await t.core.services.webhookDelivery.stop();
    expect(await running).toBe(1);
    expect(rx.received).toHaveLength(1);
    const rows = (await deliveries()).items;
    // The one attempted timed out and was recorded; the two others are pending again (no lease to wait out).
    expect(rows.map((d) => d.status).sort()).toEqual(['pending', 'pending', 'pending']);
    expect(rows.filter((d) => d.attempts === 1)).toHaveLength(1);
    expect(rows.find((d) => d.attempts === 1)!.attemptLog[0]!.error).toMatch(/Timed out/);
    const leased = await t.core.db.selectFrom('webhook_deliveries').select('lease_until').where('lease_until', 'is not', null).execute();
    expect(leased).toEqual([]);
  });
});
