// Connecting accounts by clicking, in Chromium, against the browser host and the OAuth emulators: the real
// consent pages, the host's cookie-less callback route, the callback page and the lists.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { type AllOAuthEmulators, junctionEnvFor, startAllOAuthEmulators } from '../emulators/oauth';
import { type Harness, screenshot, startHarness } from './harness';

let emulators: AllOAuthEmulators;
let h: Harness;
let page: Page;

beforeAll(async () => {
  emulators = await startAllOAuthEmulators();
  h = await startHarness({
    core: { env: junctionEnvFor(emulators) },
    // Webex matches redirect URIs exactly: register this host's callback.
    onHost: (host) => {
      for (const e of [emulators.google, emulators.microsoft, emulators.zoom, emulators.webex]) {
        for (const c of e.clients) e.addRedirectUri(c.clientId, `${host.url}/oauth/callback`);
      }
    },
  });
  page = h.page;
}, 60_000);

afterAll(async () => {
  await h?.close();
  await emulators?.close();
});

const flows = [
  { path: '/integrations/connect/calendar/google', button: 'Connect Google Calendar', emu: 'google', title: 'Google Calendar', list: '/integrations/calendar' },
  { path: '/integrations/connect/calendar/outlook', button: 'Connect Outlook', emu: 'microsoft', title: 'Outlook', list: '/integrations/calendar' },
  { path: '/integrations/connect/video/zoom', button: 'Connect Zoom', emu: 'zoom', title: 'Zoom', list: '/integrations/video' },
  { path: '/integrations/connect/video/microsoft_teams', button: 'Connect Microsoft Teams', emu: 'microsoft', title: 'Microsoft Teams', list: '/integrations/video' },
  { path: '/integrations/connect/video/webex', button: 'Connect Webex', emu: 'webex', title: 'Webex', list: '/integrations/video' },
] as const;

describe('connect every OAuth provider by clicking', () => {
  for (const f of flows) {
    test(`${f.title}: Connect → consent page → Allow → connected with its email`, async () => {
      h.context.on('response', (r) => { if (r.status() >= 400) process.stderr.write(`BAD ${r.status()} ${r.url()}
`); });
      await h.goto(f.path);
      await page.getByRole('button', { name: f.button }).click();
      // The emulator's consent page (the provider's own page in real life).
      await page.waitForURL((u) => u.origin === emulators[f.emu].url);
      const email = emulators[f.emu].accounts[0]!.email;
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((u) => u.pathname === '/integrations/callback');
      const title = page.locator('.result-title');
      await title.waitFor();
      expect(await title.textContent()).toBe(`${f.title} connected as ${email}`);
      await h.goto(f.list);
      await page.getByText(email).first().waitFor();
      expect(h.takeErrors()).toEqual([]);
    });
  }

  test('pressing Deny returns to Junction with a plain message and connects nothing', async () => {
    const before = (await h.core.db.selectFrom('video_integrations').selectAll().execute()).length;
    await h.core.db.deleteFrom('video_integrations').where('provider', '=', 'zoom').execute();
    await h.goto('/integrations/connect/video/zoom');
    await page.getByRole('button', { name: 'Connect Zoom' }).click();
    await page.waitForURL((u) => u.origin === emulators.zoom.url);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.pathname === '/integrations/callback');
    await page.getByText('You chose not to allow Junction to use Zoom. Nothing was changed.').first().waitFor();
    await screenshot(page, 'connect-denied-light');
    expect((await h.core.db.selectFrom('video_integrations').selectAll().execute()).length).toBe(before - 1);
    expect(h.takeErrors()).toEqual([]);
  });
});
