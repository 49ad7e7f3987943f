// Screenshots of every built page, light and dark, in its empty / loading / error / full states, saved to
// test-results/screenshots/<name>-<scheme>.png for review (they are artifacts, not golden images).
import type { Page, Route } from 'playwright-core';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Booking } from '../../shared/domain';
import { invoke, ORGANIZER_ZONE, screenshot, startHarness, type Harness } from './harness';

let h: Harness;
let page: Page;
const SCHEMES = ['light', 'dark'] as const;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.close();
});

async function shoot(name: string): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function open(path: string, h1: string, ready?: string): Promise<void> {
  await h.goto(path);
  await page.getByRole('heading', { name: h1, level: 1, exact: true }).waitFor();
  if (ready) await page.getByText(ready).first().waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

const PAGES: Array<[name: string, path: string, h1: string]> = [
  ['overview', '/integrations', 'Overview'],
  ['bookings', '/bookings', 'Bookings'],
  ['blocked-times', '/blocked-times', 'Blocked times'],
  ['logs', '/integrations/logs', 'Logs'],
  ['calendars', '/integrations/calendar', 'Calendars'],
  ['video', '/integrations/video', 'Video'],
  ['webhooks', '/integrations/webhooks', 'Webhooks'],
];

describe('screenshots', () => {
  test('empty states', async () => {
    const ready: Record<string, string> = {
      overview: 'No activity yet',
      bookings: 'No bookings yet',
      'blocked-times': 'No blocked times',
      logs: 'No log entries yet',
      calendars: 'No calendars connected',
      video: 'No video providers connected',
      webhooks: 'No webhooks yet',
    };
    for (const [name, path, h1] of PAGES) {
      await open(path, h1, ready[name]);
      await shoot(`${name}-empty`);
    }
    await open('/settings', 'Settings', 'Pause background jobs');
    await shoot('settings');
    await open('/integrations/health', 'Health', 'Not built yet');
    await shoot('not-built-health');
    await open('/integrations/connect/calendar/google', 'Connect Google Calendar', 'What Junction asks Google for');
    await shoot('connect-google-calendar');
    await open('/nowhere', 'Page not found');
    await shoot('not-found');
    expect(h.takeErrors()).toEqual([]);
  });

  test('loading states (IPC stalled)', async () => {
    const held: Route[] = [];
    await page.route('**/ipc/**', (route) => {
      held.push(route);
    });
    try {
      for (const [name, path, h1] of [...PAGES.slice(0, 4), ['settings', '/settings', 'Settings'] as const]) {
        await h.goto(path);
        await page.getByRole('heading', { name: h1, level: 1, exact: true }).waitFor();
        await page.locator('[aria-busy="true"]').first().waitFor();
        await shoot(`${name}-loading`);
      }
    } finally {
      await page.unroute('**/ipc/**');
      for (const r of held) await r.abort().catch(() => undefined);
    }
    h.takeErrors(); // aborted requests log network errors by design
  });

  test('error states (IPC failing)', async () => {
    const fail = (route: Route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'The database is busy (simulated failure).' } }),
      });
    await page.route('**/ipc/**', fail);
    try {
      for (const [name, path, h1] of [...PAGES, ['settings', '/settings', 'Settings'] as const]) {
        await open(path, h1, 'Retry');
        await shoot(`${name}-error`);
      }
    } finally {
      await page.unroute('**/ipc/**');
    }
    // The host gone: the shim's own words, and Retry recovers once it is back.
    await page.route('**/ipc/bookings:list', (route) => route.abort('connectionrefused'));
    await open('/bookings', 'Bookings', 'Retry');
    expect(await page.getByRole('alert').textContent()).toContain('not reachable');
    await shoot('bookings-unreachable');
    await page.unroute('**/ipc/bookings:list');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('No bookings yet').waitFor();
    h.takeErrors();
  });

  test('full states and dialogs', async () => {
    await seed(h);
    await open('/integrations', 'Overview', 'Token refresh failed for Zoom');
    await shoot('overview-full');
    await open('/bookings', 'Bookings', 'Quarterly planning');
    await shoot('bookings-full');
    await open('/blocked-times', 'Blocked times', 'Focus time');
    await shoot('blocked-times-full');
    await open('/integrations/logs', 'Logs', 'Token refresh failed for Zoom');
    await shoot('logs-full');

    // Dialogs.
    await open('/bookings', 'Bookings', 'Quarterly planning');
    await page.getByRole('button', { name: 'New booking' }).click();
    const create = page.getByRole('dialog', { name: 'New booking' });
    await create.waitFor();
    await shoot('bookings-create-dialog');
    await create.getByLabel('Attendee email').fill('nope');
    await create.getByLabel('End time').fill('08:00');
    await create.getByRole('button', { name: 'Create booking' }).click();
    await create.locator('.field-error').first().waitFor();
    await shoot('bookings-create-errors');
    await page.keyboard.press('Escape');
    await create.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Reschedule Quarterly planning' }).click();
    await page.getByRole('dialog', { name: 'Reschedule booking' }).waitFor();
    await shoot('bookings-reschedule-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Cancel Quarterly planning' }).click();
    await page.getByRole('dialog', { name: 'Cancel booking?' }).waitFor();
    await shoot('bookings-cancel-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Complete Quarterly planning' }).click();
    await page.getByText('marked as completed').waitFor();
    await shoot('bookings-toast');

    await open('/blocked-times', 'Blocked times', 'Focus time');
    await page.getByRole('button', { name: 'Block time' }).first().click();
    await page.getByRole('dialog', { name: 'Block time' }).waitFor();
    await shoot('blocked-times-create-dialog');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Delete Focus time' }).click();
    await page.getByRole('dialog', { name: 'Delete blocked time?' }).waitFor();
    await shoot('blocked-times-delete-dialog');
    await page.keyboard.press('Escape');

    // A narrow window: the sidebar folds above the content.
    await page.setViewportSize({ width: 640, height: 900 });
    await open('/integrations', 'Overview', 'Token refresh failed for Zoom');
    await shoot('overview-narrow');
    await open('/bookings', 'Bookings', 'Quarterly planning');
    await shoot('bookings-narrow');
    await page.setViewportSize({ width: 1280, height: 860 });

    // The theme setting overrides the system preference.
    await invoke(h.core, 'settings:update', { theme: 'dark' });
    await open('/settings', 'Settings', 'Pause background jobs');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'settings-theme-dark-on-light-system');
    await invoke(h.core, 'settings:update', { theme: 'system' });
    expect(h.takeErrors()).toEqual([]);
  });
});

