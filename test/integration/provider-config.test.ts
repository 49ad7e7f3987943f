import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderSettingsView } from '../../shared/domain';
import { createCore, type Core } from '../../main/core';
import { tempDir } from '../support/temp';

describe('provider settings: environment > saved settings > defaults', () => {
  let core: Core;
  let cleanup: () => void;
  beforeEach(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    core = await createCore({
      dataDir: t.dir,
      startScheduler: false,
      env: { JUNCTION_ZOOM_CLIENT_ID: 'zoom-from-env', JUNCTION_ZOOM_TOKEN_URL: 'http://127.0.0.1:9/token' },
    });
  });
  afterEach(async () => {
    await core.dispose();
    cleanup();
  });

  const views = async () => {
    const r = await core.router.invoke('providers:get', {});
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return Object.fromEntries((r.data as ProviderSettingsView[]).map((v) => [v.provider, v]));
  };

  it('shows defaults, env overrides with their variable names, and saved values; secrets never returned', async () => {
    const v = await views();
    expect(v.google!.endpoints.authUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(v.google!.clientId).toBeNull();
    expect(v.zoom!.clientId).toBe('zoom-from-env');
    expect(v.zoom!.fromEnv).toEqual({ clientId: 'JUNCTION_ZOOM_CLIENT_ID', tokenUrl: 'JUNCTION_ZOOM_TOKEN_URL' });
    expect(v.zoom!.endpoints.tokenUrl).toBe('http://127.0.0.1:9/token');

    const saved = await core.router.invoke('providers:update', {
      provider: 'google',
      clientId: 'g-client',
      clientSecret: 'G-SECRET-MARK',
      authUrl: 'http://127.0.0.1:1234/auth',
    });
    expect(saved).toMatchObject({ ok: true, data: { clientId: 'g-client', hasClientSecret: true } });
    expect(JSON.stringify(saved)).not.toContain('G-SECRET-MARK');
    const row = await core.db.selectFrom('provider_credentials').selectAll().executeTakeFirstOrThrow();
    expect(row.client_secret).not.toContain('G-SECRET-MARK');
    expect(core.vault.open(row.client_secret!)).toBe('G-SECRET-MARK');
    expect((await views()).google!.endpoints.authUrl).toBe('http://127.0.0.1:1234/auth');

    // null clears back to the default
    await core.router.invoke('providers:update', { provider: 'google', authUrl: null, clientSecret: null });
    const after = (await views()).google!;
    expect(after.endpoints.authUrl).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(after.hasClientSecret).toBe(false);
  });

  it('refuses a bad endpoint and changes nothing; oauth:initiate without a client id says NOT_CONFIGURED', async () => {
    expect(await core.router.invoke('providers:update', { provider: 'webex', authUrl: 'ftp://x' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await core.db.selectFrom('provider_credentials').selectAll().execute()).toEqual([]);
    const r = await core.router.invoke('oauth:initiate', { provider: 'google', integrationType: 'calendar' });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
    if (!r.ok) expect(r.error.message).toMatch(/Settings → Providers.*JUNCTION_GOOGLE_CLIENT_ID/);
    expect(await core.router.invoke('oauth:initiate', { provider: 'zoom', integrationType: 'calendar' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });
});
