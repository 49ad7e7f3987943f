// Google Calendar v3 emulator on the Google OAuth emulator, plus a helper that gets a real access token from it
// through the authorization-code + PKCE flow (what Junction's connect flow does).
import { createHash, randomBytes } from 'node:crypto';
import { defaultClient, JUNCTION_SCOPES, LOOPBACK_CALLBACK, type EmulatorClock, type OAuthEmulator, startOAuthEmulator } from '../oauth';
import { type GoogleCalendarEmulator, type GoogleCalendarEmulatorOptions, mountGoogleCalendar } from './server';

export { FREEBUSY_MAX_MS, mountGoogleCalendar } from './server';
export type { GoogleCalendarEmulator, GoogleCalendarEmulatorOptions } from './server';
export * from './types';

/** Starts a Google OAuth emulator (default client registered) with Calendar v3 mounted; close() closes both. */
export async function startGoogleCalendarEmulator(
  opts: GoogleCalendarEmulatorOptions & { clock?: EmulatorClock } = {},
): Promise<GoogleCalendarEmulator> {
  const oauth = await startOAuthEmulator({ flavor: 'google', clients: [defaultClient('google')], ...(opts.clock ? { clock: opts.clock } : {}) });
  return mountGoogleCalendar(oauth, { ...opts, closeOAuth: true });
}

/** A real access token for `account` (id or email; default the first), via authorize + PKCE + token request. */
export async function grantAccessToken(oauth: OAuthEmulator, opts: { account?: string; scopes?: string[] } = {}): Promise<string> {
  const client = oauth.clients[0] ?? defaultClient('google');
  if (!oauth.clients.some((c) => c.clientId === client.clientId)) oauth.addClient(client);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const redirectUri = LOOPBACK_CALLBACK.replace('127.0.0.1', '127.0.0.1:53682');
  const u = new URL(oauth.endpoints.authUrl);
  for (const [k, v] of Object.entries({
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: (opts.scopes ?? JUNCTION_SCOPES.google).join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    access_type: 'offline',
  })) {
    u.searchParams.set(k, v);
  }
  const location = new URL(await oauth.authorize(u.toString(), opts.account ? { account: opts.account } : {}));
  const code = location.searchParams.get('code');
  if (!code || location.searchParams.get('state') !== state) throw new Error(`authorization failed: ${location.toString()}`);
  const res = await fetch(oauth.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`token request failed: ${res.status}`);
  return body.access_token;
}
