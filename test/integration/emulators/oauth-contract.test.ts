// The contract every OAuth emulator keeps, driven through oauth4webapi (Junction's client library) and fetch:
// PKCE, single-use short-lived codes, exact redirects, state carried through, denial, partial grants, revocation,
// and the account endpoint's 401s.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/lib/clock';
import {
  AuthorizePageError,
  defaultClient,
  JUNCTION_SCOPES,
  LOOPBACK_CALLBACK,
  OAUTH_FLAVORS,
  type OAuthEmulator,
  type OAuthFlavor,
  startOAuthEmulator,
} from '../../emulators/oauth';
import { beginFlow, connect, getJson, loopback, oauthError, redeem, refresh } from './oauth-helpers';

const CODE_TTL: Record<OAuthFlavor, number> = { google: 600, microsoft: 600, zoom: 300, webex: 300 };
const ACCESS_TTL: Record<OAuthFlavor, number> = { google: 3600, microsoft: 3600, zoom: 3600, webex: 1_209_600 };
/** Webex matches redirects exactly; the others accept any loopback port. */
const callbackFor = (flavor: OAuthFlavor) => (flavor === 'webex' ? LOOPBACK_CALLBACK : loopback(49152 + Math.floor(Math.random() * 1000)));

describe.each(OAUTH_FLAVORS)('%s OAuth emulator contract', (flavor) => {
  let clock: ManualClock;
  let em: OAuthEmulator;
  const client = defaultClient(flavor);

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    em = await startOAuthEmulator({ flavor, clock, clients: [client] });
  });
  afterEach(async () => {
    await em.close();
  });

  it('completes the authorization-code flow with PKCE S256 and serves the account', async () => {
    const { flow, location, tokens } = await connect(em, client, callbackFor(flavor));
    expect(location.startsWith(`${flow.redirectUri}?`)).toBe(true);
    expect(new URL(location).searchParams.get('state')).toBe(flow.state);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.token_type).toBe('bearer'); // oauth4webapi lowercases; Zoom's raw value already is
    expect(tokens.expires_in).toBe(ACCESS_TTL[flavor]);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope).toEqual(expect.any(String));
    expect(em.counters.codeExchanges).toBe(1);

    const me = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).toContain(em.accounts[0]?.email ?? '?');
  });

  it('refuses a reused code with invalid_grant and revokes what the first use produced', async () => {
    const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor) });
    const location = await em.authorize(flow.url);
    const first = await redeem(em, client, flow, location);
    const again = await oauthError(redeem(em, client, flow, location));
    expect(again.error).toBe('invalid_grant');
    expect(again.status).toBe(400);
    // RFC 6749 §4.1.2: tokens issued from a code that is used twice are revoked.
    expect((await getJson(em.endpoints.userinfoUrl, first.access_token)).status).toBe(401);
    expect((await oauthError(refresh(em, client, first.refresh_token as string))).error).toBe('invalid_grant');
    expect(em.issuedTokens().every((t) => t.revoked && t.revokedReason === 'code-reuse')).toBe(true);
  });

  it('refuses an expired code with invalid_grant', async () => {
    const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor) });
    const location = await em.authorize(flow.url);
    clock.advance(CODE_TTL[flavor] * 1000);
    const e = await oauthError(redeem(em, client, flow, location));
    expect(e.error).toBe('invalid_grant');
    expect(em.issuedTokens()).toHaveLength(0);
  });

  it('accepts a code just before it expires', async () => {
    const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor) });
    const location = await em.authorize(flow.url);
    clock.advance(CODE_TTL[flavor] * 1000 - 1);
    await expect(redeem(em, client, flow, location)).resolves.toMatchObject({ access_token: expect.any(String) });
  });

  it('refuses a code redeemed with the wrong PKCE verifier', async () => {
    const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor) });
    const location = await em.authorize(flow.url);
    const wrong = 'x'.repeat(43);
    const e = await oauthError(redeem(em, client, flow, location, wrong));
    expect(e.error).toBe('invalid_grant');
    expect(em.issuedTokens()).toHaveLength(0);
  });

  it('shows an error page and never redirects for an unregistered redirect URI', async () => {
    const flow = await beginFlow(em, client, { redirectUri: 'https://attacker.example/cb' });
    const res = await fetch(flow.url, { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    await expect(em.authorize(flow.url)).rejects.toBeInstanceOf(AuthorizePageError);
  });

  it('shows an error page for an unknown client', async () => {
    const flow = await beginFlow(em, { ...client, clientId: 'nobody' }, { redirectUri: callbackFor(flavor) });
    const res = await fetch(flow.url, { redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a token request whose redirect_uri differs from the authorization request', async () => {
    const flow = await beginFlow(em, client, { redirectUri: LOOPBACK_CALLBACK });
    const location = await em.authorize(flow.url);
    const e = await oauthError(redeem(em, client, flow, location, flow.verifier, 'http://127.0.0.1/other'));
    expect(['invalid_grant', 'redirect_uri_mismatch', 'invalid_request']).toContain(e.error);
    expect(em.issuedTokens()).toHaveLength(0);
  });

  it('returns access_denied with the state when the person presses Deny', async () => {
    const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor) });
    const location = await em.authorize(flow.url, { allow: false });
    const u = new URL(location);
    expect(u.searchParams.get('error')).toBe('access_denied');
    expect(u.searchParams.get('state')).toBe(flow.state);
    expect(u.searchParams.get('code')).toBeNull();
    const e = await oauthError(redeem(em, client, flow, location));
    expect(e.error).toBe('access_denied');
  });

  it('reports a partial grant: the token scope lists fewer scopes', async () => {
    const requested = JUNCTION_SCOPES[flavor];
    const dropped = requested.find((s) => !['openid', 'email', 'offline_access'].includes(s)) as string;
    const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor) });
    const location = await em.authorize(flow.url, { scopes: requested.filter((s) => s !== dropped) });
    const tokens = await redeem(em, client, flow, location);
    const granted = (tokens.scope ?? '').split(' ');
    expect(granted.some((s) => s === dropped || s.endsWith(`/${dropped}`))).toBe(false);
    expect(granted.length).toBeGreaterThan(0);
    expect(em.issuedTokens({ kind: 'access' })[0]?.scopes).not.toContain(dropped);
  });

  it('refuses a revoked refresh token with invalid_grant', async () => {
    const { tokens } = await connect(em, client, callbackFor(flavor));
    const rt = tokens.refresh_token as string;
    expect(em.revokeRefreshToken(rt)).toBe(true);
    const e = await oauthError(refresh(em, client, rt));
    expect(e.error).toBe('invalid_grant');
    expect(e.status).toBe(400);
  });

  it('revokes every grant of an account with revokeAll(email)', async () => {
    const { tokens } = await connect(em, client, callbackFor(flavor));
    expect(em.revokeAll(em.accounts[0]?.email)).toBe(1);
    expect((await oauthError(refresh(em, client, tokens.refresh_token as string))).error).toBe('invalid_grant');
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).status).toBe(401);
  });

  it('answers the account endpoint with 401 without a token, with an unknown one and with an expired one', async () => {
    expect((await getJson(em.endpoints.userinfoUrl)).status).toBe(401);
    expect((await getJson(em.endpoints.userinfoUrl, 'not-a-token')).status).toBe(401);
    const { tokens } = await connect(em, client, callbackFor(flavor));
    clock.advance(ACCESS_TTL[flavor] * 1000 - 1);
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).status).toBe(200);
    clock.advance(1);
    const expired = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
    expect(expired.status).toBe(401);
    // A refresh brings a working token back.
    const next = await refresh(em, client, tokens.refresh_token as string);
    expect((await getJson(em.endpoints.userinfoUrl, next.access_token)).status).toBe(200);
  });

  it('requires PKCE S256 (missing or plain challenge refused)', async () => {
    const cases: Array<Record<string, string>> = [{}, { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }];
    for (const extra of cases) {
      const flow = await beginFlow(em, client, { redirectUri: callbackFor(flavor), pkce: false, extra });
      const res = await fetch(flow.url, { redirect: 'manual' });
      if (flavor === 'google') {
        // Google shows request errors as a page (Error 400: invalid_request).
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('invalid_request');
      } else {
        expect(res.status).toBe(302);
        const u = new URL(res.headers.get('location') as string);
        expect(u.searchParams.get('error')).toBe('invalid_request');
        expect(u.searchParams.get('state')).toBe(flow.state);
      }
    }
  });
});
