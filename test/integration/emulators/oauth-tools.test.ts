// The emulators' test controls: the consent page itself, faults on demand, marked tokens, inspection, extra routes,
// and the start-everything / environment helpers that point Junction at them.
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/lib/clock';
import {
  AuthorizePageError,
  CUSTOM_SCHEME_CALLBACK,
  defaultClient,
  JUNCTION_SCOPES,
  junctionEnvFor,
  LOOPBACK_CALLBACK,
  OAUTH_FLAVORS,
  type OAuthEmulatorOptions,
  type OAuthFlavor,
  startAllOAuthEmulators,
  startOAuthEmulator,
} from '../../emulators/oauth';
import { asFor, beginFlow, clientAuthFor, connect, getJson, insecure, loopback, oauthError, redeem, refresh } from './oauth-helpers';

const running: Array<{ close(): Promise<void> }> = [];
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

describe('consent page', () => {
  it('is plain HTML with Allow and Deny buttons and one checked checkbox per requested scope', async () => {
    const { em, client } = await start('zoom');
    const flow = await beginFlow(em, client, { redirectUri: loopback(55000) });
    const res = await fetch(flow.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toMatch(/<button type="submit" name="decision" value="allow">Allow<\/button>/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny">Deny<\/button>/);
    for (const scope of JUNCTION_SCOPES.zoom) {
      expect(html).toContain(`<input type="checkbox" name="scope" value="${scope}" checked>`);
    }
    expect(html).toContain('<form method="post" action="/__emulator/consent">');
    expect(html).not.toMatch(/<script|\bsrc=|href="http/);
    expect(html).not.toContain(flow.state); // the state travels server-side, not through the page
  });

  it('offers an account picker when there are several accounts; the choice decides whose token it is', async () => {
    const accounts = [
      { id: 'u1', email: 'first@gmail.test', name: 'First Person' },
      { id: 'u2', email: 'second@gmail.test', name: 'Second Person' },
    ];
    const { em, client } = await start('google', { accounts });
    const flow = await beginFlow(em, client, { redirectUri: loopback(55001), extra: { login_hint: 'second@gmail.test' } });
    const html = await (await fetch(flow.url)).text();
    expect(html).toContain('<select id="account" name="account">');
    expect(html).toContain('<option value="u2" selected>');
    const hinted = await redeem(em, client, flow, await em.authorize(flow.url));
    expect(((await getJson(em.endpoints.userinfoUrl, hinted.access_token)).body as { sub: string }).sub).toBe('u2');
    const chosen = await beginFlow(em, client, { redirectUri: loopback(55001) });
    const tokens = await redeem(em, client, chosen, await em.authorize(chosen.url, { account: 'second@gmail.test' }));
    expect(((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).body as { email: string }).email).toBe('second@gmail.test');
  });

  it('carries an awkward state through unchanged, on Allow and on Deny', async () => {
    const { em, client } = await start('microsoft');
    const state = 'a b+c/=&é?#%20';
    for (const allow of [true, false]) {
      const flow = await beginFlow(em, client, { redirectUri: loopback(55002), extra: { state } });
      expect(new URL(await em.authorize(flow.url, { allow })).searchParams.get('state')).toBe(state);
    }
  });

  it('accepts each consent submission once', async () => {
    const { em, client } = await start('webex');
    const flow = await beginFlow(em, client, { redirectUri: LOOPBACK_CALLBACK });
    const html = await (await fetch(flow.url)).text();
    const txn = /name="txn" value="([^"]+)"/.exec(html)?.[1] as string;
    const submit = () =>
      fetch(new URL('/__emulator/consent', em.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ txn, decision: 'allow', scope: 'spark:people_read' }),
        redirect: 'manual',
      });
    expect((await submit()).status).toBe(302);
    const second = await submit();
    expect(second.status).toBe(400);
    expect(second.headers.get('location')).toBeNull();
  });
});

