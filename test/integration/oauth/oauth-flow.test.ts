// OAuth connect end to end through the IPC router, against the provider emulators (test/emulators/oauth).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CalendarIntegrationView, OAuthResult, OAuthStart, VideoIntegrationView } from '../../../shared/domain';
import type { IntegrationChanged } from '../../../shared/ipc/push';
import { createCore, type Core } from '../../../main/core';
import { ManualClock } from '../../../main/lib/clock';
import { type AllOAuthEmulators, junctionEnvFor, startAllOAuthEmulators } from '../../emulators/oauth';
import { tempDir } from '../../support/temp';

const CALLBACK = 'http://127.0.0.1:47999/oauth/callback';

let emulators: AllOAuthEmulators;
beforeAll(async () => {
  emulators = await startAllOAuthEmulators({ tokenPrefix: 'OAUTHFLOWMARK', redirectUris: [CALLBACK] });
});
afterAll(async () => {
  await emulators.close();
});

describe('OAuth connect against the emulators', () => {
  let core: Core;
  let clock: ManualClock;
  let cleanup: () => void;
  let changes: IntegrationChanged[];

  beforeEach(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    clock = new ManualClock(Date.now());
    core = await createCore({ dataDir: t.dir, clock, startScheduler: false, env: junctionEnvFor(emulators) });
    core.accounts.oauth.useHostCallback(CALLBACK);
    changes = [];
    core.pushes.subscribe((name, p) => {
      if (name === 'integration:changed') changes.push(p as IntegrationChanged);
    });
  });
  afterEach(async () => {
    await core.dispose();
    cleanup();
  });

  async function ok<T>(channel: string, input: unknown): Promise<T> {
    const r = await core.router.invoke(channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  }
  const fail = async (channel: string, input: unknown) => {
    const r = await core.router.invoke(channel, input);
    if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
    return r.error;
  };
  const integrationRows = async () => [
    ...(await core.db.selectFrom('calendar_integrations').selectAll().execute()),
    ...(await core.db.selectFrom('video_integrations').selectAll().execute()),
  ];
  const start = (provider: string, integrationType: string, extra: Record<string, unknown> = {}) =>
    ok<OAuthStart>('oauth:initiate', { provider, integrationType, ...extra });

  const cases = [
    { provider: 'google', type: 'calendar', emu: 'google', stored: 'google', email: /@/ },
    { provider: 'google', type: 'video', emu: 'google', stored: 'google_meet', email: /@/ },
    { provider: 'outlook', type: 'calendar', emu: 'microsoft', stored: 'outlook', email: /@/ },
    { provider: 'microsoft_teams', type: 'video', emu: 'microsoft', stored: 'microsoft_teams', email: /@/ },
    { provider: 'zoom', type: 'video', emu: 'zoom', stored: 'zoom', email: /@/ },
    { provider: 'webex', type: 'video', emu: 'webex', stored: 'webex', email: /@/ },
  ] as const;

  for (const c of cases) {
    it(`connects ${c.provider} as ${c.type}: PKCE + state in the request, tokens sealed, account email stored`, async () => {
      const s = await start(c.provider, c.type);
      const auth = new URL(s.authorizationUrl);
      expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
      expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(auth.searchParams.get('state')!.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits, base64url
      expect(auth.searchParams.get('redirect_uri')).toBe(CALLBACK);
      expect(s.openedExternally).toBe(false);
      const back = await emulators[c.emu].authorize(s.authorizationUrl);
      const r = await ok<OAuthResult>('oauth:callback', { url: back });
      expect(r).toMatchObject({ status: 'connected', provider: c.stored, integrationType: c.type, missingScopes: [] });
      expect(r.email).toMatch(c.email);
      const list = await ok<(CalendarIntegrationView | VideoIntegrationView)[]>(`${c.type}:list`, {});
      expect(list).toEqual([expect.objectContaining({ id: r.integrationId, provider: c.stored, providerEmail: r.email, status: 'connected' })]);
      const [row] = await integrationRows();
      expect(row!.access_token).toMatch(/^v1:aesgcm:/);
      expect(JSON.stringify(row)).not.toContain('OAUTHFLOWMARK');
      expect(core.vault.open(row!.access_token!)).toContain('OAUTHFLOWMARK');
      expect(changes).toEqual([{ integrationType: c.type, id: r.integrationId, provider: c.stored, change: 'created' }]);
      const logs = await ok<{ items: { logType: string; message: string }[] }>('logs:list', { logType: 'account' });
      expect(logs.items[0]!.message).toContain('Connected');
    });
  }

  it('refuses a forged state, a replayed state and an expired state, changing nothing', async () => {
    const s = await start('zoom', 'video');
    const back = await emulators.zoom.authorize(s.authorizationUrl);
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-value-0123456789');
    expect(await fail('oauth:callback', { url: forged.href })).toMatchObject({ code: 'OAUTH_STATE_INVALID' });

    await ok('oauth:callback', { url: back });
    const replay = await fail('oauth:callback', { url: back });
    expect(replay).toMatchObject({ code: 'OAUTH_STATE_INVALID', message: expect.stringMatching(/already used/) });
    expect(await integrationRows()).toHaveLength(1);

    const s2 = await start('webex', 'video');
    const back2 = await emulators.webex.authorize(s2.authorizationUrl);
    clock.advance(10 * 60 * 1000 + 1);
    expect(await fail('oauth:callback', { url: back2 })).toMatchObject({
      code: 'OAUTH_STATE_INVALID',
      message: expect.stringMatching(/expired/),
    });
    expect(await integrationRows()).toHaveLength(1);
  });

  it('refuses an answer carrying another provider’s code, or arriving at another address', async () => {
    const g = new URL((await start('google', 'calendar')).authorizationUrl);
    const zoomBack = new URL(await emulators.zoom.authorize((await start('zoom', 'video')).authorizationUrl));
    zoomBack.searchParams.set('state', g.searchParams.get('state')!);
    expect(await fail('oauth:callback', { url: zoomBack.href })).toMatchObject({ code: 'OAUTH_FAILED' });

    const w = await emulators.webex.authorize((await start('webex', 'video')).authorizationUrl);
    const moved = new URL(w);
    moved.port = '47998';
    expect(await fail('oauth:callback', { url: moved.href })).toMatchObject({
      code: 'OAUTH_STATE_INVALID',
      message: expect.stringMatching(/different address/),
    });
    expect(await integrationRows()).toHaveLength(0);
  });

  it('Deny, a partial grant, a reused code, an expired code and a wrong verifier each end in a clear message and no change', async () => {
    const denied = await emulators.google.authorize((await start('google', 'calendar')).authorizationUrl, { allow: false });
    expect(await fail('oauth:callback', { url: denied })).toMatchObject({
      code: 'OAUTH_DENIED',
      message: expect.stringMatching(/chose not to allow Junction to use Google Calendar\. Nothing was changed/),
    });

    const partial = await emulators.google.authorize((await start('google', 'calendar')).authorizationUrl, {
      scopes: ['openid', 'email', 'https://www.googleapis.com/auth/calendar.events'],
    });
    const p = await fail('oauth:callback', { url: partial });
    expect(p).toMatchObject({ code: 'INSUFFICIENT_SCOPE' });
    expect(p.message).toMatch(/^Junction was not allowed to see and manage your calendars\./);

    // Reused code: someone else redeemed it first (we play them, with the flow's own verifier).
    const s = await start('zoom', 'video');
    const back = new URL(await emulators.zoom.authorize(s.authorizationUrl));
    const stateRow = await core.db
      .selectFrom('oauth_states')
      .selectAll()
      .where('provider', '=', 'zoom')
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    const stolen = await fetch(emulators.zoom.endpoints.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('JunctionZoomClient01:zoom-junction-emulator-secret').toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: CALLBACK,
        code_verifier: core.vault.open(stateRow.code_verifier),
      }),
    });
    expect(stolen.status).toBe(200);
    expect(await fail('oauth:callback', { url: back.href })).toMatchObject({
      code: 'OAUTH_FAILED',
      message: expect.stringMatching(/already used or has expired/),
    });

    const s2 = await start('outlook', 'calendar');
    const back2 = new URL(await emulators.microsoft.authorize(s2.authorizationUrl));
    emulators.microsoft.expireCode(back2.searchParams.get('code')!);
    expect(await fail('oauth:callback', { url: back2.href })).toMatchObject({ code: 'OAUTH_FAILED' });

    // A code presented with the wrong verifier fails at the provider (PKCE verified there).
    const s3 = await start('webex', 'video');
    const back3 = await emulators.webex.authorize(s3.authorizationUrl);
    await core.db
      .updateTable('oauth_states')
      .set({ code_verifier: core.vault.seal('a-wrong-verifier-that-is-long-enough-to-be-valid-0123456789') })
      .where('used_at', 'is', null)
      .where('provider', '=', 'webex')
      .execute();
    expect(await fail('oauth:callback', { url: back3 })).toMatchObject({ code: 'OAUTH_FAILED' });

    expect(await integrationRows()).toHaveLength(0);
    expect(changes).toEqual([]);
  });

  it('reconnects a disconnected integration in place', async () => {
    const first = await ok<OAuthResult>('oauth:callback', {
      url: await emulators.zoom.authorize((await start('zoom', 'video')).authorizationUrl),
    });
    await core.db
      .updateTable('video_integrations')
      .set({ connection_status: 'disconnected', status_reason: 'revoked', is_active: 0 })
      .execute();
    const again = await ok<OAuthResult>('oauth:callback', {
      url: await emulators.zoom.authorize((await start('zoom', 'video', { reconnectId: first.integrationId })).authorizationUrl),
    });
    expect(again).toMatchObject({ status: 'reconnected', integrationId: first.integrationId });
    const [v] = await ok<VideoIntegrationView[]>('video:list', {});
    expect(v).toMatchObject({ id: first.integrationId, status: 'connected', statusReason: null, isActive: true });
  });

  it('a malformed callback is a VALIDATION error', async () => {
    expect(await fail('oauth:callback', { url: 'not a url' })).toMatchObject({ code: 'VALIDATION' });
    expect(await fail('oauth:callback', {})).toMatchObject({ code: 'VALIDATION' });
  });
});

