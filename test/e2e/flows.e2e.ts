// User flows through the real UI, checked against the core's own answers. Tests run in order and share one app.
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BlockedTime, Booking, Page as ListPage } from '../../shared/domain';
import { eventStreamOpen, invoke, ORGANIZER_ZONE, startHarness, type Harness } from './harness';

let h: Harness;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
});
afterAll(async () => {
  await h?.close();
});

const day = DateTime.now().setZone(ORGANIZER_ZONE).plus({ days: 7 });
const dayIso = day.toFormat('yyyy-MM-dd');
const dayLabel = day.toFormat('ccc d LLL yyyy');
const utc = (time: string, zone = ORGANIZER_ZONE) => DateTime.fromISO(`${dayIso}T${time}`, { zone }).toMillis();

const bookings = async () => (await invoke<ListPage<Booking>>(h.core, 'bookings:list', {})).items;
const blocks = async () => (await invoke<ListPage<BlockedTime>>(h.core, 'blocks:list', {})).items;
const row = (text: string) => page.getByRole('row').filter({ hasText: text });
const dialog = (name: string) => page.getByRole('dialog', { name });
const stat = (id: string) => page.locator(`[data-stat="${id}"] dd`);
const activeText = () => page.evaluate('document.activeElement ? document.activeElement.textContent : null');

/** The inline error of the field that holds `input`. */
const fieldError = (input: Locator) => input.locator('xpath=..').locator('.field-error');

async function textOf(l: Locator): Promise<string> {
  return ((await l.textContent()) ?? '').trim();
}

async function fillBooking(d: Locator, v: { title: string; name: string; email: string; start: string; end: string; zone?: string }) {
  await d.getByLabel('Title').fill(v.title);
  await d.getByLabel('Attendee name').fill(v.name);
  await d.getByLabel('Attendee email').fill(v.email);
  await d.getByLabel('Date').fill(dayIso);
  await d.getByLabel('Start time').fill(v.start);
  await d.getByLabel('End time').fill(v.end);
  if (v.zone) await d.getByLabel('Time zone').selectOption(v.zone);
}

async function createBooking(v: Parameters<typeof fillBooking>[1]) {
  await page.getByRole('button', { name: 'New booking' }).click();
  const d = dialog('New booking');
  await d.waitFor();
  await fillBooking(d, v);
  await d.getByRole('button', { name: 'Create booking' }).click();
  await d.waitFor({ state: 'hidden' });
  await row(v.title).waitFor();
}

