// Calendar sync for real, in Chromium: connect Google by clicking, press Sync now on the Sync status page and
// watch the progress reach done (a real multi-page sync from the Google Calendar emulator through the scheduler),
// then try to book over a synced event and see the warning name it.
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Booking, Page as ListPage } from '../../shared/domain';
import { type GoogleCalendarEmulator, startGoogleCalendarEmulator } from '../emulators/google-calendar';
import { junctionEnvFor } from '../emulators/oauth';
import { type Harness, invoke, ORGANIZER_ZONE, screenshot, startHarness } from './harness';

let cal: GoogleCalendarEmulator;
let h: Harness;
let page: Page;
const day = DateTime.now().setZone(ORGANIZER_ZONE).plus({ days: 2 }).startOf('day');
const dayIso = day.toISODate()!;

beforeAll(async () => {
  cal = await startGoogleCalendarEmulator();
  h = await startHarness({
    core: { env: { ...junctionEnvFor({ google: cal.oauth }), JUNCTION_GOOGLE_API_ROOT: cal.apiRoot } },
    onHost: (host) => cal.oauth.addRedirectUri(cal.oauth.clients[0]!.clientId, `${host.url}/oauth/callback`),
  });
  page = h.page;
  // 2,600 events: more than one page of 2,500, so the progress has something to show.
  const email = cal.oauth.accounts[0]!.email;
  const events = [];
  for (let i = 0; i < 2600; i++) {
    const start = day.plus({ days: 3, minutes: i * 30 });
    events.push({
      id: `e2e${i.toString(32).padStart(5, '0')}`,
      summary: `Imported ${i}`,
      start: { dateTime: start.toISO()! },
      end: { dateTime: start.plus({ minutes: 20 }).toISO()! },
    });
  }
  events.push({
    id: 'boardmeeting01',
    summary: 'Board meeting',
    start: { dateTime: day.set({ hour: 10 }).toISO()! },
    end: { dateTime: day.set({ hour: 11 }).toISO()! },
  });
  cal.seed(email, events);
  h.core.scheduler.start();
}, 60_000);

afterAll(async () => {
  await h?.close();
  await cal?.close();
});

describe('calendar sync from the page', () => {
  test('connect Google, Sync now, the progress reaches done and the busy times are stored', async () => {
    await h.goto('/integrations/connect/calendar/google');
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await page.waitForURL((u) => u.origin === cal.oauth.url);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.pathname === '/integrations/callback');
    await page.locator('.result-title').waitFor();

    // The first sync (queued by the connect) runs in the background; Sync now then finds nothing new.
    await h.goto('/integrations/sync-status');
    const email = cal.oauth.accounts[0]!.email;
    await page.getByRole('button', { name: `Sync Google Calendar ${email} now` }).click();
    await page.getByRole('progressbar', { name: /^Sync complete: \d+ events processed$/ }).waitFor({ timeout: 30_000 });
    // Force a full sync from the calendar's page and watch it go through both pages to done.
    await page.getByRole('link', { name: 'Calendar details and history' }).click();
    await page.getByRole('button', { name: 'Force full sync' }).click();
    await page.getByRole('progressbar', { name: 'Sync complete: 2601 events processed' }).waitFor({ timeout: 30_000 });
    expect(await page.getByText('2 pages · 2601 events').count()).toBe(1);
    await screenshot(page, 'calendar-detail-full-sync-done-light');
    const stored = await h.core.db
      .selectFrom('blocked_times')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'synced')
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(2601);
    expect(h.takeErrors().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  test('booking over a synced event warns and names it; nothing is booked without the override', async () => {
    await h.goto('/bookings');
    await page.getByRole('button', { name: 'New booking' }).first().click();
    const d = page.getByRole('dialog', { name: 'New booking' });
    await d.waitFor();
    await d.getByLabel('Title').fill('Strategy call');
    await d.getByLabel('Attendee name').fill('Grace Hopper');
    await d.getByLabel('Attendee email').fill('grace@example.com');
    await d.getByLabel('Date').fill(dayIso);
    await d.getByLabel('Start time').fill('10:30');
    await d.getByLabel('End time').fill('11:30');
    await d.getByRole('button', { name: 'Create booking' }).click();
    const warning = d.locator('.busy-warning');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Board meeting');
    await screenshot(page, 'bookings-busy-synced-event-light');
    const booked = (await invoke<ListPage<Booking>>(h.core, 'bookings:list', {})).items.filter((b) => b.title === 'Strategy call');
    expect(booked).toEqual([]);
  });
});
