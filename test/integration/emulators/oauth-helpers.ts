// Drives the OAuth emulators the way Junction will: oauth4webapi for the protocol, plain fetch for the rest.
import * as oauth from 'oauth4webapi';
import {
  type EmulatorClient,
  JUNCTION_SCOPES,
  type OAuthEmulator,
  type OAuthFlavor,
} from '../../emulators/oauth';

export const insecure = { [oauth.allowInsecureRequests]: true } as const;

export function asFor(em: OAuthEmulator): oauth.AuthorizationServer {
  return {
    issuer: em.issuer,
    authorization_endpoint: em.endpoints.authUrl,
    token_endpoint: em.endpoints.tokenUrl,
    userinfo_endpoint: em.endpoints.userinfoUrl,
    ...(em.endpoints.revokeUrl ? { revocation_endpoint: em.endpoints.revokeUrl } : {}),
  };
}

/** Client authentication as each provider documents it. */
export function clientAuthFor(flavor: OAuthFlavor, client: EmulatorClient): oauth.ClientAuth {
  if (client.clientSecret === undefined) return oauth.None();
  return flavor === 'zoom' ? oauth.ClientSecretBasic(client.clientSecret) : oauth.ClientSecretPost(client.clientSecret);
}

export interface Flow {
  url: string;
  verifier: string;
  state: string;
  redirectUri: string;
}

export async function beginFlow(
  em: OAuthEmulator,
  client: EmulatorClient,
  o: { redirectUri: string; scopes?: string[]; extra?: Record<string, string>; pkce?: boolean },
): Promise<Flow> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const u = new URL(em.endpoints.authUrl);
  u.searchParams.set('client_id', client.clientId);
  u.searchParams.set('redirect_uri', o.redirectUri);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('scope', (o.scopes ?? JUNCTION_SCOPES[em.flavor]).join(' '));
  u.searchParams.set('state', state);
  if (o.pkce !== false) {
    u.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    u.searchParams.set('code_challenge_method', 'S256');
  }
  if (em.flavor === 'google') u.searchParams.set('access_type', 'offline');
  for (const [k, v] of Object.entries(o.extra ?? {})) u.searchParams.set(k, v);
  return { url: u.toString(), verifier, state, redirectUri: o.redirectUri };
}

/** Code → tokens through oauth4webapi; throws what oauth4webapi throws. */
export async function redeem(em: OAuthEmulator, client: EmulatorClient, flow: Flow, location: string, verifier = flow.verifier, redirectUri = flow.redirectUri) {
  const as = asFor(em);
  const c: oauth.Client = { client_id: client.clientId };
  const params = oauth.validateAuthResponse(as, c, new URL(location), flow.state);
  const res = await oauth.authorizationCodeGrantRequest(as, c, clientAuthFor(em.flavor, client), params, redirectUri, verifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, c, res);
}

export async function refresh(em: OAuthEmulator, client: EmulatorClient, refreshToken: string, options: oauth.TokenEndpointRequestOptions = {}) {
  const as = asFor(em);
  const c: oauth.Client = { client_id: client.clientId };
  const res = await oauth.refreshTokenGrantRequest(as, c, clientAuthFor(em.flavor, client), refreshToken, { ...insecure, ...options });
  return oauth.processRefreshTokenResponse(as, c, res);
}

/** Full happy path: consent (allow all), redeem. */
export async function connect(em: OAuthEmulator, client: EmulatorClient, redirectUri: string) {
  const flow = await beginFlow(em, client, { redirectUri });
  const location = await em.authorize(flow.url);
  return { flow, location, tokens: await redeem(em, client, flow, location) };
}

/** The OAuth error code of a failed oauth4webapi call (ResponseBodyError / AuthorizationResponseError). */
export async function oauthError(p: Promise<unknown>): Promise<{ error: string; status?: number; cause: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof oauth.ResponseBodyError) return { error: e.error, status: e.status, cause: e.cause as Record<string, unknown> };
    if (e instanceof oauth.AuthorizationResponseError) return { error: e.error, cause: Object.fromEntries(e.cause) };
    throw e;
  }
  throw new Error('expected an OAuth error');
}

export async function getJson(url: string, token?: string, method = 'GET'): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
}

/** An ephemeral-looking loopback callback on an arbitrary port. */
export const loopback = (port: number, host = '127.0.0.1') => `http://${host}:${port}/oauth/callback`;