describe('bookings', () => {
  test('a bad input shows field errors next to the fields and creates nothing', async () => {
    await h.goto('/bookings');
    await page.getByRole('heading', { name: 'No bookings yet' }).waitFor();
    await page.getByRole('button', { name: 'New booking' }).click();
    const d = dialog('New booking');
    await d.waitFor();
    // The title field has focus when the dialog opens.
    expect(await page.evaluate('document.activeElement?.id')).toBe(await d.getByLabel('Title').getAttribute('id'));
    await fillBooking(d, { title: '   ', name: 'Grace Hopper', email: 'not-an-email', start: '09:00', end: '09:30' });
    await d.getByRole('button', { name: 'Create booking' }).click();

    const email = d.getByLabel('Attendee email');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await textOf(fieldError(email))).toBe('Enter a valid email address, like name@example.com');
    expect(await textOf(fieldError(d.getByLabel('Title')))).toBe('Required');
    expect(await d.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await d.getByLabel('Attendee name').getAttribute('aria-invalid')).toBeNull();

    // An end before the start is the server's rule too: its message lands on the end time field.
    await d.getByLabel('Title').fill('Backwards');
    await email.fill('grace@example.com');
    await d.getByLabel('End time').fill('08:00');
    await d.getByRole('button', { name: 'Create booking' }).click();
    const end = d.getByLabel('End time');
    await expect.poll(() => end.getAttribute('aria-invalid')).toBe('true');
    expect(await textOf(fieldError(end))).toMatch(/after the start/i);

    expect(await bookings()).toHaveLength(0);
    // Escape closes the dialog and nothing was created.
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'No bookings yet' }).waitFor();
    expect(h.takeErrors()).toEqual([]);
  });

  test('create a booking; it is listed in its own time zone', async () => {
    await createBooking({ title: 'Intro call', name: 'Grace Hopper', email: 'grace@example.com', start: '09:00', end: '09:30' });
    const [b] = await bookings();
    expect(b).toMatchObject({ title: 'Intro call', attendeeEmail: 'grace@example.com', status: 'scheduled', timeZone: ORGANIZER_ZONE });
    expect(b!.startUtc).toBe(utc('09:00'));
    expect(b!.endUtc).toBe(utc('09:30'));
    const r = row('Intro call');
    expect(await textOf(r)).toContain(dayLabel);
    expect(await textOf(r)).toContain('09:00–09:30');
    expect(await textOf(r)).toContain('Scheduled');

    // A booking in another zone: converted from that zone's wall clock, shown in that zone.
    await createBooking({ title: 'Tokyo sync', name: 'Yukihiro', email: 'yuki@example.com', start: '20:00', end: '21:00', zone: 'Asia/Tokyo' });
    const tokyo = (await bookings()).find((x) => x.title === 'Tokyo sync')!;
    expect(tokyo.startUtc).toBe(utc('20:00', 'Asia/Tokyo'));
    expect(await textOf(row('Tokyo sync'))).toContain('20:00–21:00');
    expect(await textOf(row('Tokyo sync'))).toContain('Asia/Tokyo');
    expect(h.takeErrors()).toEqual([]);
  });

  test('reschedule, then complete it', async () => {
    await page.getByRole('button', { name: 'Reschedule Intro call' }).click();
    const d = dialog('Reschedule booking');
    await d.waitFor();
    expect(await d.getByLabel('Start time').inputValue()).toBe('09:00');
    await d.getByLabel('Start time').fill('10:00');
    await d.getByLabel('End time').fill('11:15');
    await d.getByRole('button', { name: 'Reschedule', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    await expect.poll(() => textOf(row('Intro call'))).toContain('10:00–11:15');
    const moved = (await bookings()).find((x) => x.title === 'Intro call')!;
    expect([moved.startUtc, moved.endUtc]).toEqual([utc('10:00'), utc('11:15')]);

    await page.getByRole('button', { name: 'Complete Intro call' }).click();
    await expect.poll(() => textOf(row('Intro call'))).toContain('Completed');
    // The button that had focus is gone; focus stays in the page rather than falling to <body>.
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    expect(await row('Intro call').getByRole('button').count()).toBe(0);
    expect((await bookings()).find((x) => x.title === 'Intro call')!.status).toBe('completed');
    expect(h.takeErrors()).toEqual([]);
  });

  test('cancel with a reason, through the confirm dialog', async () => {
    await page.getByRole('button', { name: 'Cancel Tokyo sync' }).click();
    const d = dialog('Cancel booking?');
    await d.waitFor();
    // The safe choice has focus.
    expect(await activeText()).toContain('Keep booking');
    await d.getByLabel('Reason').fill('Moved to email');
    await d.getByRole('button', { name: 'Cancel booking' }).click();
    await d.waitFor({ state: 'hidden' });
    await expect.poll(() => textOf(row('Tokyo sync'))).toContain('Cancelled');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    expect((await bookings()).find((x) => x.title === 'Tokyo sync')!.status).toBe('cancelled');

    // The status filter asks the server.
    await createBooking({ title: 'Design review', name: 'Alan Turing', email: 'alan@example.com', start: '14:00', end: '15:00' });
    await page.getByLabel('Status').selectOption('cancelled');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await textOf(page.locator('tbody tr'))).toContain('Tokyo sync');
    await page.getByLabel('Status').selectOption('all');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    expect(h.takeErrors()).toEqual([]);
  });
});

