// Screenshots of the account pages of issue 3, light and dark: Connect Service pages, the ConnectionWizard,
// the CalDAV form, the OAuth callback states, the Calendars / Video lists, notifications, Settings → Providers
// and the sandbox banner. Saved to test-results/screenshots/accounts-<name>-<scheme>.png for review.
//
// Real channels are used wherever the core answers them. A few states the browser host cannot produce (the
// system browser opened by Electron, a sandbox core) are stubbed with page.route, and so is any channel that
// still answers NOT_IMPLEMENTED while its handler is being built (`whenNotBuilt`).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AppNotification } from '../../shared/domain';
import type { Envelope } from '../../shared/errors';
import { eventStreamOpen, invoke, screenshot, startHarness, type Harness } from './harness';

let h: Harness;
let page: Page;
let organizerId: string;
const SCHEMES = ['light', 'dark'] as const;
const MIN = 60_000;
const HOUR = 60 * MIN;

// An environment override, to show the "the environment wins" note (the core reads process.env lazily).
const ENV_KEY = 'JUNCTION_ZOOM_CLIENT_ID';
const envBefore = process.env[ENV_KEY];

beforeAll(async () => {
  process.env[ENV_KEY] = 'zoom-client-from-env';
  h = await startHarness();
  page = h.page;
  organizerId = (await h.core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;
  await seedIntegrations();
});
afterAll(async () => {
  if (envBefore === undefined) delete process.env[ENV_KEY];
  else process.env[ENV_KEY] = envBefore;
  await h?.close();
});

async function shoot(name: string): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `accounts-${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function open(path: string, h1: string, ready?: string): Promise<void> {
  await h.goto(path);
  await page.getByRole('heading', { name: h1, level: 1, exact: true }).waitFor();
  if (ready) await page.getByText(ready).first().waitFor();
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

const json = (body: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });

/** Passes the call to the core; only if the core answers NOT_IMPLEMENTED, answers `fallback()` instead. */
async function whenNotBuilt(channel: string, fallback: (input: unknown) => Envelope<unknown>): Promise<void> {
  await page.route(`**/ipc/${channel}`, async (route: Route) => {
    const res = await route.fetch();
    const body = (await res.json().catch(() => null)) as Envelope<unknown> | null;
    if (body && !body.ok && body.error.code === 'NOT_IMPLEMENTED') {
      await route.fulfill(json(fallback(route.request().postDataJSON())));
    } else {
      await route.fulfill({ response: res, body: JSON.stringify(body) });
    }
  });
}

// ---------- seed data ----------

const ids = {
  google: randomUUID(),
  outlook: randomUUID(),
  apple: randomUUID(),
  zoom: randomUUID(),
  meet: randomUUID(),
  teams: randomUUID(),
  webex: randomUUID(),
};
const GOOGLE_SCOPES = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.events', 'openid', 'email'];

async function seedIntegrations(): Promise<void> {
  const now = Date.now();
  const seal = (s: string) => h.core.vault.seal(s);
  const common = (id: string) => ({ id, organizer_id: organizerId, created_at: now - 30 * 24 * HOUR, updated_at: now - HOUR });
  // One row per insert: a multi-row VALUES would write NULL into the columns a row leaves to their default.
  const calendars = [
    {
      ...common(ids.google),
      provider: 'google',
      access_token: seal('screens-google-access'),
      refresh_token: seal('screens-google-refresh'),
      token_expires_at: now + 52 * MIN,
      provider_user_id: 'g-1',
      provider_email: 'ada@example.com',
      calendar_id: 'primary',
      last_sync_at: now - 4 * MIN,
      scopes: JSON.stringify(GOOGLE_SCOPES),
    },
    {
      ...common(ids.outlook),
      provider: 'outlook',
      access_token: null,
      refresh_token: null,
      token_expires_at: now - 3 * HOUR,
      provider_user_id: 'm-1',
      provider_email: 'ada.lovelace@contoso.example',
      calendar_id: null,
      last_sync_at: now - 26 * HOUR,
      sync_errors: 3,
      connection_status: 'disconnected',
      status_reason: 'Microsoft refused to renew Junction’s access (the grant was revoked or has expired).',
      scopes: JSON.stringify(['Calendars.ReadWrite', 'offline_access', 'User.Read']),
    },
    {
      ...common(ids.apple),
      provider: 'apple',
      access_token: null,
      refresh_token: null,
      token_expires_at: null,
      provider_user_id: null,
      provider_email: 'ada@icloud.example',
      calendar_id: null,
      last_sync_at: null,
      server_url: 'https://caldav.icloud.com',
      username: 'ada@icloud.example',
      password: seal('screens-apple-app-password'),
    },
  ] as const;
  for (const row of calendars) await h.core.db.insertInto('calendar_integrations').values(row).execute();
  const videos = [
    {
      ...common(ids.zoom),
      provider: 'zoom',
      access_token: seal('screens-zoom-access'),
      refresh_token: seal('screens-zoom-refresh'),
      token_expires_at: now + 41 * MIN,
      provider_user_id: 'z-1',
      provider_email: 'ada@example.com',
      last_api_call: now - 2 * HOUR,
      api_calls_today: 3,
      rate_limit_reset_at: null,
      scopes: JSON.stringify(['meeting:write', 'meeting:read', 'user:read']),
    },
    {
      ...common(ids.meet),
      provider: 'google_meet',
      access_token: seal('screens-meet-access'),
      refresh_token: seal('screens-meet-refresh'),
      token_expires_at: now + 20 * MIN,
      provider_user_id: 'g-1',
      provider_email: 'ada@example.com',
      last_api_call: null,
      rate_limit_reset_at: null,
      scopes: JSON.stringify(['https://www.googleapis.com/auth/calendar', 'openid', 'email']),
      missing_scopes: JSON.stringify(['https://www.googleapis.com/auth/calendar.events']),
    },
    {
      ...common(ids.teams),
      provider: 'microsoft_teams',
      access_token: null,
      refresh_token: null,
      token_expires_at: now - 5 * 24 * HOUR,
      provider_user_id: 'm-1',
      provider_email: 'ada.lovelace@contoso.example',
      last_api_call: now - 5 * 24 * HOUR,
      rate_limit_reset_at: null,
      connection_status: 'disconnected',
      status_reason: 'Microsoft refused to renew Junction’s access (the grant was revoked or has expired).',
    },
    {
      ...common(ids.webex),
      provider: 'webex',
      access_token: seal('screens-webex-access'),
      refresh_token: seal('screens-webex-refresh'),
      token_expires_at: now + 13 * 24 * HOUR,
      provider_user_id: 'w-1',
      provider_email: 'ada@webex.example',
      last_api_call: now - 10 * MIN,
      api_calls_today: 12,
      rate_limit_reset_at: null,
      scopes: JSON.stringify(['meeting:schedules_read', 'meeting:schedules_write', 'spark:people_read']),
    },
  ] as const;
  for (const row of videos) await h.core.db.insertInto('video_integrations').values(row).execute();
}

const notifications: AppNotification[] = [];
async function seedNotifications(): Promise<void> {
  const now = Date.now();
  const add = async (n: Omit<AppNotification, 'id' | 'readAt'> & { readAt?: number | null }) => {
    const row: AppNotification = { id: randomUUID(), readAt: null, ...n };
    notifications.unshift(row);
    await h.core.db
      .insertInto('notifications')
      .values({
        id: row.id,
        organizer_id: organizerId,
        kind: row.kind,
        severity: row.severity,
        title: row.title,
        body: row.body,
        integration_type: row.integrationType,
        integration_id: row.integrationId,
        action_route: row.actionRoute,
        created_at: row.createdAt,
        read_at: row.readAt,
      })
      .execute();
  };
  await add({
    kind: 'integration_connected',
    severity: 'info',
    title: 'Google Calendar connected',
    body: 'ada@example.com is connected.',
    integrationType: 'calendar',
    integrationId: ids.google,
    actionRoute: '/integrations/calendar',
    createdAt: now - 3 * 24 * HOUR,
    readAt: now - 3 * 24 * HOUR,
  });
  await add({
    kind: 'integration_disconnected',
    severity: 'error',
    title: 'Microsoft Teams was disconnected',
    body: 'Microsoft refused to renew Junction’s access. Open Integrations → Microsoft Teams and press Reconnect to sign in again.',
    integrationType: 'video',
    integrationId: ids.teams,
    actionRoute: `/integrations/connect/video/microsoft_teams?reconnect=${ids.teams}`,
    createdAt: now - 5 * 24 * HOUR,
  });
  await add({
    kind: 'integration_disconnected',
    severity: 'error',
    title: 'Outlook was disconnected',
    body: 'Microsoft refused to renew Junction’s access. Open Integrations → Outlook (ada.lovelace@contoso.example) and press Reconnect to sign in again; its settings and history are kept.',
    integrationType: 'calendar',
    integrationId: ids.outlook,
    actionRoute: `/integrations/connect/calendar/outlook?reconnect=${ids.outlook}`,
    createdAt: now - 3 * HOUR,
  });
}

/** notifications:list / markRead over the seeded rows, for as long as the core answers NOT_IMPLEMENTED. */
async function notificationsFallback(): Promise<void> {
  await whenNotBuilt('notifications:list', (input) => {
    const i = (input ?? {}) as { unreadOnly?: boolean };
    const items = notifications.filter((n) => !i.unreadOnly || n.readAt === null).sort((a, b) => b.createdAt - a.createdAt);
    return { ok: true, data: { items, nextCursor: null } };
  });
  await whenNotBuilt('notifications:markRead', (input) => {
    const i = (input ?? {}) as { ids?: string[]; all?: boolean };
    let updated = 0;
    for (const n of notifications)
      if (n.readAt === null && (i.all || i.ids?.includes(n.id))) {
        n.readAt = Date.now();
        updated++;
      }
    return { ok: true, data: { updated } };
  });
}

// ---------- the screens ----------

describe('account screens', () => {
  test('connect: wizard, service pages, errors, waiting', async () => {
    await open('/integrations/connect', 'Connect an account', 'What do you want to connect?');
    await shoot('wizard-1-kind');
    await page.getByRole('link', { name: /A calendar/ }).click();
    await page.getByRole('heading', { name: 'Which calendar?' }).waitFor();
    await shoot('wizard-2-calendar-provider');
    await open('/integrations/connect?kind=video', 'Connect an account', 'Which video meeting service?');
    await shoot('wizard-2-video-provider');
    await page.getByRole('link', { name: /Zoom/ }).click();
    await page.getByRole('heading', { name: 'What Junction asks Zoom for' }).waitFor();
    await shoot('wizard-3-review-zoom');

    await open('/integrations/connect/google', 'Connect Google', 'Google Meet');
    await shoot('connect-google-choose');
    await open('/integrations/connect/calendar/google', 'Connect Google Calendar', 'See and edit events in your calendars');
    await shoot('connect-calendar-google');
    await open('/integrations/connect/video/microsoft_teams', 'Connect Microsoft Teams', 'OnlineMeetings.ReadWrite');
    await shoot('connect-video-teams');
    await open('/integrations/connect/webex', 'Connect Webex', 'spark:people_read');
    await shoot('connect-webex');
    await open('/integrations/connect/video/google_meet?reconnect=' + ids.meet, 'Reconnect Google Meet', 'Reconnecting restores');
    await shoot('connect-reconnect-meet');
    await open('/integrations/connect/myspace', 'Connect an account', 'Junction does not know this provider');
    await shoot('connect-unknown');

    // No Google OAuth client is configured: the real core answers NOT_CONFIGURED.
    await open('/integrations/connect/calendar/google', 'Connect Google Calendar');
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Settings → Providers' });
    await alert.waitFor();
    expect(await alert.getByRole('link').getAttribute('href')).toBe('/settings/providers#provider-google');
    await shoot('connect-not-configured');

    // Electron opens the system browser (openedExternally): the browser host never does, so stub it.
    await page.route('**/ipc/oauth:initiate', (route) =>
      route.fulfill(
        json({
          ok: true,
          data: {
            authorizationUrl: 'https://zoom.us/oauth/authorize?response_type=code&client_id=x',
            redirectUri: 'http://127.0.0.1:53682/oauth/callback',
            expiresAt: Date.now() + 10 * MIN,
            openedExternally: true,
          },
        }),
      ),
    );
    await open('/integrations/connect/video/zoom', 'Connect Zoom');
    await page.getByRole('button', { name: 'Connect Zoom' }).click();
    await page.getByText('Finish signing in in your browser… waiting').waitFor();
    await shoot('connect-waiting-browser');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Connect Zoom' }).click();
    await page.getByText('Finish signing in in your browser… waiting').waitFor();
    // Electron reports a failed callback as an `account` log entry: the waiting page turns into the error.
    await h.core.services.logs.append({ logType: 'account', success: false, message: 'You chose not to allow Junction to use Zoom. Nothing was changed.' });
    await page.getByRole('alert').filter({ hasText: 'You chose not to allow Junction to use Zoom' }).waitFor();
    await page.unroute('**/ipc/oauth:initiate');

    // Narrow window.
    await page.setViewportSize({ width: 640, height: 900 });
    await open('/integrations/connect/calendar/outlook', 'Connect Outlook', 'Calendars.ReadWrite');
    await shoot('connect-outlook-narrow');
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(h.takeErrors().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  test('CalDAV form: empty, field errors, progress, wrong password, unreachable', async () => {
    await open('/integrations/connect/calendar/apple', 'Connect Apple iCloud / CalDAV', 'App-specific password');
    await shoot('caldav-form');
    await page.getByLabel('Server address').fill('caldav.example.com');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.locator('.field-error').first().waitFor();
    await shoot('caldav-field-errors');

    // A server that refuses every sign-in (401), and a port nobody listens on.
    const refusing: Server = createServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="caldav"' }).end();
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    try {
      await whenNotBuilt('caldav:connect', (input) => {
        const i = input as { serverUrl: string };
        return i.serverUrl.startsWith(closedUrl)
          ? { ok: false, error: { code: 'PROVIDER_UNAVAILABLE', message: `Junction could not reach ${i.serverUrl}.` } }
          : { ok: false, error: { code: 'AUTH_FAILED', message: 'Wrong username or app-specific password.' } };
      });
      const fill = async (server: string) => {
        await page.getByLabel('Server address').fill(server);
        await page.getByLabel('Username').fill('ada@example.com');
        await page.getByLabel('App-specific password').fill('abcd-efgh-ijkl-mnop');
      };

      await open('/integrations/connect/calendar/apple', 'Connect Apple iCloud / CalDAV');
      await fill(refusingUrl);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByText('Wrong username or app-specific password').waitFor();
      await shoot('caldav-auth-failed');

      await fill(closedUrl);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByText('Junction could not reach the server').waitFor();
      await shoot('caldav-unreachable');
      await page.unroute('**/ipc/caldav:connect');

      // Discovery in progress: hold the request.
      const held: Route[] = [];
      await page.route('**/ipc/caldav:connect', (route) => {
        held.push(route);
      });
      await fill(refusingUrl);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByText('looking for your calendars').waitFor();
      await shoot('caldav-progress');
      await page.unroute('**/ipc/caldav:connect');
      for (const r of held) await r.abort().catch(() => undefined);
    } finally {
      await new Promise<void>((r) => refusing.close(() => r()));
    }
    h.takeErrors(); // the aborted request logs a network error by design
  });

  test('callback: success, partial grant, errors, waiting, processing', async () => {
    const q = (o: Record<string, string>) => `/integrations/callback?${new URLSearchParams(o).toString()}`;
    await open(
      q({ status: 'success', integrationType: 'calendar', integrationId: randomUUID(), provider: 'google', email: 'me@example.com', missing: '' }),
      'Connected',
      'Calendar sync is not part of this version yet',
    );
    expect(await page.locator('.result-title').textContent()).toBe('Google Calendar connected as me@example.com');
    await page.getByText(/Going to Calendars in \d s…/).waitFor();
    await screenshot(page, 'accounts-callback-success-countdown-light');
    await page.getByRole('button', { name: 'Stay on this page' }).click();
    await page.getByText('Staying on this page.').waitFor();
    await shoot('callback-success-calendar');

    await open(
      q({ status: 'success', integrationType: 'video', integrationId: randomUUID(), provider: 'zoom', email: 'ada@example.com', reconnected: '1', missing: '' }),
      'Connected',
      'Zoom reconnected as ada@example.com',
    );
    await page.getByRole('button', { name: 'Stay on this page' }).click();
    await shoot('callback-success-video');

    await open(
      q({
        status: 'success',
        integrationType: 'video',
        integrationId: ids.meet,
        provider: 'google_meet',
        email: 'ada@example.com',
        missing: 'https://www.googleapis.com/auth/calendar.events',
      }),
      'Connected',
      'Some permissions were not granted',
    );
    await page.getByText('Junction was not allowed to see and edit events in your calendars.').waitFor();
    expect(await page.getByRole('link', { name: 'Connect again' }).getAttribute('href')).toBe(`/integrations/connect/video/google_meet?reconnect=${ids.meet}`);
    await shoot('callback-partial');

    await open(
      q({ status: 'error', code: 'OAUTH_DENIED', message: 'You chose not to allow Junction to use Outlook. Nothing was changed.', provider: 'outlook' }),
      'Sign-in not completed',
      'You chose not to allow',
    );
    expect(await page.getByRole('link', { name: 'Try again' }).getAttribute('href')).toBe('/integrations/connect/calendar/outlook');
    await shoot('callback-error-denied');

    await open(
      q({
        status: 'error',
        code: 'INSUFFICIENT_SCOPE',
        message: 'Junction was not allowed to create and update Teams meetings for your bookings. Connect again and leave every permission ticked. Nothing was changed.',
        provider: 'microsoft_teams',
      }),
      'Sign-in not completed',
      'leave every permission ticked',
    );
    await shoot('callback-error-scope');

    // A forged answer, finished through the real oauth:callback: first the processing state (held), then the core's refusal.
    const held: Route[] = [];
    await page.route('**/ipc/oauth:callback', (route) => {
      held.push(route);
    });
    await h.goto('/integrations/callback?state=forged-state&code=forged-code'); // not open(): a held request never goes idle
    await page.getByText('Finishing sign-in…').waitFor();
    await shoot('callback-processing');
    await page.unroute('**/ipc/oauth:callback');
    for (const r of held) await r.continue().catch(() => undefined);
    await page.getByRole('heading', { name: 'Sign-in not completed', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('code')).toBe('OAUTH_STATE_INVALID');
    await shoot('callback-error-forged-state');

    // The automatic redirect, on a page of its own with a fake clock.
    const p2 = await h.context.newPage();
    try {
      await p2.clock.install();
      await h.goto(q({ status: 'success', integrationType: 'video', integrationId: ids.zoom, provider: 'zoom', email: 'ada@example.com', missing: '' }), p2);
      await p2.getByText('Going to Video in 8 s…').waitFor();
      await p2.clock.runFor(8_500);
      await p2.waitForURL('**/integrations/video');
      await p2.getByRole('heading', { name: 'Video', level: 1 }).waitFor();
    } finally {
      await p2.close();
    }

    await open('/integrations/callback', 'Finishing sign-in', 'Waiting for the provider…');
    await shoot('callback-waiting');
    // Electron: main pushes integration:changed once the deep link completed the sign-in.
    const stream = eventStreamOpen(page);
    await open('/integrations/callback', 'Finishing sign-in', 'Waiting for the provider…');
    await stream;
    h.core.pushes.emit('integration:changed', { integrationType: 'calendar', id: ids.google, provider: 'google', change: 'created' });
    await page.getByRole('heading', { name: 'Google Calendar connected as ada@example.com' }).waitFor();
    h.takeErrors();
  });

  test('calendars and video lists with connected, disconnected and partial rows; disconnect', async () => {
    await open('/integrations/calendar', 'Calendars', 'ada.lovelace@contoso.example');
    await shoot('calendars-list');
    await open('/integrations/video', 'Video', 'ada@webex.example');
    await shoot('video-list');
    expect(await page.getByRole('link', { name: 'Reconnect Microsoft Teams (ada.lovelace@contoso.example)' }).getAttribute('href')).toBe(
      `/integrations/connect/video/microsoft_teams?reconnect=${ids.teams}`,
    );

    // Outlook: Microsoft has no revocation endpoint, so nothing leaves this machine.
    await whenNotBuilt('calendar:disconnect', () => ({
      ok: true,
      data: {
        id: ids.outlook,
        revoked: false,
        message:
          'Junction deleted its tokens for ada.lovelace@contoso.example. Microsoft offers no way for apps to revoke their access: to remove Junction’s consent, open https://myapps.microsoft.com (or https://account.live.com/consent/Manage for personal accounts) and remove Junction.',
      },
    }));
    await open('/integrations/calendar', 'Calendars', 'ada.lovelace@contoso.example');
    await page.getByRole('button', { name: 'Disconnect Outlook (ada.lovelace@contoso.example)' }).click();
    const d = page.getByRole('dialog', { name: 'Disconnect Outlook?' });
    await d.waitFor();
    await shoot('calendars-disconnect-confirm');
    await d.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByRole('dialog', { name: 'Outlook disconnected' }).waitFor();
    await shoot('calendars-disconnect-result');
    await page.keyboard.press('Escape');
    await page.unroute('**/ipc/calendar:disconnect');

    await page.setViewportSize({ width: 640, height: 900 });
    await open('/integrations/video', 'Video', 'ada@webex.example');
    await shoot('video-list-narrow');
    await page.setViewportSize({ width: 1280, height: 860 });
    h.takeErrors();
  });

  test('notifications: bell, panel, banner, live push', async () => {
    await seedNotifications();
    await notificationsFallback();
    await open('/integrations', 'Overview', 'Recent activity');
    await page.getByRole('button', { name: 'Notifications, 2 unread' }).waitFor();
    await page.getByText('Outlook was disconnected').first().waitFor();
    await shoot('banner');

    const bell = page.getByRole('button', { name: /^Notifications, / });
    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Google Calendar connected').waitFor();
    await shoot('notifications-panel');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('notifications-bell');

    await page.setViewportSize({ width: 640, height: 900 });
    await bell.click();
    await panel.getByText('Google Calendar connected').waitFor();
    await shoot('notifications-panel-narrow');
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 860 });

    // Dismiss the banner's notification: the next one shows, the count drops.
    await page.getByRole('button', { name: 'Dismiss “Outlook was disconnected” (mark as read)' }).click();
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
    await page.getByRole('region', { name: 'Error' }).getByText('Microsoft Teams was disconnected').waitFor();

    // Live: a new one arrives over the push channel.
    const stream = eventStreamOpen(page);
    await open('/bookings', 'Bookings');
    await stream;
    const live: AppNotification = {
      id: randomUUID(),
      kind: 'integration_disconnected',
      severity: 'error',
      title: 'Zoom was disconnected',
      body: 'Zoom refused to renew Junction’s access (invalid_grant). Press Reconnect to sign in again; settings and history are kept.',
      integrationType: 'video',
      integrationId: ids.zoom,
      actionRoute: `/integrations/connect/video/zoom?reconnect=${ids.zoom}`,
      createdAt: Date.now(),
      readAt: null,
    };
    notifications.unshift(live);
    h.core.pushes.emit('notification:added', live);
    const banner = page.getByRole('region', { name: 'Error' });
    await banner.getByText('Zoom was disconnected').waitFor();
    expect(await banner.getByRole('link', { name: 'Reconnect' }).getAttribute('href')).toBe(`/integrations/connect/video/zoom?reconnect=${ids.zoom}`);
    await shoot('banner-live-zoom');
    await page.unroute('**/ipc/notifications:list');
    await page.unroute('**/ipc/notifications:markRead');
    h.takeErrors();
  });

  test('settings → providers: saved secret, environment override, validation', async () => {
    await invoke(h.core, 'providers:update', { provider: 'google', clientId: '1234567890-abc.apps.googleusercontent.com', clientSecret: 'GOCSPX-screens-secret' });
    await invoke(h.core, 'providers:update', { provider: 'webex', clientId: 'C0ffee-webex-client', authUrl: 'http://127.0.0.1:4010/v1/authorize' });
    await open('/settings', 'Settings', 'Pause background jobs');
    await shoot('settings-general-tabs');
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    await page.getByRole('heading', { name: 'Google', level: 2 }).waitFor();
    await page.getByText('Set by JUNCTION_ZOOM_CLIENT_ID — the environment wins.').waitFor();
    expect(await page.locator('#provider-zoom').getByLabel('Client id').isDisabled()).toBe(true);
    expect(await page.locator('#provider-google').getByLabel(/Client secret/).inputValue()).toBe('');
    await shoot('settings-providers');

    const ms = page.locator('#provider-microsoft');
    await ms.locator('summary').click();
    await ms.getByLabel('Token URL').fill('not a url');
    await ms.getByRole('button', { name: 'Save Microsoft' }).click();
    await ms.locator('.field-error').first().waitFor();
    expect(await ms.locator('.field-error').first().textContent()).toBe('Enter a full address, like https://example.com/path');
    await page.evaluate('window.scrollTo(0, 0)'); // full-page shots of a scrolled page misplace the sticky sidebar
    await shoot('settings-providers-validation');
    expect(h.takeErrors().filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  test('sandbox banner (app:info stubbed: a sandbox core is not started here)', async () => {
    await page.route('**/ipc/app:info', (route) => route.fulfill(json({ ok: true, data: { version: '0.1.0', host: 'browser', sandbox: true } })));
    await open('/integrations/video', 'Video', 'Sandbox — simulated providers');
    const banner = page.getByRole('status').filter({ hasText: 'Sandbox — simulated providers' });
    expect(await banner.count()).toBe(1);
    await shoot('sandbox-banner');
    await open('/integrations/connect/video/zoom', 'Connect Zoom', 'Sandbox — simulated providers');
    await shoot('sandbox-banner-connect');
    await page.unroute('**/ipc/app:info');
    h.takeErrors();
  });
});
