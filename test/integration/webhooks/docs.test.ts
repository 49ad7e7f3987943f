// Keeps docs/webhooks.md honest (issue 5 item 2): the five events, produced by a real core, are delivered to the
// documented receiver example (docs/webhooks/receiver-example.mjs), which accepts them and refuses what it must;
// every delivered body and every example body in the markdown validates against docs/webhooks/payload.schema.json
// with a real JSON Schema validator (ajv, draft 2020-12).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Booking, Page, WebhookCreated, WebhookDeliveryView, WebhookTestResult } from '../../../shared/domain';
import { createHandler, startReceiver, type ReceivedEvent } from '../../../docs/webhooks/receiver-example.mjs';
import { PAYLOAD_VERSION } from '../../../main/webhooks/outbox';
import { DEFAULT_SCHEDULE_MS } from '../../../main/webhooks/delivery';
import { generateWebhookSecret, webhookHeaders } from '../../../main/webhooks/signing';
import { WEBHOOK_EVENTS } from '../../../main/webhooks/validation';
import { call, makeCore, type TestCore } from '../../support/core';

const docPath = (p: string): string => fileURLToPath(new URL(`../../../docs/${p}`, import.meta.url));
const schema = JSON.parse(readFileSync(docPath('webhooks/payload.schema.json'), 'utf8')) as {
  oneOf: { $ref: string }[];
  $defs: Record<string, { properties?: { type?: { const?: string } } }> & { version: { const: number } };
};
const markdown = readFileSync(docPath('webhooks.md'), 'utf8');

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);
/** The ajv errors, so a failing expectation says what is wrong. */
const schemaErrors = (payload: unknown): string | null =>
  validate(payload) ? null : ajv.errorsText(validate.errors, { separator: '\n' });

const TYPES = [...WEBHOOK_EVENTS, 'webhook_test'];
const HOUR = 3_600_000;

