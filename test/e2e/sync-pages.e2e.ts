// Sync pages (sync status, calendar detail and settings), the sidebar indicator, "Find a free time" and the busy
// warning, through the real UI. Screenshots light and dark: empty, loading, error, full.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Booking, Page as ListPage } from '../../shared/domain';
import { eventStreamOpen, invoke, ORGANIZER_ZONE, screenshot, startHarness, type Harness } from './harness';

const HOUR = 3_600_000;
const dialog = (page: Page, name: string) => page.getByRole('dialog', { name });

/** Three calendar accounts: one healthy with two calendars, one failing, one with sync off. */
async function seedCalendars(h: Harness): Promise<{ google: string; outlook: string; apple: string }> {
  const organizerId = (await h.core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;
  const now = Date.now();
  const ids = { google: randomUUID(), outlook: randomUUID(), apple: randomUUID() };
  const common = (id: string) => ({ id, organizer_id: organizerId, provider_user_id: null, calendar_id: null, sync_token: null, created_at: now - 72 * HOUR, updated_at: now });
  // One row at a time: a multi-row insert would write NULL (not the default) into columns other rows set.
  const rows = [
      { ...common(ids.google), provider: 'google', access_token: null, refresh_token: null, token_expires_at: now + HOUR, provider_email: 'ada@gmail.example', last_sync_at: now - 4 * 60_000, scopes: '[]' },
      {
        ...common(ids.outlook),
        provider: 'outlook',
        access_token: null,
        refresh_token: null,
        token_expires_at: now + HOUR,
        provider_email: 'ada@contoso.example',
        last_sync_at: now - 5 * HOUR,
        sync_errors: 3,
        status_reason: 'Outlook answered 503 (service unavailable) three times in a row.',
      },
      { ...common(ids.apple), provider: 'apple', access_token: null, refresh_token: null, token_expires_at: null, provider_email: 'ada@icloud.example', last_sync_at: null, server_url: 'https://caldav.icloud.com', sync_enabled: 0 },
  ] as const;
  for (const row of rows) await h.core.db.insertInto('calendar_integrations').values(row).execute();
  for (const src of [
    { id: randomUUID(), integration_id: ids.google, external_calendar_id: 'primary', name: 'Ada Lovelace', is_primary: 1, selected: 1, last_sync_at: now - 4 * 60_000, created_at: now, updated_at: now },
    { id: randomUUID(), integration_id: ids.google, external_calendar_id: 'team@group.calendar.example', name: 'Team', is_primary: 0, selected: 0, last_sync_at: null, created_at: now, updated_at: now },
  ])
    await h.core.db.insertInto('calendar_sources').values(src).execute();
  const log = (message: string, success: boolean) =>
    h.core.services.logs.append({ logType: 'calendar_sync', integrationType: 'calendar', integrationId: ids.google, message, success });
  await log('Full sync of Ada Lovelace: 1,612 events, 214 busy times', true);
  await log('Google answered 503 (service unavailable); retried after 30 s', false);
  await log('Incremental sync of Ada Lovelace: 3 changes', true);
  return ids;
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`sync pages (${scheme})`, () => {
    let h: Harness;
    let page: Page;
    beforeAll(async () => {
      h = await startHarness({ colorScheme: scheme });
      page = h.page;
    });
    afterAll(async () => {
      await h?.close();
    });

    test('empty, loading and error states', async () => {
      await h.goto('/integrations/sync-status');
      await page.getByRole('heading', { name: 'Nothing to sync yet' }).waitFor();
      expect(await page.locator('.sync-indicator').textContent()).toContain('Sync idle');
      await screenshot(page, `sync-status-empty-${scheme}`);

      // Loading: hold calendar:list until the screenshot is taken.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await page.route('**/ipc/calendar:list', async (route) => {
        await held;
        await route.continue().catch(() => undefined); // the page may have moved on
      });
      await h.goto('/integrations/sync-status');
      await page.getByText('Loading sync status…').waitFor();
      await screenshot(page, `sync-status-loading-${scheme}`);
      release();
      await page.unroute('**/ipc/calendar:list');

      // Error: the host answers with an error envelope; the page says so and offers Retry.
      await page.route('**/ipc/calendar:list', (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Junction. The error was logged.' } }) }),
      );
      await h.goto('/integrations/sync-status');
      await page.getByRole('heading', { name: 'Sync status could not be loaded' }).waitFor();
      await screenshot(page, `sync-status-error-${scheme}`);
      await page.unroute('**/ipc/calendar:list');

      // A calendar id that does not exist: the detail page reports the channel's answer honestly.
      await h.goto(`/integrations/calendar/${randomUUID()}`);
      await page.getByRole('heading', { name: 'This calendar could not be loaded' }).waitFor();
      await screenshot(page, `calendar-detail-error-${scheme}`);
      expect(h.takeErrors().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    });

    test('full: live progress from sync:progress, errors with what to do, indicator', async () => {
      const ids = await seedCalendars(h);
      const stream = eventStreamOpen(page);
      await h.goto('/integrations/sync-status');
      await stream;
      const google = page.getByRole('article', { name: 'Google Calendar ada@gmail.example' });
      await google.waitFor();
      // The failing Outlook account says what happened and what to do; sync off says where to turn it on.
      const outlook = page.getByRole('article', { name: /Outlook ada@contoso\.example/ });
      expect(await outlook.textContent()).toContain('Outlook answered 503');
      expect(await outlook.textContent()).toContain('Sync now to try again');
      await page.getByRole('article', { name: /ada@icloud\.example/ }).getByRole('link', { name: 'Open settings' }).waitFor();
      expect(await page.locator('.sync-indicator').textContent()).toContain('Sync needs attention');

      h.core.pushes.emit('sync:progress', { integrationId: ids.google, phase: 'full sync: Ada Lovelace', pages: 3, eventsProcessed: 1250, state: 'running' });
      await google.getByText('1250 events').waitFor();
      expect(await google.getByRole('progressbar').getAttribute('aria-label')).toBe('Full sync: Ada Lovelace: 1250 events processed');
      await page.locator('.sync-indicator-syncing').waitFor();
      await screenshot(page, `sync-status-running-${scheme}`);

      h.core.pushes.emit('sync:progress', { integrationId: ids.google, phase: 'done', pages: 4, eventsProcessed: 1612, state: 'done' });
      await google.getByText('Sync complete').waitFor();
      await google.getByText('1612 events').waitFor();
      h.core.pushes.emit('sync:progress', { integrationId: ids.outlook, phase: 'fetching', pages: 1, eventsProcessed: 40, state: 'failed' });
      await outlook.getByText('Sync failed').waitFor();
      await screenshot(page, `sync-status-full-${scheme}`);

      // Calendars list: Sync now per row.
      await h.goto('/integrations/calendar');
      await page.getByRole('button', { name: 'Sync Google Calendar (ada@gmail.example) now' }).waitFor();
      await screenshot(page, `calendars-sync-now-${scheme}`);

      await h.goto(`/integrations/calendar/${ids.google}`);
      await page.getByRole('heading', { name: 'Calendars in this account' }).waitFor();
      await page.getByRole('heading', { name: 'Sync history' }).waitFor();
      await page.getByRole('button', { name: 'Force full sync' }).waitFor();
      await screenshot(page, `calendar-detail-full-${scheme}`);

      await h.goto(`/integrations/calendar/${ids.google}/settings`);
      await page.getByRole('form', { name: 'Calendar sync settings' }).waitFor();
      await page.getByLabel('How often').waitFor();
      await page.getByRole('checkbox', { name: /blocks availability/ }).first().waitFor();
      // The global conflict preference is offered here too.
      expect(await page.getByLabel('When a booking overlaps a busy time').inputValue()).toBe('warn');
      await screenshot(page, `calendar-settings-full-${scheme}`);
      expect(h.takeErrors().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    });

    if (scheme === 'light')
      test('busy warning: a manual block, a booking over it, the warning names it, Book anyway books it', async () => {
        const day = DateTime.now().setZone(ORGANIZER_ZONE).plus({ days: 9 });
        const dayIso = day.toFormat('yyyy-MM-dd');
        await h.goto('/blocked-times');
        await page.getByRole('button', { name: 'Block time' }).first().click();
        const b = dialog(page, 'Block time');
        await b.getByLabel('Title').fill('Dentist');
        await b.getByLabel('Start date').fill(dayIso);
        await b.getByLabel('Start time').fill('10:00');
        await b.getByLabel('End date').fill(dayIso);
        await b.getByLabel('End time').fill('11:00');
        await b.getByRole('button', { name: 'Block this time' }).click();
        await b.waitFor({ state: 'hidden' });

        await h.goto('/bookings');
        // Find a free time: 10:00 and 10:30 are gone for 60 minutes, 09:00 and 11:00 are offered.
        const finder = page.getByRole('form', { name: 'Find a free time' });
        await finder.getByLabel('Duration').selectOption('60');
        await finder.getByLabel('Day').fill(dayIso);
        await finder.getByRole('button', { name: 'Find times' }).click();
        const slots = page.getByRole('list', { name: 'Free times' });
        await slots.waitFor();
        const labels = await slots.getByRole('button').allTextContents();
        expect(labels).toContain('09:00–10:00');
        expect(labels).toContain('11:00–12:00');
        expect(labels.filter((l) => /^(09:30|10:00|10:30)/.test(l))).toEqual([]);
        await screenshot(page, 'bookings-find-free-time-light');

        // Pick 09:00, then move it onto the block: the dialog warns and names the block.
        await slots.getByRole('button', { name: '09:00–10:00' }).click();
        const d = dialog(page, 'New booking');
        await d.waitFor();
        expect(await d.getByLabel('Date').inputValue()).toBe(dayIso);
        expect(await d.getByLabel('Start time').inputValue()).toBe('09:00');
        await d.getByLabel('Title').fill('Intro call');
        await d.getByLabel('Attendee name').fill('Grace Hopper');
        await d.getByLabel('Attendee email').fill('grace@example.com');
        await d.getByLabel('Start time').fill('10:30');
        await d.getByLabel('End time').fill('11:30');
        await d.getByRole('button', { name: 'Create booking' }).click();
        const warning = d.locator('.busy-warning');
        await warning.waitFor();
        expect(await warning.textContent()).toContain('That time is busy');
        expect(await warning.textContent()).toContain('Dentist');
        expect(await warning.textContent()).toContain('Blocked time');
        expect((await invoke<ListPage<Booking>>(h.core, 'bookings:list', {})).items.filter((x) => x.title === 'Intro call')).toEqual([]);
        await screenshot(page, 'bookings-busy-warning-light');

        await d.getByRole('button', { name: 'Book anyway' }).click();
        await d.waitFor({ state: 'hidden' });
        const booked = (await invoke<ListPage<Booking>>(h.core, 'bookings:list', {})).items.filter((x) => x.title === 'Intro call');
        expect(booked).toHaveLength(1);
        expect(booked[0]!.startUtc).toBe(DateTime.fromISO(`${dayIso}T10:30`, { zone: ORGANIZER_ZONE }).toMillis());

        // With the 'block' preference the warning offers no way past it.
        await invoke(h.core, 'settings:update', { conflictPreference: 'block' });
        try {
          await page.getByRole('button', { name: 'New booking' }).first().click();
          const d2 = dialog(page, 'New booking');
          await d2.getByLabel('Title').fill('Second call');
          await d2.getByLabel('Attendee name').fill('Grace Hopper');
          await d2.getByLabel('Attendee email').fill('grace@example.com');
          await d2.getByLabel('Date').fill(dayIso);
          await d2.getByLabel('Start time').fill('10:00');
          await d2.getByLabel('End time').fill('10:30');
          await d2.getByRole('button', { name: 'Create booking' }).click();
          const blocked = d2.locator('.busy-warning');
          await blocked.waitFor();
          expect(await blocked.textContent()).toContain('forbids double-booking');
          expect(await d2.getByRole('button', { name: 'Book anyway' }).count()).toBe(0);
          await d2.getByRole('button', { name: 'Cancel' }).click();
          await d2.waitFor({ state: 'hidden' });
        } finally {
          await invoke(h.core, 'settings:update', { conflictPreference: 'warn' });
        }
        expect(h.takeErrors().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
      });
  });
}
