// What each provider does its own way: refresh-token rotation, scope echo, client authentication, loopback ports,
// revocation, and the shape of error bodies.
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/lib/clock';
import {
  CUSTOM_SCHEME_CALLBACK,
  defaultClient,
  type EmulatorClient,
  LOOPBACK_CALLBACK,
  type OAuthEmulator,
  type OAuthEmulatorOptions,
  type OAuthFlavor,
  startOAuthEmulator,
} from '../../emulators/oauth';
import { asFor, beginFlow, connect, getJson, insecure, loopback, oauthError, redeem, refresh } from './oauth-helpers';

const running: OAuthEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(flavor: OAuthFlavor, extra: Partial<OAuthEmulatorOptions> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const client = defaultClient(flavor);
  const em = await startOAuthEmulator({ flavor, clock, clients: [client], ...extra });
  running.push(em);
  return { em, clock, client };
}

/** A raw token-endpoint POST, to see exactly what the provider would send back. */
async function postToken(em: OAuthEmulator, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(em.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const basic = (c: EmulatorClient) => `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret ?? ''}`).toString('base64')}`;

async function codeFor(em: OAuthEmulator, client: EmulatorClient, redirectUri: string) {
  const flow = await beginFlow(em, client, { redirectUri });
  const location = await em.authorize(flow.url);
  return { flow, location, code: new URL(location).searchParams.get('code') as string };
}

describe('google', () => {
  it('answers like Google: iss, expanded scopes, authuser and prompt in the redirect; no id_token needed', async () => {
    const { em, client } = await start('google');
    const { flow, location, tokens } = await connect(em, client, loopback(51000));
    const u = new URL(location);
    expect(u.searchParams.get('iss')).toBe('https://accounts.google.com');
    expect(u.searchParams.get('authuser')).toBe('0');
    expect(u.searchParams.get('prompt')).toBe('consent');
    expect(u.searchParams.get('scope')?.split(' ')).toEqual([
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/calendar',
      'https://www.googleapis.com/auth/calendar.events',
    ]);
    expect(tokens.scope).toBe(u.searchParams.get('scope'));
    // oauth4webapi checks iss against the issuer the client expects: the production value works unchanged.
    expect(() => oauth.validateAuthResponse({ ...asFor(em), issuer: 'https://elsewhere.test' }, { client_id: client.clientId }, u, flow.state)).toThrow(/iss/);
  });

  it('keeps the refresh token: a refresh returns no new one and the old one keeps working', async () => {
    const { em, client } = await start('google');
    const { tokens } = await connect(em, client, loopback(51001));
    const rt = tokens.refresh_token as string;
    const a = await refresh(em, client, rt);
    const b = await refresh(em, client, rt);
    expect(a.refresh_token).toBeUndefined();
    expect(b.access_token).not.toBe(a.access_token);
    expect(em.counters.refreshRequests).toBe(2);
  });

  it('issues no refresh token for access_type=online', async () => {
    const { em, client } = await start('google');
    const flow = await beginFlow(em, client, { redirectUri: loopback(51002), extra: { access_type: 'online' } });
    const tokens = await redeem(em, client, flow, await em.authorize(flow.url));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('always grants the sign-in scopes (no checkbox) and lets the person uncheck the others', async () => {
    const { em, client } = await start('google');
    const flow = await beginFlow(em, client, { redirectUri: loopback(51003) });
    const html = await (await fetch(flow.url)).text();
    expect(html).not.toMatch(/type="checkbox" name="scope" value="openid"/);
    expect(html).toMatch(/type="checkbox" name="scope" value="https:\/\/www\.googleapis\.com\/auth\/calendar"/);
    const tokens = await redeem(em, client, flow, await em.authorize(flow.url, { scopes: [] }));
    expect(tokens.scope).toBe('openid https://www.googleapis.com/auth/userinfo.email');
  });

  it('serves userinfo claims by granted scope (email without profile: no name)', async () => {
    const { em, client } = await start('google');
    const { tokens } = await connect(em, client, loopback(51004));
    const me = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(me.body).toEqual({ sub: em.accounts[0]?.id, email: em.accounts[0]?.email, email_verified: true });
    const flow = await beginFlow(em, client, { redirectUri: loopback(51004), scopes: ['openid', 'email', 'profile'] });
    const withProfile = await redeem(em, client, flow, await em.authorize(flow.url));
    expect((await getJson(em.endpoints.userinfoUrl, withProfile.access_token)).body).toMatchObject({ name: 'Ada Lovelace' });
    const unauth = await getJson(em.endpoints.userinfoUrl);
    expect(unauth.body).toEqual({ error: 'invalid_request', error_description: 'Invalid Credentials' });
    expect(unauth.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  });

  it('authenticates the desktop client by its secret (body or Basic) with Google error bodies', async () => {
    const { em, client } = await start('google');
    let { code, flow } = await codeFor(em, client, loopback(51005));
    const base = { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier };
    const missing = await postToken(em, { ...base, client_id: client.clientId });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'client_secret is missing.' } });
    const wrong = await postToken(em, { ...base, client_id: client.clientId, client_secret: 'nope' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } });
    expect(Object.keys(wrong.body).sort()).toEqual(['error', 'error_description']);
    ({ code, flow } = await codeFor(em, client, loopback(51005)));
    const ok = await postToken(em, { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier }, { authorization: basic(client) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const reused = await postToken(em, { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier }, { authorization: basic(client) });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('revokes through /revoke (no client auth): the whole grant goes', async () => {
    const { em, client } = await start('google');
    const { tokens } = await connect(em, client, loopback(51006));
    const as = asFor(em);
    const c = { client_id: client.clientId };
    const res = await oauth.revocationRequest(as, c, oauth.None(), tokens.access_token, insecure);
    await oauth.processRevocationResponse(res);
    expect(em.counters.revokeRequests).toBe(1);
    expect((await oauthError(refresh(em, client, tokens.refresh_token as string))).error).toBe('invalid_grant');
    const again = await fetch(`${em.endpoints.revokeUrl}?token=${encodeURIComponent(tokens.access_token)}`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
  });

  it('under the as-documented PKCE policy accepts plain and no PKCE, and still verifies plain', async () => {
    const { em, client } = await start('google', { pkce: 'as-documented' });
    const verifier = oauth.generateRandomCodeVerifier();
    const flow = await beginFlow(em, client, { redirectUri: loopback(51007), pkce: false, extra: { code_challenge: verifier, code_challenge_method: 'plain' } });
    const location = await em.authorize(flow.url);
    expect((await oauthError(redeem(em, client, flow, location, oauth.generateRandomCodeVerifier()))).error).toBe('invalid_grant');
    const flow2 = await beginFlow(em, client, { redirectUri: loopback(51007), pkce: false, extra: { code_challenge: verifier, code_challenge_method: 'plain' } });
    await expect(redeem(em, client, flow2, await em.authorize(flow2.url), verifier)).resolves.toMatchObject({ access_token: expect.any(String) });
    const flow3 = await beginFlow(em, client, { redirectUri: loopback(51007), pkce: false });
    const location3 = await em.authorize(flow3.url);
    const params = oauth.validateAuthResponse(asFor(em), { client_id: client.clientId }, new URL(location3), flow3.state);
    const c = { client_id: client.clientId };
    const res = await oauth.authorizationCodeGrantRequest(asFor(em), c, oauth.ClientSecretPost(client.clientSecret as string), params, flow3.redirectUri, oauth.nopkce, insecure);
    await expect(oauth.processAuthorizationCodeResponse(asFor(em), c, res)).resolves.toMatchObject({ access_token: expect.any(String) });
  });
});

describe('microsoft', () => {
  it('qualifies Graph scopes, leaves out offline_access and adds session_state', async () => {
    const { em, client } = await start('microsoft');
    const { location, tokens } = await connect(em, client, loopback(52000));
    expect(new URL(location).searchParams.get('session_state')).toMatch(/^[0-9a-f-]{36}$/);
    expect(new URL(location).searchParams.get('iss')).toBeNull();
    expect(tokens.scope).toBe('https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/User.Read');
    expect(tokens.ext_expires_in).toBe(3600);
  });

  it('returns a new refresh token on refresh and the old one stays valid', async () => {
    const { em, client } = await start('microsoft');
    const { tokens } = await connect(em, client, loopback(52001));
    const rt1 = tokens.refresh_token as string;
    const r1 = await refresh(em, client, rt1);
    expect(r1.refresh_token).toEqual(expect.any(String));
    expect(r1.refresh_token).not.toBe(rt1);
    const r2 = await refresh(em, client, rt1);
    expect(r2.access_token).toEqual(expect.any(String));
    await expect(refresh(em, client, r1.refresh_token as string)).resolves.toMatchObject({ token_type: 'bearer' });
  });

  it('narrows scopes on refresh and refuses scopes never consented to (AADSTS65001)', async () => {
    const { em, client } = await start('microsoft');
    const { tokens } = await connect(em, client, loopback(52002));
    const narrowed = await refresh(em, client, tokens.refresh_token as string, { additionalParameters: { scope: 'User.Read' } });
    expect(narrowed.scope).toBe('https://graph.microsoft.com/User.Read');
    const e = await oauthError(refresh(em, client, tokens.refresh_token as string, { additionalParameters: { scope: 'Mail.Read' } }));
    expect(e.error).toBe('invalid_grant');
    expect(e.cause.error_codes).toEqual([65001]);
  });

  it('issues no refresh token when offline_access is unchecked', async () => {
    const { em, client } = await start('microsoft');
    const flow = await beginFlow(em, client, { redirectUri: loopback(52003) });
    const tokens = await redeem(em, client, flow, await em.authorize(flow.url, { scopes: ['Calendars.ReadWrite', 'User.Read'] }));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('puts the response in the fragment for response_mode=fragment', async () => {
    const { em, client } = await start('microsoft');
    const flow = await beginFlow(em, client, { redirectUri: loopback(52007), extra: { response_mode: 'fragment' } });
    const u = new URL(await em.authorize(flow.url));
    expect(u.search).toBe('');
    expect(new URLSearchParams(u.hash.slice(1)).get('state')).toBe(flow.state);
  });

  it('accepts the junction:// custom scheme for the public desktop client', async () => {
    const { em, client } = await start('microsoft');
    const { location, tokens } = await connect(em, client, CUSTOM_SCHEME_CALLBACK);
    expect(location.startsWith('junction://oauth/callback?code=')).toBe(true);
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('answers token errors with AADSTS codes, trace and correlation ids', async () => {
    const { em, client } = await start('microsoft');
    const { code, flow } = await codeFor(em, client, loopback(52004));
    const form = { client_id: client.clientId, grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier };
    expect((await postToken(em, form)).status).toBe(200);
    const reused = await postToken(em, form);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({
      error: 'invalid_grant',
      error_codes: [54005],
      error_description: expect.stringMatching(/^AADSTS54005: OAuth2 Authorization code was already redeemed.*Trace ID: .*Correlation ID: .*Timestamp: /),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const withSecret = await postToken(em, { ...form, client_secret: 'x' });
    expect(withSecret).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [700025] } });
    const verifier = await codeFor(em, client, loopback(52004));
    const wrong = await postToken(em, { ...form, code: verifier.code, code_verifier: 'y'.repeat(43) });
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });

  it('serves Graph /me and Graph-shaped 401s', async () => {
    const { em, client, clock } = await start('microsoft');
    const { tokens } = await connect(em, client, loopback(52005));
    const me = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(me.body).toMatchObject({ id: em.accounts[0]?.id, mail: em.accounts[0]?.email, userPrincipalName: em.accounts[0]?.email, displayName: 'Ada Lovelace' });
    const none = await getJson(em.endpoints.userinfoUrl);
    expect(none.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.', innerError: { 'request-id': expect.any(String) } } });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    clock.advance(3600 * 1000);
    const expired = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(expired.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: expect.stringMatching(/expired/) } });
    expect(em.endpoints.revokeUrl).toBeNull();
  });

  it('accepts any tenant segment and any loopback port, but 127.0.0.1 and localhost do not cross-match', async () => {
    const { em, client } = await start('microsoft');
    const flow = await beginFlow(em, client, { redirectUri: loopback(52006) });
    const location = await em.authorize(flow.url.replace('/common/', '/organizations/'));
    const as = { ...asFor(em), token_endpoint: em.endpoints.tokenUrl.replace('/common/', '/consumers/') };
    const params = oauth.validateAuthResponse(as, { client_id: client.clientId }, new URL(location), flow.state);
    const res = await oauth.authorizationCodeGrantRequest(as, { client_id: client.clientId }, oauth.None(), params, flow.redirectUri, flow.verifier, insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, { client_id: client.clientId }, res)).resolves.toMatchObject({ access_token: expect.any(String) });
    const other = await beginFlow(em, client, { redirectUri: loopback(52006, 'localhost') });
    const page = await fetch(other.url, { redirect: 'manual' });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('AADSTS50011');
  });
});

describe('zoom', () => {
  it('sends a lowercase bearer token type and api_url; rotates the refresh token and kills the old one', async () => {
    const { em, client } = await start('zoom');
    const { code, flow } = await codeFor(em, client, loopback(53000));
    const raw = await postToken(em, { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier }, { authorization: basic(client) });
    expect(raw.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, api_url: em.url, scope: 'meeting:write meeting:read user:read' });
    const rt1 = raw.body.refresh_token as string;
    const r1 = await refresh(em, client, rt1);
    expect(r1.refresh_token).not.toBe(rt1);
    const old = await postToken(em, { grant_type: 'refresh_token', refresh_token: rt1 }, { authorization: basic(client) });
    expect(old).toEqual({ status: 400, body: { reason: 'Invalid Token!', error: 'invalid_grant' }, headers: old.headers });
    const r2 = await refresh(em, client, r1.refresh_token as string);
    expect(r2.refresh_token).not.toBe(r1.refresh_token);
    expect(em.issuedTokens({ kind: 'refresh' }).map((t) => t.revokedReason)).toEqual(['rotated', 'rotated', null]);
  });

  it('requires HTTP Basic from a confidential client; a public (PKCE) client sends only client_id', async () => {
    const { em, client } = await start('zoom');
    const { code, flow } = await codeFor(em, client, loopback(53001));
    const inBody = await postToken(em, { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier, client_id: client.clientId, client_secret: client.clientSecret as string });
    expect(inBody).toMatchObject({ status: 400, body: { error: 'invalid_client', reason: expect.any(String) } });
    const publicClient: EmulatorClient = { clientId: 'ZoomPublicPkce', redirectUris: [LOOPBACK_CALLBACK] };
    em.addClient(publicClient);
    const { tokens } = await connect(em, publicClient, loopback(53001));
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('serves /v2/users/me and Zoom-shaped 401s; a token without user:read gets 4711', async () => {
    const { em, client, clock } = await start('zoom');
    const { tokens } = await connect(em, client, loopback(53002));
    const me = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(me.body).toMatchObject({ id: em.accounts[0]?.id, email: em.accounts[0]?.email, first_name: 'Ada', last_name: 'Lovelace', account_id: expect.any(String) });
    expect((await getJson(em.endpoints.userinfoUrl)).body).toEqual({ code: 124, message: 'Invalid access token.' });
    clock.advance(3600 * 1000);
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).body).toEqual({ code: 124, message: 'Access token is expired.' });
    const flow = await beginFlow(em, client, { redirectUri: loopback(53002), scopes: ['meeting:write'] });
    const narrow = await redeem(em, client, flow, await em.authorize(flow.url));
    const denied = await getJson(em.endpoints.userinfoUrl, narrow.access_token);
    expect(denied).toMatchObject({ status: 400, body: { code: 4711 } });
  });

  it('revokes through /oauth/revoke with Basic auth', async () => {
    const { em, client } = await start('zoom');
    const { tokens } = await connect(em, client, loopback(53003));
    const res = await oauth.revocationRequest(asFor(em), { client_id: client.clientId }, oauth.ClientSecretBasic(client.clientSecret as string), tokens.refresh_token as string, insecure);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success' });
    expect((await oauthError(refresh(em, client, tokens.refresh_token as string))).error).toBe('invalid_grant');
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).status).toBe(401);
  });

  it('refuses a public client without PKCE under the as-documented policy, accepts a confidential one', async () => {
    const { em, client } = await start('zoom', { pkce: 'as-documented' });
    const publicClient: EmulatorClient = { clientId: 'ZoomPublicPkce', redirectUris: [LOOPBACK_CALLBACK] };
    em.addClient(publicClient);
    const pub = await beginFlow(em, publicClient, { redirectUri: loopback(53004), pkce: false });
    const refused = await fetch(pub.url, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request');
    const conf = await beginFlow(em, client, { redirectUri: loopback(53004), pkce: false });
    const location = await em.authorize(conf.url);
    const params = oauth.validateAuthResponse(asFor(em), { client_id: client.clientId }, new URL(location), conf.state);
    const res = await oauth.authorizationCodeGrantRequest(asFor(em), { client_id: client.clientId }, oauth.ClientSecretBasic(client.clientSecret as string), params, conf.redirectUri, oauth.nopkce, insecure);
    expect(res.status).toBe(200);
  });
});

describe('webex', () => {
  it('matches redirects exactly: another loopback port is refused', async () => {
    const { em, client } = await start('webex');
    const flow = await beginFlow(em, client, { redirectUri: loopback(54000) });
    const res = await fetch(flow.url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('returns the same refresh token with its remaining lifetime, until it expires after 90 days', async () => {
    const { em, client, clock } = await start('webex');
    const { code, flow } = await codeFor(em, client, LOOPBACK_CALLBACK);
    const raw = await postToken(em, { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier, client_id: client.clientId, client_secret: client.clientSecret as string });
    expect(raw.body).toMatchObject({ token_type: 'Bearer', expires_in: 1_209_600, refresh_token_expires_in: 7_776_000 });
    const rt = raw.body.refresh_token as string;
    clock.advance(10 * 86_400_000);
    const r = await refresh(em, client, rt);
    expect(r.refresh_token).toBe(rt);
    expect(r.refresh_token_expires_in).toBe(7_776_000 - 10 * 86_400);
    clock.advance(80 * 86_400_000);
    const e = await oauthError(refresh(em, client, rt));
    expect(e.error).toBe('invalid_grant');
    expect(e.cause).toMatchObject({ message: expect.any(String), errors: [{ description: expect.any(String) }], trackingId: expect.stringMatching(/^ROUTER_/) });
  });

  it('takes client_id and client_secret in the body only', async () => {
    const { em, client } = await start('webex');
    const { code, flow } = await codeFor(em, client, LOOPBACK_CALLBACK);
    const viaBasic = await postToken(em, { grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier }, { authorization: basic(client) });
    expect(viaBasic).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('serves /v1/people/me and Webex-shaped 401s', async () => {
    const { em, client } = await start('webex');
    const { tokens } = await connect(em, client, LOOPBACK_CALLBACK);
    const me = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(me.body).toMatchObject({ id: em.accounts[0]?.id, emails: [em.accounts[0]?.email], displayName: 'Ada Lovelace', type: 'person' });
    const none = await getJson(em.endpoints.userinfoUrl);
    expect(none).toMatchObject({
      status: 401,
      body: { message: expect.stringMatching(/valid access token/), errors: [{ description: expect.any(String) }], trackingId: expect.any(String) },
    });
  });

  it('revokes through the Authorizations API only with identity:tokens_write', async () => {
    const { em, client } = await start('webex');
    const { tokens } = await connect(em, client, LOOPBACK_CALLBACK);
    const url = `${em.endpoints.revokeUrl}?clientId=${encodeURIComponent(client.clientId)}`;
    expect((await getJson(url, tokens.access_token, 'DELETE')).status).toBe(403);
    const flow = await beginFlow(em, client, { redirectUri: LOOPBACK_CALLBACK, scopes: ['spark:people_read', 'identity:tokens_write'] });
    const admin = await redeem(em, client, flow, await em.authorize(flow.url));
    expect((await getJson(url, admin.access_token, 'DELETE')).status).toBe(204);
    expect((await oauthError(refresh(em, client, tokens.refresh_token as string))).error).toBe('invalid_grant');
  });
});

describe('loopback redirects (RFC 8252 §7.3)', () => {
  it.each(['google', 'zoom', 'microsoft'] as const)('%s accepts any port on the registered loopback path, not another path', async (flavor) => {
    const { em, client } = await start(flavor);
    for (const port of [1024, 49999, 65535]) {
      const { location } = await connect(em, client, loopback(port));
      expect(location.startsWith(`http://127.0.0.1:${port}/oauth/callback?`)).toBe(true);
    }
    const otherPath = await beginFlow(em, client, { redirectUri: 'http://127.0.0.1:5000/elsewhere' });
    expect((await fetch(otherPath.url, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(400);
    const https = await beginFlow(em, client, { redirectUri: 'https://127.0.0.1:5000/oauth/callback' });
    expect((await fetch(https.url, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(400);
  });
});