async function seed(h: Harness): Promise<void> {
  const base = DateTime.now().setZone(ORGANIZER_ZONE).startOf('day').plus({ days: 1 });
  const at = (days: number, hour: number, minute = 0) => base.plus({ days }).set({ hour, minute });
  const bookings: Array<[string, string, string, DateTime, number, string?]> = [
    ['Quarterly planning', 'Grace Hopper', 'grace@example.com', at(0, 9), 60],
    ['Intro call', 'Alan Turing', 'alan@example.com', at(0, 11, 30), 30],
    ['Design review with the extended product, design and engineering group', 'Katherine Johnson', 'katherine.johnson@a-rather-long-domain.example.org', at(1, 14), 90],
    ['Tokyo partner sync', 'Yukihiro Matsumoto', 'matz@example.jp', at(2, 10), 45, 'Asia/Tokyo'],
    ['Hiring panel', 'Barbara Liskov', 'barbara@example.com', at(3, 16), 60],
    ['Retro', 'Edsger Dijkstra', 'edsger@example.com', at(4, 15), 45],
  ];
  const created: Booking[] = [];
  for (const [title, attendeeName, attendeeEmail, start, minutes, zone] of bookings) {
    const z = zone ?? ORGANIZER_ZONE;
    const s = zone ? DateTime.fromObject({ year: start.year, month: start.month, day: start.day, hour: start.hour, minute: start.minute }, { zone }) : start;
    created.push(
      await invoke<Booking>(h.core, 'bookings:create', {
        title,
        attendeeName,
        attendeeEmail,
        startUtc: s.toMillis(),
        endUtc: s.plus({ minutes }).toMillis(),
        timeZone: z,
      }),
    );
  }
  await invoke(h.core, 'bookings:complete', { id: created[4]!.id });
  await invoke(h.core, 'bookings:cancel', { id: created[5]!.id, reason: 'Moved' });

  await invoke(h.core, 'blocks:create', { title: 'Focus time', startUtc: at(0, 13).toMillis(), endUtc: at(0, 15).toMillis(), timeZone: ORGANIZER_ZONE });
  await invoke(h.core, 'blocks:create', { title: 'Lunch', startUtc: at(1, 12).toMillis(), endUtc: at(1, 13).toMillis(), timeZone: ORGANIZER_ZONE });
  await invoke(h.core, 'blocks:create', {
    title: 'Conference in Lisbon',
    startUtc: at(5, 0).toMillis(),
    endUtc: at(8, 0).toMillis(),
    timeZone: ORGANIZER_ZONE,
    allDay: true,
  });
  await invoke(h.core, 'blocks:create', { startUtc: at(2, 8).toMillis(), endUtc: at(2, 9).toMillis(), timeZone: 'America/New_York' });

  const logs = h.core.services.logs;
  await logs.append({ logType: 'calendar_sync', message: 'Synced 42 events from Google Calendar', success: true, integrationType: 'calendar' });
  await logs.append({ logType: 'video_link_created', message: 'Created a Zoom link for “Quarterly planning”', success: true, integrationType: 'video' });
  await logs.append({ logType: 'webhook_sent', message: 'Delivered booking.created to https://hooks.example.com/junction', success: true, integrationType: 'webhook' });
  await logs.append({ logType: 'webhook_sent', message: 'Delivery to https://hooks.example.com/junction failed: HTTP 503, retrying in 5 s', success: false, integrationType: 'webhook' });
  await logs.append({ logType: 'error', message: 'Token refresh failed for Zoom: invalid_grant', success: false, integrationType: 'video' });
}
