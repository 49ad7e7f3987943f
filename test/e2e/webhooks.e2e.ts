// The webhook pages (issue 5 item 7) in Chromium against the real core and a real receiver on 127.0.0.1:
// create a webhook from the page (URL checked as you type, secret shown once), send a test and see the answer,
// a booking makes a real delivery that appears in the log live, redeliver it and see the second attempt;
// a failing receiver and a 410 show their failed / disabled states; reveal and rotate the secret; delete.
// Every state is screenshotted light and dark to test-results/screenshots/webhooks-*.png.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Route } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Booking, WebhookCreated } from '../../shared/domain';
import { eventStreamOpen, invoke, screenshot, SCREENSHOT_DIR, startHarness, type Harness } from './harness';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: /ok answers 200 with a JSON body, /fail 500, /gone 410 Gone. */
class Receiver {
  readonly received: Received[] = [];
  base = '';
  readonly #server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/ok') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ received: true, by: 'e2e receiver' }));
      } else if (req.url === '/fail') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('receiver exploded: database locked');
      } else if (req.url === '/gone') {
        res.writeHead(410, { 'content-type': 'text/plain' });
        res.end('this endpoint was removed');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

let rx: Receiver;
let h: Harness;
let page: Page;
let secret = '';
let crmId = '';
let failingId = '';
const SCHEMES = ['light', 'dark'] as const;
const HOUR = 3_600_000;

beforeAll(async () => {
  rx = new Receiver();
  await rx.start();
  // The delivery worker runs for real (the harness keeps the scheduler off): a booking is delivered at once.
  h = await startHarness({ core: { webhooks: { startWorker: true, pollMs: 50, timeoutMs: 5_000 } } });
  page = h.page;
});
afterAll(async () => {
  await h?.close();
  await rx?.stop();
});

async function shoot(name: string): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `webhooks-${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Opens `path` with the event stream connected, so pushes after this reach the page. */
async function open(path: string, h1: string, ready?: string): Promise<void> {
  const stream = eventStreamOpen(page);
  await h.goto(path);
  await page.getByRole('heading', { name: h1, level: 1, exact: true }).waitFor();
  await stream;
  if (ready) await page.getByText(ready).first().waitFor();
}

let n = 0;
function book(): Promise<Booking> {
  n++;
  const start = Date.now() + (48 + n) * HOUR;
  return invoke<Booking>(h.core, 'bookings:create', {
    title: `Intro call ${n}`,
    attendeeName: 'Grace Hopper',
    attendeeEmail: 'grace@example.com',
    startUtc: start,
    endUtc: start + HOUR / 2,
    timeZone: 'Europe/Berlin',
    overrideBusy: true,
  });
}

const errorsExceptNetwork = () => h.takeErrors().filter((e) => !/Failed to load resource|net::ERR_/.test(e));

describe('webhook pages', () => {
  test('the list: empty, loading and error states', async () => {
    await open('/integrations/webhooks', 'Webhooks', 'No webhooks yet');
    expect(await page.getByRole('button', { name: 'Create webhook' }).count()).toBe(1);
    await shoot('list-empty');

    const held: Route[] = [];
    await page.route('**/ipc/webhooks:list', (route) => {
      held.push(route);
    });
    await h.goto('/integrations/webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('Loading webhooks…').waitFor();
    await shoot('list-loading');
    await page.unroute('**/ipc/webhooks:list');
    for (const r of held) await r.abort().catch(() => undefined);

    await page.route('**/ipc/webhooks:list', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'The database is busy (simulated failure).' } }),
      }),
    );
    await h.goto('/integrations/webhooks');
    await page.getByText('Webhooks could not be loaded').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('The database is busy');
    await shoot('list-error');
    await page.unroute('**/ipc/webhooks:list');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('No webhooks yet').waitFor();
    errorsExceptNetwork();
  });

  test('create from the page: the URL is checked as you type, Escape closes, the secret is shown once', async () => {
    await open('/integrations/webhooks', 'Webhooks', 'No webhooks yet');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a webhook' });
    await dialog.waitFor();
    // The name field has the focus; Escape closes without saving.
    expect(await page.evaluate('document.activeElement?.id')).toBe(await dialog.getByRole('textbox', { name: 'Name', exact: true }).getAttribute('id'));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('CRM receiver');
    const url = dialog.getByLabel('Endpoint URL');
    // As you type, without leaving the field: a scheme that is not https, then plain http without the opt-in.
    await url.pressSequentially('ftp://example.com/hook');
    await dialog.getByText('The URL must start with https://.').waitFor();
    await url.fill('');
    await url.pressSequentially(`${rx.base}/ok`);
    await dialog.getByText("Plain http:// is only allowed to a local address, with 'Allow local targets' turned on.").waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    // A reserved header is refused with the reason.
    await dialog.getByRole('button', { name: 'Add header' }).click();
    await dialog.getByLabel('Header 1 name').fill('Content-Type');
    await dialog.getByText('The header "Content-Type" is set by Junction or controls the connection, so it cannot be customised.').waitFor();
    await shoot('create-validation');

    await dialog.getByLabel('Header 1 name').fill('Authorization');
    await dialog.getByLabel('Value').fill('Bearer e2e-token');
    await dialog.getByLabel('Allow local targets').check();
    await dialog.getByText('Only for endpoints you run yourself.').waitFor();
    expect(await url.getAttribute('aria-invalid')).toBeNull();
    await dialog.getByLabel('Booking cancelled').check();
    // Enter submits.
    await url.press('Enter');
    const created = page.getByRole('dialog', { name: 'Webhook created' });
    await created.waitFor();
    secret = (await created.getByLabel('Signing secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await created.getByText('Junction shows it only this once').waitFor();
    await shoot('created-secret-once');
    await created.getByRole('button', { name: 'Done' }).click();
    await created.waitFor({ state: 'hidden' });

    const row = page.getByRole('row', { name: /CRM receiver/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${rx.base}/ok`);
    expect(await row.textContent()).toContain('Booking created');
    expect(await row.textContent()).toContain('Booking cancelled');
    expect(await row.textContent()).toContain('Active');
    expect(await row.textContent()).toContain('Never');
    // The secret is not on the page any more, and not in what the list channel answered.
    expect(await page.content()).not.toContain(secret);
    crmId = (await row.getByRole('link', { name: 'CRM receiver', exact: true }).getAttribute('href'))!.split('/').pop()!;

    // Server-side refusal (the SSRF guard: https to a loopback name), shown next to the URL in words.
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Local by name');
    await dialog.getByLabel('Endpoint URL').fill('https://localhost/hook');
    await dialog.getByRole('button', { name: 'Create webhook' }).click();
    await dialog.getByText('Junction will not send webhooks to a private or local address').waitFor();
    expect(await dialog.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    await shoot('create-server-error');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(errorsExceptNetwork()).toEqual([]);
  });

  test('Test on a row sends a signed test event and shows the answer', async () => {
    await open('/integrations/webhooks', 'Webhooks', 'CRM receiver');
    await page.getByRole('button', { name: 'Send a test to CRM receiver' }).click();
    const dialog = page.getByRole('dialog', { name: 'Test: CRM receiver' });
    await dialog.getByText('HTTP 200').waitFor();
    await dialog.getByText('The endpoint accepted the test event.').waitFor();
    await dialog.getByText('"received":true').waitFor();
    expect(await dialog.textContent()).toMatch(/\d+ ms/);
    const test = rx.at('/ok').at(-1)!;
    expect(JSON.parse(test.body)).toMatchObject({ type: 'webhook_test' });
    expect(test.headers.authorization).toBe('Bearer e2e-token');
    // Signed with the secret that was shown once.
    expect(() =>
      new Webhook(secret).verify(test.body, {
        'webhook-id': String(test.headers['webhook-id']),
        'webhook-timestamp': String(test.headers['webhook-timestamp']),
        'webhook-signature': String(test.headers['webhook-signature']),
      }),
    ).not.toThrow();
    await shoot('list-test-result');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    expect(errorsExceptNetwork()).toEqual([]);
  });

  test('a booking makes a real delivery that appears in the log live; redeliver it and see the second attempt', async () => {
    await open(`/integrations/webhooks/${crmId}`, 'CRM receiver', 'No deliveries yet');
    await shoot('detail-empty-log');
    const before = rx.at('/ok').length;
    await book();
    // The worker delivers; the push brings the row in without a reload.
    const log = page.getByRole('table', { name: 'Deliveries of CRM receiver' });
    const row = log.locator('tbody tr[data-delivery]').first();
    await row.locator('text=Delivered').waitFor();
    expect(rx.at('/ok').length).toBe(before + 1);
    const delivery = rx.at('/ok').at(-1)!;
    const webhookId = String(delivery.headers['webhook-id']);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'booking_created' });
    expect(await row.getAttribute('data-delivery')).toBe(webhookId);
    expect(await row.textContent()).toContain('Booking created');
    expect(await row.textContent()).toContain('HTTP 200');
    // The figures follow: 100 % over 7 days, last delivery delivered.
    const summary = page.getByRole('region', { name: 'Deliveries', exact: true });
    await summary.getByText('100 %').waitFor();

    await row.getByRole('button', { name: /^Show attempts of delivery Booking created/ }).click();
    const attempts = page.locator(`#wh-attempts-${webhookId}`);
    await attempts.getByText('Attempt 1').waitFor();
    await attempts.getByText('"received":true').waitFor();
    await shoot('detail-log');

    await row.getByRole('button', { name: /^Redeliver delivery Booking created/ }).click();
    await attempts.getByText('Attempt 2').waitFor();
    expect(rx.at('/ok').length).toBe(before + 2);
    // Same webhook-id on the repeat, so a receiver can dedupe.
    expect(rx.at('/ok').at(-1)!.headers['webhook-id']).toBe(webhookId);
    await row.locator('td[data-label="Attempts"]', { hasText: '2' }).waitFor();
    await row.locator('text=Delivered').waitFor();
    await shoot('detail-redelivered');
    expect(errorsExceptNetwork()).toEqual([]);
  });

  test('secret: Reveal shows it, Rotate shows the new one once with the end of the grace period', async () => {
    await open(`/integrations/webhooks/${crmId}`, 'CRM receiver');
    const card = page.getByRole('region', { name: 'Signing secret' });
    expect(await card.getByLabel('Signing secret, hidden').textContent()).toBe(`whsec_…${secret.slice(-4)}`);
    await card.getByRole('button', { name: 'Reveal' }).click();
    await card.getByLabel('Signing secret', { exact: true }).waitFor();
    expect(await card.getByLabel('Signing secret', { exact: true }).textContent()).toBe(secret);
    await shoot('secret-revealed');
    await card.getByRole('button', { name: 'Hide' }).click();
    expect(await page.content()).not.toContain(secret);

    await card.getByRole('button', { name: 'Rotate secret…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await dialog.getByLabel('Grace period').selectOption('24');
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    const done = page.getByRole('dialog', { name: 'Secret rotated' });
    await done.waitFor();
    const fresh = (await done.getByLabel('New signing secret').textContent()) ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    expect(await done.textContent()).toMatch(/The previous secret also signs deliveries until \d+ \w+ \d{4}, \d\d:\d\d:\d\d/);
    await shoot('secret-rotated');
    await done.getByRole('button', { name: 'Done' }).click();
    await card.getByText(`whsec_…${fresh.slice(-4)}`).waitFor();
    secret = fresh;
    expect(errorsExceptNetwork()).toEqual([]);
  });

  test('a failing receiver shows failed deliveries; a 410 disables the webhook and says why', async () => {
    const failing = await invoke<WebhookCreated>(h.core, 'webhooks:create', {
      name: 'Flaky spreadsheet',
      url: `${rx.base}/fail`,
      events: ['booking_created'],
      retryFailed: false,
      maxRetries: 0,
      allowLocalTargets: true,
    });
    const gone = await invoke<WebhookCreated>(h.core, 'webhooks:create', {
      name: 'Old Zapier hook',
      url: `${rx.base}/gone`,
      events: ['booking_created', 'booking_cancelled', 'booking_rescheduled', 'booking_completed', 'notification_sent'],
      retryFailed: true,
      maxRetries: 5,
      allowLocalTargets: true,
    });
    await open('/integrations/webhooks', 'Webhooks', 'Flaky spreadsheet');
    await book();
    const flaky = page.getByRole('row', { name: /Flaky spreadsheet/ });
    const zap = page.getByRole('row', { name: /Old Zapier hook/ });
    // Live: the list reloads as the deliveries land.
    await flaky.getByText('0 %').waitFor();
    await flaky.getByText('HTTP 500').waitFor();
    await zap.getByText('Disabled', { exact: true }).waitFor();
    await zap.getByText(/410 Gone/).first().waitFor();
    await page.getByRole('row', { name: /CRM receiver/ }).getByText('100 %').waitFor();
    await shoot('list-full');

    failingId = failing.webhook.id;
    await open(`/integrations/webhooks/${failing.webhook.id}`, 'Flaky spreadsheet');
    const log = page.getByRole('table', { name: 'Deliveries of Flaky spreadsheet' });
    const row = log.locator('tbody tr[data-delivery]').first();
    await row.getByText('Failed', { exact: true }).waitFor();
    expect(await row.textContent()).toContain('HTTP 500');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('failed');
    await row.getByText('Failed', { exact: true }).waitFor();
    // The event filter: this webhook only gets booking_created, so "Booking cancelled" is empty and says so.
    await page.getByRole('combobox', { name: 'Event' }).selectOption('booking_cancelled');
    await page.getByText('No failed deliveries for “Booking cancelled”').waitFor();
    await shoot('detail-filter-empty');
    await page.getByRole('combobox', { name: 'Event' }).selectOption('booking_created');
    await row.getByText('Failed', { exact: true }).waitFor();
    await row.getByRole('button', { name: /^Show attempts of delivery/ }).click();
    await page.getByText('receiver exploded: database locked').waitFor();
    await shoot('detail-failed');

    // Redeliver selected: it fails again, as a second attempt.
    const before = rx.at('/fail').length;
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Redeliver selected (1)' }).click();
    await page.getByText('One delivery queued again').waitFor();
    await page.getByText('Attempt 2').waitFor();
    expect(rx.at('/fail').length).toBe(before + 1);
    // And all failed at once.
    await page.getByRole('button', { name: 'Redeliver all failed' }).click();
    await page.getByText('Attempt 3').waitFor();
    expect(rx.at('/fail').length).toBe(before + 2);

    await open(`/integrations/webhooks/${gone.webhook.id}`, 'Old Zapier hook');
    await page.getByText('This webhook is disabled').waitFor();
    await page.getByRole('note').getByText(/410 Gone/).waitFor();
    await page.getByRole('button', { name: 'Turn on again' }).waitFor();
    await shoot('detail-disabled-410');
    expect(errorsExceptNetwork()).toEqual([]);
  });

  test('the configuration page: edit and save, Send test, loading, error and not-found states', async () => {
    await open(`/integrations/webhooks/${crmId}`, 'CRM receiver');
    const form = page.getByRole('form', { name: 'Webhook settings' });
    await form.getByLabel('Max retries').fill('11');
    await form.getByText('Max retries can be at most 10.').waitFor();
    await form.getByLabel('Max retries').fill('5');
    await form.getByLabel('Booking rescheduled').check();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Webhook saved').waitFor();
    const saved = await invoke<{ maxRetries: number; events: string[] }>(h.core, 'webhooks:get', { id: crmId });
    expect(saved.maxRetries).toBe(5);
    expect(saved.events).toContain('booking_rescheduled');
    await form.getByRole('button', { name: 'Send test' }).click();
    await form.getByRole('status', { name: 'Test result' }).getByText('HTTP 200').waitFor();
    await shoot('detail-full');

    const held: Route[] = [];
    await page.route('**/ipc/webhooks:get', (route) => {
      held.push(route);
    });
    await h.goto(`/integrations/webhooks/${crmId}`);
    await page.getByRole('heading', { name: 'Webhook', level: 1 }).waitFor();
    await page.getByText('Loading the webhook…').waitFor();
    await shoot('detail-loading');
    await page.unroute('**/ipc/webhooks:get');
    for (const r of held) await r.abort().catch(() => undefined);

    await page.route('**/ipc/webhooks:get', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'The database is busy (simulated failure).' } }),
      }),
    );
    await h.goto(`/integrations/webhooks/${crmId}`);
    await page.getByText('This webhook could not be loaded').waitFor();
    await shoot('detail-error');
    await page.unroute('**/ipc/webhooks:get');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('heading', { name: 'CRM receiver', level: 1 }).waitFor();

    await h.goto('/integrations/webhooks/00000000-0000-4000-8000-000000000000');
    await page.getByText('This webhook no longer exists').waitFor();
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    errorsExceptNetwork();
  });

  test('a narrow window: the list and the log become cards, nothing overflows sideways', async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    try {
      await open('/integrations/webhooks', 'Webhooks', 'Flaky spreadsheet');
      await shoot('narrow-list');
      await open(`/integrations/webhooks/${failingId}`, 'Flaky spreadsheet');
      const row = page.locator('tbody tr[data-delivery]').first();
      await row.getByRole('button', { name: /^Show attempts of delivery/ }).click();
      await page.getByText('Attempt 1').waitFor();
      await shoot('narrow-detail');
      await page.getByRole('region', { name: 'Delivery log' }).screenshot({ path: `${SCREENSHOT_DIR}/webhooks-narrow-log-light.png`, animations: 'disabled' });
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBe(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
    expect(errorsExceptNetwork()).toEqual([]);
  });

  test('delete asks first, then the webhook and its log are gone', async () => {
    await open(`/integrations/webhooks/${crmId}`, 'CRM receiver');
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “CRM receiver”?' });
    await dialog.getByRole('button', { name: 'Keep webhook' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete…' }).click();
    await shoot('delete-confirm');
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await page.waitForURL('**/integrations/webhooks');
    await page.getByText('Webhook “CRM receiver” deleted').waitFor();
    expect(await page.getByRole('row', { name: /CRM receiver/ }).count()).toBe(0);
    const left = await invoke<{ items: unknown[] }>(h.core, 'webhooks:deliveries', { webhookId: crmId });
    expect(left.items).toEqual([]);
    expect(errorsExceptNetwork()).toEqual([]);
  });
});