/** A plain http.Server whose handler is set once the webhook's secret is known (the URL must exist first). */
class Host {
  handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  readonly statuses: number[] = [];
  readonly #server = http.createServer((req, res) => {
    res.on('finish', () => this.statuses.push(res.statusCode));
    this.handler(req, res);
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks/junction`;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

describe('docs/webhooks.md, its schema and its receiver example', () => {
  let t: TestCore;
  let host: Host;

  beforeEach(async () => {
    host = new Host();
    await host.start();
    t = await makeCore({ startScheduler: false, webhooks: { startWorker: false, timeoutMs: 2_000, random: () => 0.5 } });
    // The receiver example checks webhook-timestamp against the real clock.
    t.clock.set(Date.now());
  });
  afterEach(async () => {
    await t.close();
    await host.stop();
  });

  it('the five events, produced for real, are accepted by the receiver example and match the schema', async () => {
    const { webhook, secret } = await call<WebhookCreated>(t.core, 'webhooks:create', {
      name: 'Docs receiver',
      url: host.url,
      events: [...WEBHOOK_EVENTS],
      retryFailed: true,
      maxRetries: 3,
      allowLocalTargets: true,
    });
    const received: ReceivedEvent[] = [];
    host.handler = createHandler({ secret, onEvent: (e) => received.push(e) });

    let n = 0;
    const book = (notes?: string): Promise<Booking> => {
      n++;
      const start = t.clock.now() + (24 + n) * HOUR;
      return call<Booking>(t.core, 'bookings:create', {
        title: `Intro ${n}`,
        attendeeName: 'Ada Lovelace',
        attendeeEmail: 'ada@example.com',
        startUtc: start,
        endUtc: start + HOUR / 2,
        timeZone: 'Europe/Paris',
        ...(notes ? { notes } : {}),
        overrideBusy: true,
      });
    };
    const moved = await book('Spring course');
    const cancelled = await book();
    const completed = await book();
    await call(t.core, 'bookings:reschedule', {
      id: moved.id,
      startUtc: moved.startUtc + HOUR,
      endUtc: moved.endUtc + HOUR,
      timeZone: 'America/New_York',
      overrideBusy: true,
    });
    await call(t.core, 'bookings:cancel', { id: cancelled.id, reason: 'ill' });
    await call(t.core, 'bookings:complete', { id: completed.id });
    await t.core.accounts.notificationService.notify({ kind: 'integration_disconnected', severity: 'error', title: 'Gone', body: 'Reconnect it' });
    await t.core.services.webhookDelivery.runDue();

    // Delivered on the first attempt: the example answered 2xx to every one.
    const log = await call<Page<WebhookDeliveryView>>(t.core, 'webhooks:deliveries', { webhookId: webhook.id });
    expect(log.items).toHaveLength(7);
    for (const d of log.items) expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(host.statuses).toEqual(Array(7).fill(200));

    // Each delivery reached onEvent once, under its webhook-id, and every payload matches the schema.
    expect(received.map((e) => e.id).sort()).toEqual(log.items.map((d) => d.id).sort());
    for (const { payload } of received) expect(schemaErrors(payload), payload.type).toBeNull();
    expect(new Set(received.map((e) => e.payload.type))).toEqual(new Set(WEBHOOK_EVENTS));

    // What the markdown says about the contents.
    const of = (type: string) => received.filter((e) => e.payload.type === type).map((e) => e.payload);
    for (const p of received.map((e) => e.payload)) {
      expect(p.version).toBe(1);
      expect(new Date(p.timestamp).toISOString()).toBe(p.timestamp);
    }
    for (const p of [...of('booking_created'), ...of('booking_rescheduled'), ...of('booking_cancelled'), ...of('booking_completed')]) {
      const b = (p.data as { booking: Booking }).booking;
      expect(b.updatedAt).toBe(Date.parse(p.timestamp));
    }
    const [resched] = of('booking_rescheduled') as { data: { booking: Booking; old: object; new: object } }[];
    expect(resched!.data.old).toEqual({ startUtc: moved.startUtc, endUtc: moved.endUtc, timeZone: 'Europe/Paris' });
    expect(resched!.data.new).toEqual({ startUtc: moved.startUtc + HOUR, endUtc: moved.endUtc + HOUR, timeZone: 'America/New_York' });
    expect(resched!.data.booking).toMatchObject({ id: moved.id, ...resched!.data.new, status: 'scheduled', notes: 'Spring course' });
    expect((of('booking_cancelled')[0]!.data as { booking: Booking }).booking).toMatchObject({ id: cancelled.id, status: 'cancelled', cancelReason: 'ill' });
    expect((of('booking_completed')[0]!.data as { booking: Booking }).booking).toMatchObject({ id: completed.id, status: 'completed' });
    const [note] = of('notification_sent') as { timestamp: string; data: { notification: Record<string, unknown> } }[];
    expect(note!.data.notification).toMatchObject({ kind: 'integration_disconnected', severity: 'error', readAt: null, createdAt: Date.parse(note!.timestamp) });

    // Test: a webhook_test payload, accepted, matching the schema, not in the log.
    const test = await call<WebhookTestResult>(t.core, 'webhooks:test', { id: webhook.id });
    expect(test).toMatchObject({ statusCode: 200, responseExcerpt: 'ok', error: null });
    const testEvent = received.at(-1)!;
    expect(testEvent.payload).toMatchObject({ type: 'webhook_test', data: { webhookId: webhook.id } });
    expect(schemaErrors(testEvent.payload)).toBeNull();
    expect((await call<Page<WebhookDeliveryView>>(t.core, 'webhooks:deliveries', {})).items).toHaveLength(7);

    // Redeliver: same webhook-id, so the example answers 2xx without handling it twice.
    const again = log.items[0]!;
    await call(t.core, 'webhooks:redeliver', { ids: [again.id] });
    await t.core.services.webhookDelivery.runDue();
    const after = (await call<Page<WebhookDeliveryView>>(t.core, 'webhooks:deliveries', { webhookId: webhook.id })).items.find((d) => d.id === again.id)!;
    expect(after.status).toBe('delivered');
    expect(after.attemptLog.map((a) => [a.attempt, a.statusCode, a.responseExcerpt])).toEqual([
      [2, 200, 'duplicate'],
      [1, 200, 'ok'],
    ]);
    expect(received.filter((e) => e.id === again.id)).toHaveLength(1);

    // Rotation: the example still holds the OLD secret and accepts the second v1 signature.
    await call(t.core, 'webhooks:rotateSecret', { id: webhook.id, graceHours: 24 });
    await book();
    await t.core.services.webhookDelivery.runDue();
    expect(received.at(-1)!.payload.type).toBe('booking_created');
    expect(schemaErrors(received.at(-1)!.payload)).toBeNull();
    expect(host.statuses.at(-1)).toBe(200);
  });

  it('the receiver example refuses a tampered body, a wrong secret and a 6-minute-old timestamp, as standardwebhooks does', async () => {
    const secret = generateWebhookSecret();
    const seen: ReceivedEvent[] = [];
    const server = await startReceiver({ secret, port: 0, onEvent: (e) => seen.push(e) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const body = JSON.stringify({ type: 'webhook_test', version: 1, timestamp: new Date().toISOString(), data: { webhookId: 'w', message: 'hi' } });
      const now = Math.floor(Date.now() / 1000);
      const sign = (o: { id?: string; timestamp?: number; secrets?: string[]; body?: string } = {}) =>
        webhookHeaders({ id: o.id ?? 'msg_docs-1', timestamp: o.timestamp ?? now, body: o.body ?? body, secrets: o.secrets ?? [secret] });
      const independent = (headers: Record<string, string>, sent: string): boolean => {
        try {
          new Webhook(secret).verify(sent, headers);
          return true;
        } catch {
          return false;
        }
      };

      const cases: { name: string; headers: Record<string, string>; body: string; status: number }[] = [
        { name: 'valid', headers: sign(), body, status: 200 },
        { name: 'tampered body', headers: sign({ id: 'msg_docs-2' }), body: body.replace('"hi"', '"hI"'), status: 401 },
        { name: 'wrong secret', headers: sign({ id: 'msg_docs-3', secrets: [generateWebhookSecret()] }), body, status: 401 },
        { name: '6 minutes old', headers: sign({ id: 'msg_docs-4', timestamp: now - 6 * 60 }), body, status: 401 },
        { name: '6 minutes ahead', headers: sign({ id: 'msg_docs-5', timestamp: now + 6 * 60 }), body, status: 401 },
        { name: '4 minutes old', headers: sign({ id: 'msg_docs-6', timestamp: now - 4 * 60 }), body, status: 200 },
        { name: 'rotation, matching signature second', headers: sign({ id: 'msg_docs-7', secrets: [generateWebhookSecret(), secret] }), body, status: 200 },
      ];
      for (const c of cases) {
        const res = await post(url, c.headers, c.body);
        expect(res.status, c.name).toBe(c.status);
        expect(independent(c.headers, c.body), `standardwebhooks on "${c.name}"`).toBe(c.status === 200);
      }
      const { 'webhook-signature': _sig, ...unsigned } = sign({ id: 'msg_docs-8' });
      expect((await post(url, unsigned, body)).status).toBe(401);

      // A repeat of a handled webhook-id (a retry, a redelivery: fresh timestamp and signature) is 2xx, handled once.
      const repeat = await post(url, sign({ timestamp: now + 1 }), body);
      expect(repeat).toEqual({ status: 200, text: 'duplicate' });
      expect(seen.map((e) => e.id)).toEqual(['msg_docs-1', 'msg_docs-6', 'msg_docs-7']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('every example body in the markdown validates against the schema, one per type', () => {
    const fences = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as { type: string });
    expect(fences.map((f) => f.type).sort()).toEqual([...TYPES].sort());
    for (const f of fences) expect(schemaErrors(f), f.type).toBeNull();
    for (const type of TYPES) expect(markdown).toContain(`### \`${type}\``);
  });

  it('the schema agrees with the code and is not vacuous', () => {
    expect(schema.$defs.version.const).toBe(PAYLOAD_VERSION);
    expect(schema.oneOf.map((r) => r.$ref.replace('#/$defs/', '')).sort()).toEqual([...TYPES].sort());
    for (const type of TYPES) expect(schema.$defs[type]?.properties?.type?.const).toBe(type);
    // The retry table in the markdown lists DEFAULT_SCHEDULE_MS.
    expect(DEFAULT_SCHEDULE_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    for (const row of ['| 2 | 5 seconds |', '| 3 | 5 minutes |', '| 4 | 30 minutes |', '| 5 | 2 hours |', '| 6 | 5 hours |', '| 7 | 10 hours |', '| 8 and later | 10 hours each |']) {
      expect(markdown).toContain(row);
    }

    const example = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)]
      .map((m) => JSON.parse(m[1]!) as { type: string; version: number; data: { booking: Record<string, unknown> } })
      .find((f) => f.type === 'booking_created')!;
    const variant = (f: (p: typeof example) => void) => {
      const p = structuredClone(example);
      f(p);
      return p;
    };
    expect(schemaErrors(example)).toBeNull();
    expect(schemaErrors(variant((p) => (p.version = 2)))).not.toBeNull();
    expect(schemaErrors(variant((p) => (p.type = 'booking_deleted')))).not.toBeNull();
    expect(schemaErrors(variant((p) => (p.data.booking.status = 'cancelled')))).not.toBeNull();
    expect(schemaErrors(variant((p) => (p.data.booking.cancelledBy = 'attendee')))).not.toBeNull();
    expect(schemaErrors(variant((p) => delete p.data.booking.notes))).not.toBeNull();
    expect(schemaErrors(variant((p) => (p.data.booking.startUtc = '2026-01-06T09:00:00Z')))).not.toBeNull();
  });
});
