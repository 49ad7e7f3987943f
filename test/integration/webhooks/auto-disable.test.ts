// Svix's rule (issue 5 item 4): an endpoint whose every attempt has failed for 5 days is disabled, the organizer is
// told (in-app + native notification, and an error log entry saying how to re-enable it), and its waiting
// deliveries are NOT dropped: they are marked failed with the reason, listed under the failed filter, and
// redeliverable once the webhook is back on. A real receiver on 127.0.0.1; days pass on a ManualClock (no sleeps).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppNotification, LogEntry, Page, WebhookCreated, WebhookDeliveryView, WebhookView } from '../../../shared/domain';
import type { IntegrationChanged, WebhookDeliveryPush } from '../../../shared/ipc/push';
import { bookNth, call, makeCore, type TestCore } from '../../support/core';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

class Receiver {
  status = 500;
  received = 0;
  url = '';
  readonly #server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.received++;
      res.writeHead(this.status).end(this.status < 300 ? 'ok' : 'down for maintenance');
    });
  });
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook?token=s3cret`;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('a webhook failing every attempt for 5 days is disabled (Svix rule)', () => {
  let t: TestCore;
  let rx: Receiver;
  let native: AppNotification[];
  let deliveryPushes: WebhookDeliveryPush[];
  let changes: IntegrationChanged[];
  let n = 0;

  beforeEach(async () => {
    rx = new Receiver();
    await rx.start();
    native = [];
    t = await makeCore({
      nativeNotifications: { show: (x) => native.push(x) },
      // Retries after 1 min and 1 h: a delivery gives up within the day, the endpoint keeps failing for days.
      webhooks: { schedule: [0, MIN, HOUR], random: () => 0.5, timeoutMs: 500, startWorker: false },
    });
    deliveryPushes = [];
    changes = [];
    t.core.pushes.subscribe((name, p) => {
      if (name === 'webhook:delivery') deliveryPushes.push(p as WebhookDeliveryPush);
      if (name === 'integration:changed') changes.push(p as IntegrationChanged);
    });
  });
  afterEach(async () => {
    await t.close();
    await rx.stop();
  });

  const hook = (extra: Record<string, unknown> = {}) =>
    call<WebhookCreated>(t.core, 'webhooks:create', {
      name: 'CRM',
      url: rx.url,
      events: ['booking_created'],
      retryFailed: true,
      maxRetries: 2,
      allowLocalTargets: true,
      ...extra,
    });
  const book = () => bookNth(t, ++n);
  const run = () => t.core.services.webhookDelivery.runDue();
  const get = (id: string) => call<WebhookView>(t.core, 'webhooks:get', { id });
  const stored = (id: string) =>
    t.core.db.selectFrom('webhook_integrations').select(['is_active', 'failing_since', 'disabled_reason', 'disabled_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const deliveries = (q: Record<string, unknown> = {}) => call<Page<WebhookDeliveryView>>(t.core, 'webhooks:deliveries', { limit: 100, ...q });
  const notifications = async () =>
    (await call<Page<AppNotification>>(t.core, 'notifications:list', {})).items.filter((x) => x.kind === 'webhook_disabled');
  const errorLogs = async () => (await call<Page<LogEntry>>(t.core, 'logs:list', { logType: 'error', integrationType: 'webhook' })).items;
  /** One new event, attempted now (and every retry that is due). */
  const failOnce = async () => {
    await book();
    await run();
  };
  const reenable = (id: string) =>
    call<WebhookView>(t.core, 'webhooks:update', {
      id,
      name: 'CRM',
      url: rx.url,
      events: ['booking_created'],
      retryFailed: true,
      maxRetries: 2,
      allowLocalTargets: true,
      isActive: true,
    });

  it('stays on through 4 days 23 h of failures, is turned off by the first failed attempt at 5 days, and says so', async () => {
    const { webhook } = await hook();
    const t0 = t.clock.now();
    await failOnce();
    expect((await stored(webhook.id)).failing_since).toBe(t0);
    for (let day = 1; day <= 4; day++) {
      t.clock.set(t0 + day * DAY);
      await failOnce();
      expect((await get(webhook.id)).isActive).toBe(true);
    }
    t.clock.set(t0 + 5 * DAY - HOUR);
    await failOnce();
    expect((await get(webhook.id)).isActive).toBe(true);
    // A delivery waiting for its retry (due in 1 min) when the rule fires, and one not attempted at all yet.
    t.clock.set(t0 + 5 * DAY - 30_000);
    await book();
    await run();
    const [waiting] = (await deliveries({ status: 'pending' })).items;
    expect(waiting).toMatchObject({ attempts: 1, nextAttemptAt: t0 + 5 * DAY + 30_000 });
    // Not due yet (the last attempt fails in the same pass): stays queued until the endpoint is disabled.
    await t.core.db.updateTable('webhook_deliveries').set({ next_attempt_at: t0 + 6 * DAY }).where('status', '=', 'pending').execute();
    expect(await notifications()).toEqual([]);
    const waitingIds = (await deliveries({ status: 'pending' })).items.map((d) => d.id);
    expect(waitingIds.length).toBeGreaterThan(1);

    t.clock.set(t0 + 5 * DAY);
    const received = rx.received;
    await failOnce();
    expect(rx.received).toBe(received + 1); // the attempt that crossed the 5 days; nothing after it

    // Disabled, with the reason stored; a new 5-day window starts if it is switched back on.
    const row = await stored(webhook.id);
    expect(row).toMatchObject({ is_active: 0, failing_since: null, disabled_at: t0 + 5 * DAY });
    expect(row.disabled_reason).toMatch(/failed since .* \(5 days\).*turned the webhook off after 5 days/);
    expect((await get(webhook.id)).isActive).toBe(false);
    expect(changes).toContainEqual({ integrationType: 'webhook', id: webhook.id, provider: null, change: 'updated' });

    // Nothing vanished: nothing is left pending, the waiting deliveries failed with the reason, all listed.
    expect((await deliveries({ status: 'pending' })).items).toEqual([]);
    const failed = (await deliveries({ status: 'failed' })).items;
    for (const id of waitingIds) expect(failed.map((d) => d.id)).toContain(id);
    const w = failed.find((d) => d.id === waiting!.id)!;
    expect(w.lastError).toMatch(/turned the webhook off after 5 days/);
    expect(w.attemptLog).toHaveLength(1); // its one real attempt; the disable is not an attempt
    expect(deliveryPushes).toContainEqual({ webhookId: webhook.id, deliveryId: waiting!.id, status: 'failed' });
    const total = (await deliveries()).items.length;
    expect(failed).toHaveLength(total);

    // The organizer is told: in-app and native, once; and an error log entry says how to re-enable it.
    const [note] = await notifications();
    expect(note).toMatchObject({
      severity: 'error',
      integrationType: 'webhook',
      integrationId: webhook.id,
      actionRoute: `/integrations/webhooks/${webhook.id}`,
      title: 'Webhook “CRM” was turned off',
    });
    expect(note!.body).toMatch(/5 days/);
    expect(note!.body).toMatch(/marked failed; they are kept in its delivery log/);
    expect(note!.body).toMatch(/switch the webhook back on, then redeliver/);
    expect(native.filter((x) => x.kind === 'webhook_disabled')).toEqual([note]);
    const [log] = await errorLogs();
    expect(log).toMatchObject({ logType: 'error', success: false, integrationType: 'webhook', integrationId: webhook.id });
    expect(log!.message).toMatch(/^Webhook “CRM” \(http:\/\/127\.0\.0\.1:\d+\) was turned off: .*To re-enable it: /);
    expect(log!.message).not.toMatch(/s3cret/); // the URL's query string may hold a token: origin only
    expect(log!.details).toMatchObject({
      event: 'webhook_disabled',
      cause: 'failing',
      failingSince: t0,
      disabledAt: t0 + 5 * DAY,
      failedDeliveries: waitingIds.length,
      reenable: { route: `/integrations/webhooks/${webhook.id}` },
      notificationId: note!.id,
    });

    // A disabled webhook gets no new deliveries and no more attempts.
    t.clock.advance(2 * DAY);
    await failOnce();
    expect(rx.received).toBe(received + 1);
    expect(await notifications()).toHaveLength(1);

    // Switched back on (the endpoint fixed): the reason goes, a fresh window; the failed ones are redelivered.
    rx.status = 200;
    expect((await reenable(webhook.id)).isActive).toBe(true);
    expect(await stored(webhook.id)).toMatchObject({ is_active: 1, failing_since: null, disabled_reason: null, disabled_at: null });
    const ids = failed.map((d) => d.id);
    expect(await call(t.core, 'webhooks:redeliver', { ids })).toEqual({ queued: ids.length });
    await run();
    expect((await deliveries({ status: 'delivered' })).items.map((d) => d.id).sort()).toEqual([...ids].sort());
  });

  it('a successful attempt restarts the 5 days; a re-enabled webhook gets a fresh window', async () => {
    const { webhook } = await hook();
    const t0 = t.clock.now();
    await failOnce();
    t.clock.set(t0 + 3 * DAY);
    rx.status = 200;
    await book();
    await run();
    expect((await stored(webhook.id)).failing_since).toBeNull();
    rx.status = 503;
    t.clock.set(t0 + 4 * DAY);
    await failOnce();
    expect((await stored(webhook.id)).failing_since).toBe(t0 + 4 * DAY);
    t.clock.set(t0 + 8 * DAY);
    await failOnce();
    expect((await get(webhook.id)).isActive).toBe(true); // 4 days since the first failure after the success
    t.clock.set(t0 + 9 * DAY);
    await failOnce();
    expect((await get(webhook.id)).isActive).toBe(false);

    await reenable(webhook.id);
    t.clock.advance(HOUR);
    await failOnce(); // still failing, but the window restarted when it was switched on
    expect((await get(webhook.id)).isActive).toBe(true);
    expect((await stored(webhook.id)).failing_since).toBe(t.clock.now());
  });

  it('every kind of failure counts: HTTP errors and refused connections alike', async () => {
    const { webhook } = await hook();
    const t0 = t.clock.now();
    await failOnce();
    t.clock.set(t0 + 2 * DAY);
    await rx.stop(); // refused from now on
    await failOnce();
    t.clock.set(t0 + 5 * DAY + 1);
    await failOnce();
    expect((await stored(webhook.id)).disabled_reason).toMatch(/5 days/);
    rx = new Receiver();
    await rx.start(); // for afterEach
  });

  it('a 410 disables at once and tells the organizer the same way', async () => {
    const { webhook } = await hook();
    rx.status = 410;
    await failOnce();
    const row = await stored(webhook.id);
    expect(row.is_active).toBe(0);
    expect(row.disabled_reason).toMatch(/410 Gone/);
    const [note] = await notifications();
    expect(note!.body).toMatch(/^The endpoint answered 410 Gone\./);
    expect(native).toHaveLength(1);
    expect((await errorLogs())[0]!.details).toMatchObject({ event: 'webhook_disabled', cause: 'gone', failingSince: null });
  });

  it('a webhook a person switches off keeps its waiting deliveries pending; they go out when it is back on', async () => {
    const { webhook } = await hook();
    rx.status = 200;
    await book(); // not attempted yet
    await call(t.core, 'webhooks:update', {
      id: webhook.id,
      name: 'CRM',
      url: rx.url,
      events: ['booking_created'],
      retryFailed: true,
      allowLocalTargets: true,
      isActive: false,
    });
    await run();
    expect(rx.received).toBe(0);
    expect((await deliveries({ status: 'pending' })).items).toHaveLength(1);
    expect((await stored(webhook.id)).disabled_reason).toBeNull();
    expect(await notifications()).toEqual([]);
    await reenable(webhook.id);
    await run();
    expect(rx.received).toBe(1);
    expect((await deliveries({ status: 'delivered' })).items).toHaveLength(1);
  });
});
