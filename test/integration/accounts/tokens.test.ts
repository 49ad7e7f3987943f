// TokenManager against the OAuth emulators: one shared refresh, Zoom rotation, invalid_grant → disconnected,
// transient failures leave the integration alone, the refresh job.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { ApiCallsRepo } from '../../../main/db/repos/api-calls';
import { REFRESH_JOB, registerTokenRefreshJob } from '../../../main/oauth/refresh-job';
import { TokenManager } from '../../../main/oauth/tokens';
import { Scheduler } from '../../../main/scheduler/scheduler';
import { type Harness, makeHarness } from './harness';

const HOUR = 3_600_000;

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('TokenManager', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness({ tokenPrefix: 'MARKEDtok' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns the stored token while it is fresh, without calling the provider', async () => {
    const { ref, accessToken } = await h.connect('google', 'calendar', 'google');
    expect(await h.tokens.getAccessToken(ref)).toBe(accessToken);
    expect(h.emulators.google.counters.refreshRequests).toBe(0);
  });

  it('20 concurrent callers on an expired token cause exactly one refresh, and all get the new token', async () => {
    const { ref, accessToken } = await h.connect('google', 'calendar', 'google');
    h.clock.advance(HOUR + 1);
    const got = await Promise.all(Array.from({ length: 20 }, () => h.tokens.getAccessToken(ref)));
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
    const fresh = h.emulators.google.issuedTokens({ kind: 'access', activeOnly: true });
    expect(fresh).toHaveLength(1);
    expect(new Set(got)).toEqual(new Set([fresh[0]!.value]));
    expect(got[0]).not.toBe(accessToken);
    // The new expiry is stored; the next call is served from the database.
    const row = await h.accounts.get(ref);
    expect(row?.tokenExpiresAt).toBe(h.clock.now() + HOUR);
    await h.tokens.getAccessToken(ref);
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
    // The attempt is on record for health metrics.
    const calls = await new ApiCallsRepo(h.db).list();
    expect(calls.map((c) => [c.operation, c.status, c.error_code])).toEqual([['oauth.refresh', 200, null]]);
  });

  it('refreshes a little before expiry (2 min skew), not after', async () => {
    const { ref } = await h.connect('google', 'calendar', 'google');
    h.clock.advance(HOUR - 121_000);
    await h.tokens.getAccessToken(ref);
    expect(h.emulators.google.counters.refreshRequests).toBe(0);
    h.clock.advance(2000);
    await h.tokens.getAccessToken(ref);
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
  });

  it('Zoom rotation: the new refresh token replaces the old one, which the provider now rejects', async () => {
    const { ref, refreshToken: first } = await h.connect('zoom', 'video', 'zoom');
    expect(first).toBeTruthy();
    h.clock.advance(HOUR);
    await h.tokens.getAccessToken(ref);
    const refreshTokens = h.emulators.zoom.issuedTokens({ kind: 'refresh' });
    expect(refreshTokens).toHaveLength(2);
    const [old, current] = refreshTokens;
    expect(old!.value).toBe(first);
    expect(old!.revokedReason).toBe('rotated');
    expect(current!.revoked).toBe(false);

    // The database holds only the new one, sealed.
    const stored = await h.db.selectFrom('video_integrations').select(['refresh_token', 'access_token']).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.refresh_token).toMatch(/^v1:/);
    expect(stored[0]!.refresh_token).not.toContain('MARKEDtok');
    expect(h.vault.open(stored[0]!.refresh_token!)).toBe(current!.value);

    // The old refresh token is dead at the emulator (a second refresh with it fails).
    const client = h.emulators.zoom.clients[0]!;
    const res = await fetch(h.emulators.zoom.endpoints.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first! }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');

    // And the chain continues with the stored one.
    h.clock.advance(HOUR);
    await h.tokens.getAccessToken(ref);
    expect(h.emulators.zoom.counters.refreshRequests).toBe(3);
    expect((await h.accounts.get(ref))?.connectionStatus).toBe('connected');
  });

  it('Webex (refresh token returned unchanged) and Microsoft (public client) refresh too', async () => {
    const webex = await h.connect('webex', 'video', 'webex');
    const outlook = await h.connect('microsoft', 'calendar', 'outlook');
    h.clock.advance(15 * 24 * HOUR);
    const [w, o] = await Promise.all([h.tokens.getAccessToken(webex.ref), h.tokens.getAccessToken(outlook.ref)]);
    expect(w).not.toBe(webex.accessToken);
    expect(o).not.toBe(outlook.accessToken);
    expect(h.emulators.webex.counters.refreshRequests).toBe(1);
    expect(h.emulators.microsoft.counters.refreshRequests).toBe(1);
  });

  it('invalid_grant after revocation: disconnected (kept), one notification, one error log, pushed, DISCONNECTED', async () => {
    const { ref } = await h.connect('google', 'calendar', 'google');
    expect(h.emulators.google.revokeAll()).toBe(1);
    h.clock.advance(HOUR);
    const errors = await Promise.all(Array.from({ length: 5 }, () => rejection(h.tokens.getAccessToken(ref))));
    for (const e of errors) expect(e.code).toBe('DISCONNECTED');
    expect(errors[0]!.message).toMatch(/Google Calendar was disconnected/);
    expect(h.emulators.google.counters.refreshRequests).toBe(1);

    const row = await h.accounts.get(ref);
    expect(row?.connectionStatus).toBe('disconnected');
    expect(row?.isActive).toBe(false);
    expect(row?.statusReason).toMatch(/no longer accepts/);
    expect(row?.refreshToken).not.toBeNull(); // nothing deleted: Reconnect restores it in place

    const inbox = await h.notifications.list({});
    expect(inbox.items).toHaveLength(1);
    const n = inbox.items[0]!;
    expect(n).toMatchObject({
      kind: 'integration_disconnected',
      severity: 'error',
      title: 'Google Calendar was disconnected',
      integrationType: 'calendar',
      integrationId: ref.id,
      actionRoute: `/integrations/connect/calendar/google?reconnect=${ref.id}`,
      readAt: null,
    });
    expect(h.shown).toHaveLength(1);
    expect(h.pushesOf('notification:added')).toHaveLength(1);

    const logs = await h.logs.list({ logType: 'error' });
    expect(logs.items).toHaveLength(1);
    expect(logs.items[0]!.message).toMatch(/press Reconnect/);
    expect(logs.items[0]!.integrationId).toBe(ref.id);
    expect(logs.items[0]!.details).toMatchObject({
      event: 'integration_disconnected',
      reconnect: { route: `/integrations/connect/calendar/google?reconnect=${ref.id}` },
    });
    expect(h.pushesOf('integration:changed').filter((c) => c.change === 'disconnected')).toEqual([
      { integrationType: 'calendar', id: ref.id, provider: 'google', change: 'disconnected' },
    ]);

    // Later calls fail at once, without asking the provider again, and notify nobody again.
    const again = await rejection(h.tokens.getAccessToken(ref));
    expect(again.code).toBe('DISCONNECTED');
    expect(again.message).toMatch(/Reconnect it in Integrations/);
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
    expect((await h.notifications.list({})).items).toHaveLength(1);

    const calls = await new ApiCallsRepo(h.db).list();
    expect(calls.map((c) => [c.operation, c.status, c.error_code])).toEqual([['oauth.refresh', 400, 'DISCONNECTED']]);
  });

  it('Zoom invalid_grant (revoked at Zoom) disconnects the video integration with a video reconnect route', async () => {
    const { ref } = await h.connect('zoom', 'video', 'zoom');
    h.emulators.zoom.revokeAll();
    h.clock.advance(HOUR);
    expect((await rejection(h.tokens.refresh(ref, { force: true }))).code).toBe('DISCONNECTED');
    const [n] = (await h.notifications.list({})).items;
    expect(n?.actionRoute).toBe(`/integrations/connect/video/zoom?reconnect=${ref.id}`);
    expect(n?.title).toBe('Zoom was disconnected');
  });

  it('5xx, malformed responses and network failures are PROVIDER_UNAVAILABLE and do not disconnect', async () => {
    const { ref } = await h.connect('google', 'calendar', 'google');
    h.clock.advance(HOUR);

    h.emulators.google.failNext('token', { status: 503 });
    const e503 = await rejection(h.tokens.getAccessToken(ref));
    expect(e503.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e503.message).toMatch(/^Google /);

    h.emulators.google.failNext('token', { status: 500 });
    expect((await rejection(h.tokens.getAccessToken(ref))).code).toBe('PROVIDER_UNAVAILABLE');

    h.emulators.google.failNext('token', { malformed: true });
    const bad = await rejection(h.tokens.getAccessToken(ref));
    expect(bad.code).toBe('PROVIDER_UNAVAILABLE');
    expect(bad.message).toMatch(/could not read/);

    const offline = new TokenManager({
      db: h.db,
      clock: h.clock,
      vault: h.vault,
      config: h.config,
      notifications: h.notifications,
      logs: h.logs,
      pushes: h.pushes,
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      },
    });
    const net = await rejection(offline.getAccessToken(ref));
    expect(net.code).toBe('PROVIDER_UNAVAILABLE');
    expect(net.message).toMatch(/could not be reached/);

    expect((await h.accounts.get(ref))?.connectionStatus).toBe('connected');
    expect((await h.notifications.list({})).items).toHaveLength(0);
    // Each failure is logged (without a token) so a person can see why things are stale.
    const logs = await h.logs.list({ logType: 'error' });
    expect(logs.items).toHaveLength(4);
    expect(logs.items.every((l) => l.message.startsWith('Junction could not renew its access to Google Calendar'))).toBe(true);

    // Once the provider is back, the refresh succeeds.
    const token = await h.tokens.getAccessToken(ref);
    expect(token).toBe(h.emulators.google.issuedTokens({ kind: 'access', activeOnly: true }).at(-1)!.value);
    const calls = await new ApiCallsRepo(h.db).list();
    expect(calls.map((c) => [c.status, c.error_code])).toEqual([
      [503, 'PROVIDER_UNAVAILABLE'],
      [500, 'PROVIDER_UNAVAILABLE'],
      [200, 'PROVIDER_UNAVAILABLE'],
      [null, 'PROVIDER_UNAVAILABLE'],
      [200, null],
    ]);
  });

  it('a missing OAuth client is NOT_CONFIGURED and does not disconnect', async () => {
    const { ref } = await h.connect('google', 'calendar', 'google');
    const { ProviderConfigService } = await import('../../../main/oauth/provider-config');
    const tokens = new TokenManager({
      db: h.db,
      clock: h.clock,
      vault: h.vault,
      config: new ProviderConfigService(h.ctx, h.vault, {}),
      notifications: h.notifications,
      logs: h.logs,
      pushes: h.pushes,
    });
    h.clock.advance(HOUR);
    expect((await rejection(tokens.getAccessToken(ref))).code).toBe('NOT_CONFIGURED');
    expect((await h.accounts.get(ref))?.connectionStatus).toBe('connected');
  });

  it('an expired token with no refresh token cannot be renewed: disconnected and notified', async () => {
    const { id } = await h.accounts.upsertOAuth(
      {
        organizerId: h.ctx.organizerId,
        kind: 'calendar',
        provider: 'outlook',
        accessToken: h.vault.seal('MARKEDtok-old'),
        refreshToken: null,
        tokenExpiresAt: h.clock.now() + 60_000,
        providerUserId: null,
        providerEmail: 'me@example.com',
        scopes: ['Calendars.ReadWrite', 'User.Read'],
        missingScopes: [],
      },
      h.clock.now(),
    );
    const e = await rejection(h.tokens.getAccessToken({ kind: 'calendar', id }));
    expect(e.code).toBe('DISCONNECTED');
    expect(e.message).toBe(
      'Outlook is disconnected: Outlook did not give Junction a way to renew its access. Reconnect it in Integrations to use it again.',
    );
    expect(h.emulators.microsoft.counters.tokenRequests).toBe(0);
    expect((await h.notifications.list({})).items.map((n) => n.title)).toEqual(['Outlook was disconnected']);
  });

  it('an unknown integration is NOT_FOUND', async () => {
    expect((await rejection(h.tokens.getAccessToken({ kind: 'video', id: 'nope' }))).code).toBe('NOT_FOUND');
  });

  it('a forced refresh with the rejected token is skipped when another caller already replaced it', async () => {
    const { ref, accessToken } = await h.connect('zoom', 'video', 'zoom');
    await h.tokens.refresh(ref, { force: true, rejectedToken: accessToken });
    expect(h.emulators.zoom.counters.refreshRequests).toBe(1);
    // A second caller that got a 401 with the same (old) token must not rotate the grant again.
    await h.tokens.refresh(ref, { force: true, rejectedToken: accessToken });
    expect(h.emulators.zoom.counters.refreshRequests).toBe(1);
  });

  it('refreshExpiring refreshes what expires within the lead time, and the job runs it', async () => {
    const soon = await h.connect('google', 'calendar', 'google');
    const zoom = await h.connect('zoom', 'video', 'zoom');
    const later = await h.connect('webex', 'video', 'webex'); // 14 days
    h.clock.advance(HOUR - 5 * 60_000);
    expect(await h.tokens.refreshExpiring(10 * 60_000)).toEqual({ refreshed: 2, failed: 0 });
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
    expect(h.emulators.zoom.counters.refreshRequests).toBe(1);
    expect(h.emulators.webex.counters.refreshRequests).toBe(0);
    void soon;
    void zoom;
    void later;

    const scheduler = new Scheduler({ db: h.db, clock: h.clock, isPaused: async () => false });
    await registerTokenRefreshJob(scheduler, h.tokens);
    expect(scheduler.isRegistered(REFRESH_JOB)).toBe(true);
    // Registering twice (next start) keeps one schedule.
    await registerTokenRefreshJob(scheduler, h.tokens);
    const jobs = await h.db.selectFrom('jobs').selectAll().where('type', '=', REFRESH_JOB).execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.interval_ms).toBe(5 * 60_000);

    h.emulators.zoom.revokeAll();
    h.clock.advance(HOUR);
    await scheduler.runDue();
    expect(h.emulators.google.counters.refreshRequests).toBe(2);
    expect(h.emulators.zoom.counters.refreshRequests).toBe(2);
    expect((await h.accounts.get(zoom.ref))?.connectionStatus).toBe('disconnected');
    expect((await h.notifications.list({})).items.map((n) => n.title)).toEqual(['Zoom was disconnected']);
    await scheduler.stop();
  });

  it('never writes a token into logs, notifications, api_calls or error messages', async () => {
    const { ref } = await h.connect('zoom', 'video', 'zoom');
    h.clock.advance(HOUR);
    await h.tokens.getAccessToken(ref);
    h.emulators.zoom.failNext('token', { status: 500 });
    h.clock.advance(HOUR);
    const e1 = await rejection(h.tokens.getAccessToken(ref));
    h.emulators.zoom.revokeAll();
    const e2 = await rejection(h.tokens.getAccessToken(ref));
    const secrets = h.emulators.zoom.issuedTokens().map((t) => t.value);
    expect(secrets.length).toBeGreaterThan(2);
    const dump = JSON.stringify([
      await h.db.selectFrom('integration_logs').selectAll().execute(),
      await h.db.selectFrom('notifications').selectAll().execute(),
      await h.db.selectFrom('api_calls').selectAll().execute(),
      e1.toBody(),
      e2.toBody(),
      h.pushed,
    ]);
    expect(dump).not.toContain('MARKEDtok');
    for (const s of secrets) expect(dump).not.toContain(s);
  });
});
