// Disconnect against the emulators: Google and Zoom revoke (the emulator confirms the grant is dead), the row and
// its synced busy times go, logs stay; Microsoft and Webex say where to remove access by hand; Apple/CalDAV too.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { IntegrationRef } from '../../../main/db/repos/accounts';
import { ApiCallsRepo } from '../../../main/db/repos/api-calls';
import { BlockedTimesRepo } from '../../../main/db/repos/blocked-times';
import { type DisconnectDeps, disconnectIntegration } from '../../../main/oauth/disconnect';
import { IDENTITIES } from '../../../main/oauth/providers';
import { type Harness, makeHarness } from './harness';

describe('disconnectIntegration', () => {
  let h: Harness;
  let deps: DisconnectDeps;
  let sent: { url: string; body: string; authorization: string | null }[];

  beforeEach(async () => {
    h = await makeHarness({ tokenPrefix: 'DISCMARK' });
    sent = [];
    deps = {
      db: h.db,
      clock: h.clock,
      vault: h.vault,
      config: h.config,
      logs: h.logs,
      pushes: h.pushes,
      tokens: h.tokens,
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers);
        sent.push({ url: String(input), body: String(init?.body ?? ''), authorization: headers.get('authorization') });
        return fetch(input, init);
      },
    };
  });
  afterEach(async () => {
    await h.close();
  });

  async function addBlocks(integrationId: string | null, n: number): Promise<void> {
    const repo = new BlockedTimesRepo(h.db);
    for (let i = 0; i < n; i++) {
      await repo.insert({
        id: randomUUID(),
        organizer_id: h.ctx.organizerId,
        source: integrationId ? 'synced' : 'manual',
        integration_id: integrationId,
        external_id: integrationId ? `evt-${i}` : null,
        external_calendar_id: integrationId ? 'primary' : null,
        title: 'Busy',
        start_utc: h.clock.now() + i * 3_600_000,
        end_utc: h.clock.now() + (i + 1) * 3_600_000,
        time_zone: 'UTC',
        all_day: 0,
        created_at: h.clock.now(),
        updated_at: h.clock.now(),
      });
    }
  }

  const countBlocks = async () => new BlockedTimesRepo(h.db).countBySource(h.ctx.organizerId);

  it('Google: revokes the grant (the emulator confirms), deletes the row and its busy times, keeps logs', async () => {
    const { ref, accessToken, refreshToken } = await h.connect('google', 'calendar', 'google');
    await addBlocks(ref.id, 3);
    await addBlocks(null, 2);
    await h.logs.append({ logType: 'calendar_sync', message: 'Synced 3 events', success: true, integrationType: 'calendar', integrationId: ref.id });

    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(true);
    expect(result.id).toBe(ref.id);
    expect(result.message).toMatch(/^Google Calendar \(.+\) is disconnected and its saved sign-in was deleted from this computer\. Google confirmed/);

    // The emulator: both tokens are dead, a refresh is refused.
    expect(h.emulators.google.checkAccessToken(accessToken)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(h.emulators.google.issuedTokens({ activeOnly: true })).toEqual([]);
    // Revoked with the refresh token, as a form, without the client secret (Google's endpoint takes none).
    expect(sent).toHaveLength(1);
    const form = new URLSearchParams(sent[0]!.body);
    expect(form.get('token')).toBe(refreshToken);
    expect(form.get('client_secret')).toBeNull();
    expect(sent[0]!.authorization).toBeNull();

    expect(await h.accounts.get(ref)).toBeUndefined();
    expect(await countBlocks()).toEqual({ manual: 2, synced: 0 });
    const logs = await h.logs.list({});
    expect(logs.items.map((l) => [l.logType, l.integrationId])).toEqual([
      ['account', ref.id],
      ['calendar_sync', ref.id],
    ]);
    expect(logs.items[0]!.message).toBe(result.message);
    expect(logs.items[0]!.details).toMatchObject({ event: 'integration_deleted', revocation: 'revoked' });
    expect(h.pushesOf('integration:changed')).toContainEqual({ integrationType: 'calendar', id: ref.id, provider: 'google', change: 'deleted' });
    const calls = await new ApiCallsRepo(h.db).list();
    expect(calls.map((c) => [c.operation, c.status, c.error_code])).toEqual([['oauth.revoke', 200, null]]);
  });

  it('Zoom: revokes with HTTP Basic client authentication; the emulator rejects the tokens afterwards', async () => {
    const { ref, accessToken, refreshToken } = await h.connect('zoom', 'video', 'zoom');
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(true);
    expect(result.message).toMatch(/Zoom confirmed that Junction's access was withdrawn\.$/);
    const revoke = h.emulators.zoom.requests.find((r) => r.endpoint === 'revoke');
    expect(revoke).toMatchObject({ method: 'POST', clientAuth: 'basic', status: 200 });
    expect(sent[0]!.authorization).toMatch(/^Basic /);
    expect(new URLSearchParams(sent[0]!.body).get('token')).toBe(accessToken);
    expect(h.emulators.zoom.checkAccessToken(accessToken).ok).toBe(false);
    const client = h.emulators.zoom.clients[0]!;
    const res = await fetch(h.emulators.zoom.endpoints.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken! }),
    });
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    expect(await h.accounts.get(ref)).toBeUndefined();
    expect(h.pushesOf('integration:changed')).toContainEqual({ integrationType: 'video', id: ref.id, provider: 'zoom', change: 'deleted' });
  });

  it('Outlook: no revocation endpoint; the message says where to remove consent', async () => {
    const { ref } = await h.connect('microsoft', 'calendar', 'outlook');
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(false);
    expect(result.message).toContain(IDENTITIES.microsoft.manualRevokeHint!);
    expect(result.message).toContain('https://myapps.microsoft.com');
    expect(sent).toEqual([]);
    expect(await h.accounts.get(ref)).toBeUndefined();
  });

  it('Teams (video through Microsoft) gets the same hint', async () => {
    const { ref } = await h.connect('microsoft', 'video', 'microsoft_teams');
    const result = await disconnectIntegration(deps, ref);
    expect(result.message).toMatch(/^Microsoft Teams .* is disconnected/);
    expect(result.message).toContain(IDENTITIES.microsoft.manualRevokeHint!);
  });

  it('Webex: only administrators can revoke through its API, so nothing is sent and the message says so', async () => {
    const { ref } = await h.connect('webex', 'video', 'webex');
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(false);
    expect(result.message).toMatch(/Webex offers apps no way to withdraw their own access/);
    expect(result.message).toContain(IDENTITIES.webex.manualRevokeHint!);
    expect(sent).toEqual([]);
    expect(h.emulators.webex.counters.revokeRequests).toBe(0);
    expect(await h.accounts.get(ref)).toBeUndefined();
  });

  it('Apple / CalDAV: deletes the app-specific password and says where to revoke it', async () => {
    const { id } = await h.accounts.upsertCalDav(
      {
        organizerId: h.ctx.organizerId,
        serverUrl: 'https://caldav.icloud.com',
        username: 'me@icloud.com',
        password: h.vault.seal('abcd-efgh-ijkl-mnop'),
        calendarId: null,
        providerUserId: null,
      },
      h.clock.now(),
    );
    const ref: IntegrationRef = { kind: 'calendar', id };
    await addBlocks(id, 2);
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(false);
    expect(result.message).toMatch(/^Apple \/ CalDAV \(me@icloud.com\) is disconnected/);
    expect(result.message).toContain('https://appleid.apple.com');
    expect(sent).toEqual([]);
    expect(await h.accounts.get(ref)).toBeUndefined();
    expect(await countBlocks()).toEqual({ manual: 0, synced: 0 });
  });

  it('a failed revocation does not block the local disconnect, and says so', async () => {
    const { ref, accessToken } = await h.connect('google', 'calendar', 'google');
    h.emulators.google.failNext('revoke', { status: 503 });
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(false);
    expect(result.message).toMatch(/Junction tried to withdraw its access at Google, but Google did not confirm it \(HTTP 503\); it is disconnected here anyway\./);
    expect(await h.accounts.get(ref)).toBeUndefined();
    expect(h.emulators.google.checkAccessToken(accessToken).ok).toBe(true); // still alive there: hence the advice
    const [log] = (await h.logs.list({})).items;
    expect(log?.details).toMatchObject({ revocation: 'failed' });
  });

  it('an unreachable provider does not block it either', async () => {
    const { ref } = await h.connect('zoom', 'video', 'zoom');
    await h.emulators.zoom.close();
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(false);
    expect(result.message).toMatch(/could not reach Zoom/);
    expect(await h.accounts.get(ref)).toBeUndefined();
  });

  it('an integration already disconnected by invalid_grant: nothing left to revoke, still deleted', async () => {
    const { ref } = await h.connect('google', 'calendar', 'google');
    h.emulators.google.revokeAll();
    h.clock.advance(3_600_000);
    await expect(h.tokens.getAccessToken(ref)).rejects.toThrow(AppError);
    const result = await disconnectIntegration(deps, ref);
    expect(result.revoked).toBe(false);
    expect(result.message).toMatch(/already no longer valid/);
    expect(await h.accounts.get(ref)).toBeUndefined();
    // The disconnect notification and its error log stay in the history.
    expect((await h.logs.list({ logType: 'error' })).items).toHaveLength(1);
    expect((await h.notifications.list({})).items).toHaveLength(1);
  });

  it('an unknown integration is NOT_FOUND', async () => {
    await expect(disconnectIntegration(deps, { kind: 'video', id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('no token or secret in the result, the logs or the pushes', async () => {
    const { ref } = await h.connect('zoom', 'video', 'zoom');
    const result = await disconnectIntegration(deps, ref);
    const dump = JSON.stringify([result, await h.db.selectFrom('integration_logs').selectAll().execute(), h.pushed]);
    expect(dump).not.toContain('DISCMARK');
    expect(dump).not.toContain(h.emulators.zoom.clients[0]!.clientSecret!);
  });
});
