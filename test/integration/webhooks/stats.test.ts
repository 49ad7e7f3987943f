// Delivery figures on webhooks:list / webhooks:get (issue 5 item 7): delivered / failed / pending counts and the
// success rate over the last 7 days, the newest attempt (time and outcome), and why a webhook was disabled.
// Real deliveries to a real receiver on 127.0.0.1, driven with runDue() and a ManualClock (no sleeps).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookCreated, WebhookView } from '../../../shared/domain';
import { bookNth, call, makeCore, type TestCore } from '../../support/core';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Answers each request with the next status of `replies`, then 200. */
class Receiver {
  readonly replies: number[] = [];
  received = 0;
  url = '';
  readonly #server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      this.received++;
      const status = this.replies.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'nope');
    });
  });
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('webhook delivery figures', () => {
  let t: TestCore;
  let rx: Receiver;
  let other: Receiver;
  let n = 0;

  beforeEach(async () => {
    rx = new Receiver();
    other = new Receiver();
    await rx.start();
    await other.start();
    t = await makeCore({ webhooks: { schedule: [0, 1_000], random: () => 0.5, timeoutMs: 500, startWorker: false } });
  });
  afterEach(async () => {
    await t.close();
    await rx.stop();
    await other.stop();
  });

  const hook = (url: string, name: string, extra: Record<string, unknown> = {}) =>
    call<WebhookCreated>(t.core, 'webhooks:create', {
      name,
      url,
      events: ['booking_created'],
      retryFailed: false,
      maxRetries: 0,
      allowLocalTargets: true,
      ...extra,
    });
  const book = () => bookNth(t, ++n);
  const run = () => t.core.services.webhookDelivery.runDue();
  const list = () => call<WebhookView[]>(t.core, 'webhooks:list', {});
  const get = (id: string) => call<WebhookView>(t.core, 'webhooks:get', { id });

  it('a new webhook has no figures yet: zeros, no success rate, no last delivery', async () => {
    const { webhook } = await hook(rx.url, 'Fresh');
    const empty = { windowDays: 7, delivered: 0, failed: 0, pending: 0, successRate: null, lastDelivery: null };
    expect(webhook.stats).toEqual(empty);
    expect((await list())[0]!.stats).toEqual(empty);
    expect((await get(webhook.id)).stats).toEqual(empty);
  });

  it('counts delivered, failed and pending per webhook; the success rate leaves pending out; the last attempt is the newest', async () => {
    const { webhook: a } = await hook(rx.url, 'A');
    const { webhook: b } = await hook(other.url, 'B');
    rx.replies.push(200, 500, 200); // b receives every event too: all 200
    await book();
    await run();
    t.clock.advance(1_000);
    await book();
    await run();
    t.clock.advance(1_000);
    await book();
    await run();
    t.clock.advance(1_000);
    await book(); // not run: pending for both
    expect(rx.received).toBe(3);

    const byName = new Map((await list()).map((w) => [w.name, w]));
    const sa = byName.get('A')!.stats!;
    expect(sa).toMatchObject({ delivered: 2, failed: 1, pending: 1, windowDays: 7 });
    expect(sa.successRate).toBeCloseTo(2 / 3, 10);
    expect(sa.lastDelivery).toMatchObject({ status: 'delivered', statusCode: 200, error: null, eventType: 'booking_created' });
    expect(sa.lastDelivery!.at).toBe(t.clock.now() - 1_000);
    const sb = byName.get('B')!.stats!;
    expect(sb).toMatchObject({ delivered: 3, failed: 0, pending: 1, successRate: 1 });

    // get gives the same figures as list.
    expect((await get(a.id)).stats).toEqual(sa);
    expect((await get(b.id)).stats).toEqual(sb);
    expect(byName.get('A')!.disabledReason).toBeNull();
  });

  it('a failed last attempt shows its status code and error; no answer at all shows the error only', async () => {
    const { webhook } = await hook(rx.url, 'Failing');
    rx.replies.push(503);
    await book();
    await run();
    let last = (await get(webhook.id)).stats!.lastDelivery!;
    expect(last).toMatchObject({ status: 'failed', statusCode: 503, error: null });

    await rx.stop(); // connection refused from now on
    await book();
    await run();
    const view = await get(webhook.id);
    last = view.stats!.lastDelivery!;
    expect(last.status).toBe('failed');
    expect(last.statusCode).toBeNull();
    expect(last.error).toEqual(expect.any(String)); // ECONNREFUSED, or a hang-up of a kept-alive socket
    expect(last.error!.length).toBeGreaterThan(0);
    expect(view.stats).toMatchObject({ delivered: 0, failed: 2, successRate: 0 });
    rx = new Receiver();
    await rx.start(); // for afterEach
  });

  it('counts only the last 7 days; the last delivery stays whatever its age', async () => {
    const { webhook } = await hook(rx.url, 'Old');
    await book();
    await run();
    const at = t.clock.now();
    t.clock.advance(7 * DAY - 1);
    expect((await get(webhook.id)).stats).toMatchObject({ delivered: 1, successRate: 1 });
    t.clock.advance(2);
    const stats = (await get(webhook.id)).stats!;
    expect(stats).toMatchObject({ delivered: 0, failed: 0, pending: 0, successRate: null });
    expect(stats.lastDelivery).toMatchObject({ at, status: 'delivered', statusCode: 200 });
  });

  it('a 410 disables the webhook and says why; turning it off by hand gives no such reason', async () => {
    const { webhook } = await hook(rx.url, 'Gone');
    rx.replies.push(410);
    await book();
    await run();
    const [gone] = await list();
    expect(gone!.isActive).toBe(false);
    expect(gone!.disabledReason).toMatch(/410 Gone/);
    expect(gone!.stats!.lastDelivery).toMatchObject({ statusCode: 410, status: 'failed' });

    const { webhook: manual } = await hook(rx.url, 'Manual');
    await call(t.core, 'webhooks:update', {
      id: manual.id,
      name: 'Manual',
      url: rx.url,
      events: ['booking_created'],
      retryFailed: false,
      allowLocalTargets: true,
      isActive: false,
    });
    const off = await get(manual.id);
    expect(off.isActive).toBe(false);
    expect(off.disabledReason).toBeNull();
    // Switched back on: no reason any more, the figures stay.
    const back = await call<WebhookView>(t.core, 'webhooks:update', {
      id: webhook.id,
      name: 'Gone',
      url: rx.url,
      events: ['booking_created'],
      retryFailed: false,
      allowLocalTargets: true,
      isActive: true,
    });
    expect(back.disabledReason).toBeNull();
    expect(back.stats).toMatchObject({ failed: 1, successRate: 0 });
  });

  it('figures disappear with the webhook (its deliveries are deleted with it)', async () => {
    const { webhook } = await hook(rx.url, 'Deleted');
    await book();
    await run();
    await call(t.core, 'webhooks:delete', { id: webhook.id });
    expect(await list()).toEqual([]);
  });
});