describe('blocked times', () => {
  test('create two, see them listed, delete one', async () => {
    await h.goto('/blocked-times');
    await page.getByRole('heading', { name: 'No blocked times' }).waitFor();

    await page.getByRole('button', { name: 'Block time' }).first().click();
    let d = dialog('Block time');
    await d.waitFor();
    await d.getByLabel('Title').fill('Lunch');
    await d.getByLabel('Start date').fill(dayIso);
    await d.getByLabel('Start time').fill('12:00');
    await d.getByLabel('End date').fill(dayIso);
    await d.getByLabel('End time').fill('13:00');
    await d.getByRole('button', { name: 'Block this time' }).click();
    await d.waitFor({ state: 'hidden' });
    await row('Lunch').waitFor();
    expect(await textOf(row('Lunch'))).toContain(`${dayLabel}12:00–13:00`);

    await page.getByRole('button', { name: 'Block time' }).first().click();
    d = dialog('Block time');
    await d.waitFor();
    await d.getByLabel('Title').fill('Conference');
    await d.getByLabel('All day').check();
    await d.getByLabel('Start date').fill(dayIso);
    await d.getByLabel('Last day').fill(day.plus({ days: 1 }).toFormat('yyyy-MM-dd'));
    await d.getByRole('button', { name: 'Block this time' }).click();
    await d.waitFor({ state: 'hidden' });
    await row('Conference').waitFor();
    expect(await textOf(row('Conference'))).toMatch(/all day/i);

    const stored = await blocks();
    expect(stored).toHaveLength(2);
    const lunch = stored.find((b) => b.title === 'Lunch')!;
    expect([lunch.startUtc, lunch.endUtc, lunch.allDay]).toEqual([utc('12:00'), utc('13:00'), false]);
    const conf = stored.find((b) => b.title === 'Conference')!;
    expect(conf.allDay).toBe(true);
    expect(conf.startUtc).toBe(day.startOf('day').toMillis());
    expect(conf.endUtc).toBe(day.startOf('day').plus({ days: 2 }).toMillis());

    await page.getByRole('button', { name: 'Delete Lunch' }).click();
    d = dialog('Delete blocked time?');
    await d.waitFor();
    await d.getByRole('button', { name: 'Delete', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    await expect.poll(() => row('Lunch').count()).toBe(0);
    expect((await blocks()).map((b) => b.title)).toEqual(['Conference']);
    expect(h.takeErrors()).toEqual([]);
  });

  test('an end before the start is refused with a field error', async () => {
    await page.getByRole('button', { name: 'Block time' }).first().click();
    const d = dialog('Block time');
    await d.waitFor();
    await d.getByLabel('Start date').fill(dayIso);
    await d.getByLabel('Start time').fill('16:00');
    await d.getByLabel('End date').fill(dayIso);
    await d.getByLabel('End time').fill('15:00');
    await d.getByRole('button', { name: 'Block this time' }).click();
    await expect.poll(() => d.getByLabel('End time').getAttribute('aria-invalid')).toBe('true');
    expect(await blocks()).toHaveLength(1);
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'hidden' });
  });
});