describe('desktop redirect: a one-shot loopback listener (RFC 8252 §7.3)', () => {
  it('Google returns to 127.0.0.1:<ephemeral>, the tab is told to close, the integration exists', async () => {
    const t = tempDir();
    const core = await createCore({ dataDir: t.dir, startScheduler: false, env: junctionEnvFor(emulators) });
    try {
      const r = await core.router.invoke('oauth:initiate', { provider: 'google', integrationType: 'calendar' });
      if (!r.ok) throw new Error(r.error.message);
      const s = r.data as OAuthStart;
      expect(s.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      const back = await emulators.google.authorize(s.authorizationUrl);
      expect(back.startsWith(s.redirectUri)).toBe(true);
      const page = await fetch(back);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('You can close this tab');
      const list = await core.router.invoke('calendar:list', {});
      expect(list.ok && (list.data as CalendarIntegrationView[])[0]?.provider).toBe('google');
      // One-shot: the listener is gone.
      await expect(fetch(back)).rejects.toThrow();
    } finally {
      await core.dispose();
      t.cleanup();
    }
  });

  it('Microsoft flows use the custom scheme junction://oauth/callback', async () => {
    const t = tempDir();
    const core = await createCore({ dataDir: t.dir, startScheduler: false, env: junctionEnvFor(emulators) });
    try {
      const r = await core.router.invoke('oauth:initiate', { provider: 'outlook', integrationType: 'calendar' });
      expect(r.ok && (r.data as OAuthStart).redirectUri).toBe('junction://oauth/callback');
      const back = await emulators.microsoft.authorize((r as { data: OAuthStart }).data.authorizationUrl);
      expect(back.startsWith('junction://oauth/callback?')).toBe(true);
      const done = await core.router.invoke('oauth:callback', { url: back });
      expect(done).toMatchObject({ ok: true, data: { provider: 'outlook', status: 'connected' } });
    } finally {
      await core.dispose();
      t.cleanup();
    }
  });
});
