// Keyset paging in the UI: 50 per page, "Load more" follows the server's nextCursor until it is null.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { invoke, ORGANIZER_ZONE, startHarness, type Harness } from './harness';

let h: Harness;
let page: Page;
const COUNT = 57;

beforeAll(async () => {
  h = await startHarness();
  page = h.page;
  const start = Date.now() + 86_400_000;
  for (let i = 0; i < COUNT; i++) {
    await invoke(h.core, 'bookings:create', {
      title: `Booking ${String(i + 1).padStart(2, '0')}`,
      attendeeName: 'Attendee',
      attendeeEmail: `a${i}@example.com`,
      startUtc: start + i * 3_600_000,
      endUtc: start + i * 3_600_000 + 1_800_000,
      timeZone: ORGANIZER_ZONE,
    });
    await h.core.services.logs.append({ logType: 'calendar_sync', message: `Log line ${i + 1}`, success: true });
  }
});
afterAll(async () => {
  await h?.close();
});

const rows = () => page.locator('tbody tr');

test.each([
  ['/bookings', 'bookings'],
  ['/integrations/logs', 'entries'],
])('%s loads more until the last page', async (path, noun) => {
  await h.goto(path);
  await rows().first().waitFor();
  expect(await rows().count()).toBe(50);
  await page.getByText(`Showing 50 ${noun}`).waitFor();
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect.poll(() => rows().count()).toBe(COUNT);
  await page.getByText(`Showing ${COUNT} ${noun} (all)`).waitFor();
  expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
  // No row twice.
  const texts = await rows().allTextContents();
  expect(new Set(texts).size).toBe(COUNT);
  expect(h.takeErrors()).toEqual([]);
});