describe('overview', () => {
  test('counts what was created, exactly', async () => {
    await h.goto('/integrations');
    await stat('bookings.scheduled').waitFor();
    expect(await textOf(stat('bookings.scheduled'))).toBe('1');
    expect(await textOf(stat('bookings.upcoming'))).toBe('1');
    expect(await textOf(stat('bookings.completed'))).toBe('1');
    expect(await textOf(stat('bookings.cancelled'))).toBe('1');
    expect(await textOf(stat('blockedTimes.manual'))).toBe('1');
    expect(await textOf(stat('blockedTimes.synced'))).toBe('0');
    expect(await textOf(stat('integrations.calendar'))).toBe('0');
    expect(await textOf(stat('logs.total'))).toBe('0');
    // "/" is the overview too.
    await h.goto('/');
    await stat('bookings.scheduled').waitFor();
    expect(await page.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
    expect(h.takeErrors()).toEqual([]);
  });

  test('a log:appended push reaches the overview and the logs page without reload', async () => {
    const open = eventStreamOpen(page);
    await h.goto('/integrations');
    await open;
    await page.getByRole('heading', { name: 'No activity yet' }).waitFor();
    await page.evaluate('window.__e2eMarker = 42');

    await h.core.services.logs.append({ logType: 'error', message: 'e2e push', success: false });
    const activity = page.getByRole('region', { name: 'Recent activity' });
    await activity.getByText('e2e push').waitFor();
    await expect.poll(() => textOf(stat('logs.total'))).toBe('1');
    await expect.poll(() => textOf(stat('logs.errorsLast24h'))).toBe('1');

    // Client-side navigation keeps the page (and its event stream).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', level: 1 }).waitFor();
    await row('e2e push').waitFor();
    await h.core.services.logs.append({ logType: 'webhook_sent', message: 'e2e push on logs page', success: true });
    await row('e2e push on logs page').waitFor();
    expect(await page.locator('tbody tr').first().textContent()).toContain('e2e push on logs page');
    expect(await page.evaluate('window.__e2eMarker')).toBe(42);

    // The type filter applies to live entries too.
    await page.getByLabel('Type').selectOption('error');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await h.core.services.logs.append({ logType: 'calendar_sync', message: 'filtered out', success: true });
    await h.core.services.logs.append({ logType: 'error', message: 'second error', success: false });
    await row('second error').waitFor();
    expect(await row('filtered out').count()).toBe(0);

    // Integration changes arrive as a notice.
    h.core.pushes.emit('integration:changed', { integrationType: 'calendar', id: 'x', provider: 'google', change: 'disconnected' });
    await page.getByRole('status', { name: 'Notifications' }).getByText('Google Calendar was disconnected.').waitFor();
    expect(h.takeErrors()).toEqual([]);
  });
});

describe('keyboard', () => {
  test('skip link and sidebar work by keyboard, with a visible focus ring', async () => {
    await h.goto('/integrations');
    await stat('bookings.scheduled').waitFor();
    await page.keyboard.press('Tab');
    expect(await activeText()).toBe('Skip to main content');
    await page.keyboard.press('Tab');
    // The notifications bell sits at the top of the sidebar, before the navigation.
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toMatch(/^Notifications/);
    await page.keyboard.press('Tab');
    expect(await activeText()).toBe('Overview');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Tab');
    expect(await activeText()).toBe('Bookings');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/bookings');
    await page.getByRole('heading', { name: 'Bookings', level: 1 }).waitFor();
    // Focus moved to the page content; Shift+Tab goes back into the sidebar's last link.
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    await page.keyboard.press('Shift+Tab');
    expect(await activeText()).toBe('Settings');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();

    // The skip link moves focus to the main content.
    await h.goto('/blocked-times');
    await page.getByRole('heading', { name: 'Blocked times', level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await activeText()).toBe('Block time');
    // …and a dialog opened by keyboard traps focus and closes on Escape, returning focus.
    await page.keyboard.press('Enter');
    const d = dialog('Block time');
    await d.waitFor();
    for (let i = 0; i < 20; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate('!!document.activeElement?.closest("dialog")')).toBe(true);
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'hidden' });
    expect(await activeText()).toBe('Block time');
    expect(h.takeErrors()).toEqual([]);
  });
});

describe('settings', () => {
  test('saving the theme and zone applies them', async () => {
    await h.goto('/settings');
    await page.getByLabel('Name').waitFor();
    expect(await page.getByLabel('Name').inputValue()).toBe('Ada Lovelace');
    expect(await page.getByLabel('Time zone').inputValue()).toBe(ORGANIZER_ZONE);
    await page.getByLabel('Email').fill('not an email');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Email').fill('ada@example.org');
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('Pause background jobs').check();
    await page.getByLabel('When a booking overlaps a busy time').selectOption('block');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await page.getByText('All changes saved').waitFor();
    const s = await invoke<{ theme: string; schedulerPaused: boolean; organizerEmail: string }>(h.core, 'settings:get', {});
    expect(s).toMatchObject({ theme: 'dark', schedulerPaused: true, organizerEmail: 'ada@example.org', conflictPreference: 'block' });
    // Back to the defaults for any later test.
    await invoke(h.core, 'settings:update', { theme: 'system', schedulerPaused: false, conflictPreference: 'warn' });
    expect(h.takeErrors()).toEqual([]);
  });
});