describe('faults on demand', () => {
  it('429 with Retry-After at the token endpoint, once; counters include the refused request', async () => {
    const { em, client } = await start('microsoft');
    const { tokens } = await connect(em, client, loopback(56000));
    em.failNext('token', { status: 429, retryAfterSec: 7 });
    const as = asFor(em);
    const c = { client_id: client.clientId };
    const res = await oauth.refreshTokenGrantRequest(as, c, oauth.None(), tokens.refresh_token as string, insecure);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const e = await oauthError(oauth.processRefreshTokenResponse(as, c, res));
    expect(e.status).toBe(429);
    await expect(refresh(em, client, tokens.refresh_token as string)).resolves.toMatchObject({ access_token: expect.any(String) });
    expect(em.counters).toMatchObject({ tokenRequests: 3, codeExchanges: 1, refreshRequests: 2 });
  });

  it('5xx on the account endpoint in the provider format, for as many requests as asked', async () => {
    const { em, client } = await start('google');
    const { tokens } = await connect(em, client, loopback(56001));
    em.failNext('userinfo', { status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await getJson(em.endpoints.userinfoUrl, tokens.access_token);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toEqual({ error: { code: 503, message: expect.any(String), status: 'UNAVAILABLE' } });
    }
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).status).toBe(200);
    em.failNext('userinfo', { status: 500 });
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).status).toBe(500);
  });

  it('malformed JSON from the token endpoint makes oauth4webapi fail to parse', async () => {
    const { em, client } = await start('zoom');
    const flow = await beginFlow(em, client, { redirectUri: loopback(56002) });
    const location = await em.authorize(flow.url);
    em.failNext('token', { malformed: true });
    await expect(redeem(em, client, flow, location)).rejects.toMatchObject({ code: oauth.PARSE_ERROR });
  });

  it('a hung endpoint lets the client time out; close() still ends promptly', async () => {
    const { em, client } = await start('webex');
    const { tokens } = await connect(em, client, LOOPBACK_CALLBACK);
    em.failNext('userinfo', { hang: true });
    await expect(
      fetch(em.endpoints.userinfoUrl, { headers: { authorization: `Bearer ${tokens.access_token}` }, signal: AbortSignal.timeout(50) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    em.faults.failNext('token', { delayMs: 60_000, status: 500 });
    const pending = fetch(em.endpoints.tokenUrl, { method: 'POST' }).catch((e: unknown) => e);
    while (!em.requests.some((r) => r.endpoint === 'token')) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    await em.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('a short delay without a status only slows the answer down', async () => {
    const { em, client } = await start('google');
    const { tokens } = await connect(em, client, loopback(56003));
    em.failNext('userinfo', { delayMs: 5 });
    expect((await getJson(em.endpoints.userinfoUrl, tokens.access_token)).status).toBe(200);
  });

  it('a custom body replaces the provider error, and the authorization page can fail too', async () => {
    const { em, client } = await start('google');
    const flow = await beginFlow(em, client, { redirectUri: loopback(56004) });
    em.failNext('authorize', { status: 503 });
    await expect(em.authorize(flow.url)).rejects.toMatchObject({ status: 503 });
    await expect(em.authorize(flow.url)).resolves.toMatch(/code=/);
    const location = await em.authorize(flow.url);
    em.failNext('token', { status: 400, body: { error: 'invalid_grant', error_description: 'custom' } });
    expect((await oauthError(redeem(em, client, flow, location))).cause).toEqual({ error: 'invalid_grant', error_description: 'custom' });
  });
});

describe('inspection and controls', () => {
  it('marks every issued access and refresh token and lists them', async () => {
    const { em, client } = await start('zoom', { tokenPrefix: 'LEAKMARK1' });
    const a = await connect(em, client, loopback(57000));
    expect(a.tokens.access_token).toContain('LEAKMARK1');
    expect(a.tokens.refresh_token).toContain('LEAKMARK1');
    em.setTokenPrefix('LEAKMARK2');
    const r = await refresh(em, client, a.tokens.refresh_token as string);
    expect(r.access_token).toContain('LEAKMARK2');
    expect(r.refresh_token).toContain('LEAKMARK2');
    const listed = em.issuedTokens();
    expect(listed.map((t) => t.kind)).toEqual(['access', 'refresh', 'access', 'refresh']);
    expect(listed.map((t) => t.value)).toEqual([a.tokens.access_token, a.tokens.refresh_token, r.access_token, r.refresh_token]);
    expect(em.issuedTokens({ kind: 'refresh', activeOnly: true }).map((t) => t.value)).toEqual([r.refresh_token]);
  });

  it('expires codes and tokens on request and checks tokens for other emulators', async () => {
    const { em, client } = await start('google');
    const flow = await beginFlow(em, client, { redirectUri: loopback(57001) });
    const location = await em.authorize(flow.url);
    expect(em.expireCode(new URL(location).searchParams.get('code') as string)).toBe(true);
    expect((await oauthError(redeem(em, client, flow, location))).error).toBe('invalid_grant');
    const { tokens } = await connect(em, client, loopback(57001));
    expect(em.checkAccessToken(tokens.access_token)).toMatchObject({ ok: true, account: { email: em.accounts[0]?.email } });
    em.expireToken(tokens.access_token);
    expect(em.checkAccessToken(tokens.access_token)).toEqual({ ok: false, reason: 'expired' });
    expect(em.checkAccessToken(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(em.checkAccessToken('nope')).toEqual({ ok: false, reason: 'unknown' });
    em.revokeAll();
    expect(em.checkAccessToken(tokens.access_token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('logs how clients authenticated at the token endpoint', async () => {
    for (const flavor of ['zoom', 'webex', 'microsoft'] as const) {
      const { em, client } = await start(flavor);
      await connect(em, client, flavor === 'webex' ? LOOPBACK_CALLBACK : loopback(57002));
      const entry = em.requests.find((r) => r.endpoint === 'token');
      expect(entry).toMatchObject({ clientId: client.clientId, grantType: 'authorization_code', status: 200 });
      expect(entry?.clientAuth).toBe({ zoom: 'basic', webex: 'post', microsoft: 'none' }[flavor]);
    }
  });

  it('mounts extra API routes that share the tokens and the faults', async () => {
    const { em, client } = await start('google');
    em.addRoute('GET', /^\/calendar\/v3\/users\/me\/calendarList$/, (_req, _res, ctx) => {
      const who = ctx.authenticate();
      if (who) ctx.json(200, { kind: 'calendar#calendarList', items: [{ id: who.account.email }] });
    });
    const url = `${em.endpoints.apiRoot}/calendar/v3/users/me/calendarList`;
    expect((await getJson(url)).status).toBe(401);
    const { tokens } = await connect(em, client, loopback(57003));
    expect((await getJson(url, tokens.access_token)).body).toEqual({ kind: 'calendar#calendarList', items: [{ id: em.accounts[0]?.email }] });
    em.failNext('api', { status: 429 });
    expect((await getJson(url, tokens.access_token)).status).toBe(429);
    expect(em.counters.apiRequests).toBe(3);
    expect((await getJson(`${em.url}/nothing/here`)).status).toBe(404);
  });
});

describe('startAllOAuthEmulators and junctionEnvFor', () => {
  it('start the four providers and describe them as JUNCTION_<PROVIDER>_<KEY> variables', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    const all = await startAllOAuthEmulators({ clock, tokenPrefix: 'SANDBOXMARK' });
    running.push(all);
    const env = junctionEnvFor(all);
    expect(Object.keys(env).sort()).toEqual(
      [
        ...['GOOGLE', 'ZOOM', 'WEBEX'].flatMap((p) => ['CLIENT_ID', 'CLIENT_SECRET', 'AUTH_URL', 'TOKEN_URL', 'API_ROOT', 'USERINFO_URL', 'REVOKE_URL'].map((k) => `JUNCTION_${p}_${k}`)),
        ...['CLIENT_ID', 'AUTH_URL', 'TOKEN_URL', 'API_ROOT', 'USERINFO_URL'].map((k) => `JUNCTION_MICROSOFT_${k}`),
      ].sort(),
    );
    expect(new Set(OAUTH_FLAVORS.map((f) => all[f].url)).size).toBe(4);
    for (const f of OAUTH_FLAVORS) {
      const P = `JUNCTION_${f.toUpperCase()}_`;
      expect(env[`${P}AUTH_URL`]?.startsWith(all[f].url)).toBe(true);
      expect(all[f].clients[0]?.redirectUris).toContain(LOOPBACK_CALLBACK);
    }
    expect(all.microsoft.clients[0]?.redirectUris).toContain(CUSTOM_SCHEME_CALLBACK);

    // Everything a connect needs comes from the variables alone.
    for (const flavor of OAUTH_FLAVORS) {
      const P = `JUNCTION_${flavor.toUpperCase()}_`;
      const clientId = env[`${P}CLIENT_ID`] as string;
      const secret = env[`${P}CLIENT_SECRET`];
      const client = { clientId, ...(secret ? { clientSecret: secret } : {}), redirectUris: [] };
      const as: oauth.AuthorizationServer = { issuer: all[flavor].issuer, authorization_endpoint: env[`${P}AUTH_URL`], token_endpoint: env[`${P}TOKEN_URL`] };
      const redirectUri = flavor === 'webex' ? LOOPBACK_CALLBACK : flavor === 'microsoft' ? CUSTOM_SCHEME_CALLBACK : loopback(58000);
      const verifier = oauth.generateRandomCodeVerifier();
      const u = new URL(as.authorization_endpoint as string);
      u.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: JUNCTION_SCOPES[flavor].join(' '),
        state: 's',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const location = await all[flavor].authorize(u.toString());
      const c = { client_id: clientId };
      const params = oauth.validateAuthResponse(as, c, new URL(location), 's');
      const res = await oauth.authorizationCodeGrantRequest(as, c, clientAuthFor(flavor, client), params, redirectUri, verifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(as, c, res);
      expect(tokens.access_token).toContain('SANDBOXMARK');
      expect((await getJson(env[`${P}USERINFO_URL`] as string, tokens.access_token)).status).toBe(200);
    }
  });

  it('lets the caller choose the client and add exact redirect URIs', async () => {
    const all = await startAllOAuthEmulators({ redirectUris: ['http://127.0.0.1:43210/oauth/callback'] });
    running.push(all);
    all.webex.addClient({ clientId: 'second', clientSecret: 's2', redirectUris: [] });
    all.webex.addRedirectUri('second', LOOPBACK_CALLBACK);
    const env = junctionEnvFor({ webex: all.webex }, { webex: 'second' });
    expect(env).toMatchObject({ JUNCTION_WEBEX_CLIENT_ID: 'second', JUNCTION_WEBEX_CLIENT_SECRET: 's2' });
    expect(Object.keys(env).some((k) => k.startsWith('JUNCTION_GOOGLE_'))).toBe(false);
    expect(all.webex.clients[0]?.redirectUris).toContain('http://127.0.0.1:43210/oauth/callback');
    expect(() => junctionEnvFor({ zoom: all.zoom }, { zoom: 'missing' })).toThrow(/no client missing/);
  });

  it('refuses connections once closed', async () => {
    const { em } = await start('google');
    const url = em.endpoints.userinfoUrl;
    await em.close();
    await expect(fetch(url)).rejects.toThrow();
    await expect(em.authorize(url)).rejects.toThrow();
    expect(AuthorizePageError).toBeDefined();
  });
});
