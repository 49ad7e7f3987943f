// Tokens, client secrets and CalDAV passwords never appear in plaintext anywhere: the database file and its
// -wal/-shm, any row, console output, IPC responses or pushes — after connect, refresh, rotation, revocation,
// provider failure and disconnect. Searched in raw, base64, base64url and hex form.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OAuthResult, OAuthStart } from '../../../shared/domain';
import { createCore, DATABASE_FILE, type Core } from '../../../main/core';
import { ManualClock } from '../../../main/lib/clock';
import { type AllOAuthEmulators, junctionEnvFor, startAllOAuthEmulators } from '../../emulators/oauth';
import { type RadicaleServer, startRadicale } from '../../support/radicale';
import { tempDir } from '../../support/temp';

const CALLBACK = 'http://127.0.0.1:47997/oauth/callback';
const CALDAV_PASSWORD = 'caldav-SCANMARK-app-password-1';
const SAVED_CLIENT_SECRET = 'client-secret-SCANMARK-saved';

const forms = (s: string): string[] => {
  const b = Buffer.from(s, 'utf8');
  return [s, b.toString('base64'), b.toString('base64url'), b.toString('hex')];
};

describe('no secret in plaintext, anywhere', () => {
  let emulators: AllOAuthEmulators;
  let radicale: RadicaleServer;
  let core: Core;
  let dataDir: string;
  let cleanup: () => void;
  const wire: string[] = [];
  const consoleOut: string[] = [];

  beforeAll(async () => {
    emulators = await startAllOAuthEmulators({ tokenPrefix: 'SCANMARK', redirectUris: [CALLBACK] });
    radicale = await startRadicale({ users: [{ username: 'scan-user', password: CALDAV_PASSWORD }] });
    await radicale.createCalendar('scan-user', CALDAV_PASSWORD, 'Work');
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        consoleOut.push(args.map(String).join(' '));
      });
    }
    const t = tempDir();
    dataDir = t.dir;
    cleanup = t.cleanup;
    const clock = new ManualClock(Date.now());
    core = await createCore({ dataDir, clock, startScheduler: false, env: junctionEnvFor(emulators) });
    core.accounts.oauth.useHostCallback(CALLBACK);
    core.pushes.subscribe((name, payload) => wire.push(`${name} ${JSON.stringify(payload)}`));
    const invoke = async (channel: string, input: unknown) => {
      const r = await core.router.invoke(channel, input);
      wire.push(`${channel} ${JSON.stringify(r)}`);
      return r;
    };
    const connect = async (provider: string, integrationType: string, emu: keyof typeof emulators) => {
      const s = await invoke('oauth:initiate', { provider, integrationType });
      if (!s.ok) throw new Error(s.error.message);
      const back = await emulators[emu as 'google'].authorize((s.data as OAuthStart).authorizationUrl);
      const r = await invoke('oauth:callback', { url: back });
      if (!r.ok) throw new Error(r.error.message);
      return r.data as OAuthResult;
    };

    await invoke('providers:update', { provider: 'google', clientSecret: SAVED_CLIENT_SECRET });
    const zoom = await connect('zoom', 'video', 'zoom');
    const google = await connect('google', 'calendar', 'google');
    const outlook = await connect('outlook', 'calendar', 'microsoft');
    await connect('webex', 'video', 'webex');

    // Refresh (Zoom rotates its refresh token on every refresh) — twice.
    clock.advance(2 * 60 * 60 * 1000);
    await core.accounts.tokens.getAccessToken({ kind: 'video', id: zoom.integrationId });
    await core.accounts.tokens.refresh({ kind: 'video', id: zoom.integrationId }, { force: true });
    // A provider failure during refresh.
    emulators.microsoft.failNext('token', { status: 503 });
    await core.accounts.tokens.refresh({ kind: 'calendar', id: outlook.integrationId }, { force: true }).catch(() => undefined);
    // Revoked at the provider → invalid_grant → disconnected and notified.
    emulators.google.revokeAll();
    await core.accounts.tokens.refresh({ kind: 'calendar', id: google.integrationId }, { force: true }).catch(() => undefined);
    // CalDAV: a wrong password, then the right one.
    await invoke('caldav:connect', { serverUrl: radicale.url, username: 'scan-user', password: `${CALDAV_PASSWORD}-wrong` });
    await invoke('caldav:connect', { serverUrl: radicale.url, username: 'scan-user', password: CALDAV_PASSWORD });
    // Disconnect with revocation.
    await invoke('video:disconnect', { id: zoom.integrationId });
    // Everything the renderer can read.
    for (const [channel, input] of [
      ['calendar:list', {}],
      ['video:list', {}],
      ['logs:list', { limit: 500 }],
      ['notifications:list', {}],
      ['providers:get', {}],
      ['overview:get', {}],
    ] as const) {
      await invoke(channel, input);
    }
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await core?.dispose();
    await radicale?.stop();
    await emulators?.close();
    cleanup?.();
  });

  it('the flows really ran (tokens issued, rotated, revoked; a disconnect and a failure were recorded)', async () => {
    expect(emulators.zoom.issuedTokens({ kind: 'refresh' }).length).toBeGreaterThanOrEqual(3);
    const logs = wire.filter((w) => w.startsWith('logs:list')).join('');
    expect(logs).toMatch(/disconnected/i);
    expect(wire.some((w) => w.startsWith('notification:added'))).toBe(true);
    expect(wire.some((w) => w.startsWith('caldav:connect') && w.includes('AUTH_FAILED'))).toBe(true);
  });

  it('finds none of them in the database files, the rows, console output, IPC responses or pushes', async () => {
    const secrets = [
      ...Object.values({ g: emulators.google, m: emulators.microsoft, z: emulators.zoom, w: emulators.webex }).flatMap((e) =>
        e.issuedTokens().map((t) => t.value),
      ),
      ...Object.values(junctionEnvFor(emulators)).filter((v, i, all) => all.indexOf(v) === i && /secret/i.test(v)),
      SAVED_CLIENT_SECRET,
      CALDAV_PASSWORD,
      `${CALDAV_PASSWORD}-wrong`,
    ];
    expect(secrets.length).toBeGreaterThan(15);
    const haystacks: Record<string, string> = {
      wire: wire.join('\n'),
      console: consoleOut.join('\n'),
    };
    for (const suffix of ['', '-wal', '-shm']) {
      const file = join(dataDir, `${DATABASE_FILE}${suffix}`);
      if (existsSync(file)) haystacks[`file${suffix}`] = readFileSync(file).toString('latin1');
    }
    expect(Object.keys(haystacks)).toContain('file-wal');
    for (const table of ['calendar_integrations', 'video_integrations', 'integration_logs', 'notifications', 'api_calls', 'oauth_states', 'provider_credentials', 'jobs'] as const) {
      haystacks[`table ${table}`] = JSON.stringify(await core.db.selectFrom(table).selectAll().execute());
    }
    const found: string[] = [];
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        for (const [where, text] of Object.entries(haystacks)) {
          if (text.includes(form)) found.push(`${secret.slice(0, 12)}… (${form === secret ? 'raw' : 'encoded'}) in ${where}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
