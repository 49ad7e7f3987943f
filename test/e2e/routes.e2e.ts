// Every route of DESIGN.md §8 renders, by full load and by client-side navigation, with no console errors.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.close();
});

const id = randomUUID();
/** Path → the page's h1 and a phrase that proves the right page rendered. */
const ROUTES: Array<[path: string, h1: string, text: string]> = [
  ['/', 'Overview', 'Recent activity'],
  ['/integrations', 'Overview', 'Recent activity'],
  ['/integrations/calendar', 'Calendars', 'No calendars connected'],
  [`/integrations/calendar/${id}`, 'Calendar', 'This calendar could not be loaded'],
  [`/integrations/calendar/${id}/settings`, 'Calendar settings', 'These settings could not be loaded'],
  ['/integrations/video', 'Video', 'No video providers connected'],
  [`/integrations/video/${id}`, 'Video integration', 'Not built yet'],
  [`/integrations/video/${id}/settings`, 'Video settings', 'Not built yet'],
  ['/integrations/webhooks', 'Webhooks', 'No webhooks yet'],
  [`/integrations/webhooks/${id}`, 'Webhook', 'This webhook no longer exists'],
  ['/integrations/connect', 'Connect an account', 'What do you want to connect?'],
  ['/integrations/connect/google', 'Connect Google', 'Google Meet'],
  ['/integrations/connect/calendar/outlook', 'Connect Outlook', 'What Junction asks Microsoft for'],
  ['/integrations/connect/video/zoom', 'Connect Zoom', 'What Junction asks Zoom for'],
  ['/settings/providers', 'Settings', 'Client id'],
  ['/integrations/callback', 'Finishing sign-in', 'Nothing was connected'],
  ['/integrations/health', 'Health', 'Not built yet'],
  ['/integrations/logs', 'Logs', 'No log entries yet'],
  ['/integrations/conflicts', 'Conflicts', 'Not built yet'],
  ['/integrations/sync-status', 'Sync status', 'Nothing to sync yet'],
  ['/bookings', 'Bookings', 'No bookings yet'],
  ['/blocked-times', 'Blocked times', 'No blocked times'],
  ['/settings', 'Settings', 'Pause background jobs'],
  ['/no/such/page', 'Page not found', 'There is no page at this address'],
];

async function expectPage(h1: string, text: string) {
  await page.getByRole('heading', { name: h1, level: 1, exact: true }).waitFor();
  await page.getByText(text, { exact: false }).first().waitFor();
  // Let any pending IPC settle so late errors are caught too.
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

describe('every route', () => {
  test.each(ROUTES)('%s renders by full page load', async (path, h1, text) => {
    await h.goto(path);
    await expectPage(h1, text);
    expect(new URL(page.url()).pathname).toBe(path);
    expect(h.takeErrors()).toEqual([]);
  });

  test.each(ROUTES)('%s renders by client-side navigation', async (path, h1, text) => {
    await h.goto('/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await h.pushPath(path);
    await expectPage(h1, text);
    expect(h.takeErrors()).toEqual([]);
  });

  test('every sidebar link leads to its page', async () => {
    await h.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const links: Array<[string, string, string]> = [
      ['Bookings', '/bookings', 'Bookings'],
      ['Blocked times', '/blocked-times', 'Blocked times'],
      ['Calendars', '/integrations/calendar', 'Calendars'],
      ['Video', '/integrations/video', 'Video'],
      ['Webhooks', '/integrations/webhooks', 'Webhooks'],
      ['Conflicts', '/integrations/conflicts', 'Conflicts'],
      ['Sync status', '/integrations/sync-status', 'Sync status'],
      ['Health', '/integrations/health', 'Health'],
      ['Logs', '/integrations/logs', 'Logs'],
      ['Settings', '/settings', 'Settings'],
      ['Overview', '/integrations', 'Overview'],
    ];
    for (const [label, path, h1] of links) {
      const link = nav.getByRole('link', { name: label, exact: true });
      await link.click();
      await page.waitForURL(`**${path}`);
      await page.getByRole('heading', { name: h1, level: 1, exact: true }).waitFor();
      expect(await link.getAttribute('aria-current')).toBe('page');
      expect(await nav.locator('[aria-current="page"]').count()).toBe(1);
    }
    expect(h.takeErrors()).toEqual([]);
  });

  test('the renderer runs under the host CSP (no violations) and the title follows the page', async () => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await h.goto('/bookings');
    await page.getByRole('heading', { name: 'Bookings', level: 1 }).waitFor();
    expect(await page.title()).toBe('Bookings · Junction');
    expect(violations).toEqual([]);
    expect(h.takeErrors()).toEqual([]);
  });
});
