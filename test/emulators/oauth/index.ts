// OAuth 2.0 emulators for Google, the Microsoft identity platform, Zoom and Webex, plus helpers that start all four
// and point Junction at them (DESIGN.md §9 environment variables).
import { type OAuthEmulator, startOAuthEmulator } from './server';
import { OAUTH_FLAVORS, type EmulatorAccount, type EmulatorClient, type EmulatorClock, type OAuthEmulatorOptions, type OAuthFlavor } from './types';

export { AuthorizePageError, CONSENT_PATH, redirectUriMatches, startOAuthEmulator } from './server';
export type { OAuthEmulator, RouteContext, RouteHandler } from './server';
export type { ApiErrorKind } from './flavors';
export * from './types';

/** Port-agnostic loopback callback (RFC 8252 §7.3) registered for every default client. */
export const LOOPBACK_CALLBACK = 'http://127.0.0.1/oauth/callback';
/** Junction's custom-scheme callback, registered for Microsoft (public desktop client). */
export const CUSTOM_SCHEME_CALLBACK = 'junction://oauth/callback';

/** The scopes Junction asks each provider for (issue 3). */
export const JUNCTION_SCOPES: Record<OAuthFlavor, string[]> = {
  google: ['openid', 'email', 'https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.events'],
  microsoft: ['Calendars.ReadWrite', 'offline_access', 'User.Read'],
  zoom: ['meeting:write', 'meeting:read', 'user:read'],
  webex: ['meeting:schedules_read', 'meeting:schedules_write', 'spark:people_read'],
};

/**
 * Default client registrations: Google a desktop client (it has a secret), Microsoft a public client (no secret),
 * Zoom and Webex confidential clients.
 */
export function defaultClient(flavor: OAuthFlavor, extraRedirectUris: string[] = []): EmulatorClient {
  const uris = (base: string[]) => [...new Set([...base, ...extraRedirectUris])];
  switch (flavor) {
    case 'google':
      return { clientId: 'junction-desktop.apps.googleusercontent.test', clientSecret: 'GOCSPX-junction-emulator', redirectUris: uris([LOOPBACK_CALLBACK]), name: 'Junction' };
    case 'microsoft':
      return { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', redirectUris: uris([LOOPBACK_CALLBACK, CUSTOM_SCHEME_CALLBACK]), name: 'Junction' };
    case 'zoom':
      return { clientId: 'JunctionZoomClient01', clientSecret: 'zoom-junction-emulator-secret', redirectUris: uris([LOOPBACK_CALLBACK]), name: 'Junction' };
    case 'webex':
      return { clientId: 'C0junction0webex0emulator0client', clientSecret: 'webex-junction-emulator-secret', redirectUris: uris([LOOPBACK_CALLBACK]), name: 'Junction' };
  }
}

export interface AllOAuthEmulatorsOptions {
  clock?: EmulatorClock;
  tokenPrefix?: string;
  /** Added to every default client (e.g. the browser host's exact callback, which Webex needs). */
  redirectUris?: string[];
  accounts?: Partial<Record<OAuthFlavor, EmulatorAccount[]>>;
  /** Anything else per flavor; `clients` here replaces the default client. */
  perFlavor?: Partial<Record<OAuthFlavor, Partial<Omit<OAuthEmulatorOptions, 'flavor'>>>>;
}

export interface AllOAuthEmulators extends Record<OAuthFlavor, OAuthEmulator> {
  close(): Promise<void>;
}

export async function startAllOAuthEmulators(opts: AllOAuthEmulatorsOptions = {}): Promise<AllOAuthEmulators> {
  const started: OAuthEmulator[] = [];
  try {
    for (const flavor of OAUTH_FLAVORS) {
      const extra = opts.perFlavor?.[flavor] ?? {};
      const accounts = opts.accounts?.[flavor];
      started.push(
        await startOAuthEmulator({
          ...(opts.clock ? { clock: opts.clock } : {}),
          ...(opts.tokenPrefix !== undefined ? { tokenPrefix: opts.tokenPrefix } : {}),
          ...(accounts ? { accounts } : {}),
          clients: [defaultClient(flavor, opts.redirectUris)],
          ...extra,
          flavor,
        }),
      );
    }
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
  const [google, microsoft, zoom, webex] = started as [OAuthEmulator, OAuthEmulator, OAuthEmulator, OAuthEmulator];
  return {
    google,
    microsoft,
    zoom,
    webex,
    close: async () => {
      await Promise.all(started.map((e) => e.close()));
    },
  };
}

/**
 * JUNCTION_<PROVIDER>_<KEY> variables (DESIGN.md §9) pointing Junction at the emulators. The client is the one named
 * in `clientIds`, else the emulator's first. CLIENT_SECRET is left out for public clients, REVOKE_URL where the
 * provider has no revocation endpoint (Microsoft).
 */
export function junctionEnvFor(
  emulators: Partial<Record<OAuthFlavor, OAuthEmulator>>,
  clientIds: Partial<Record<OAuthFlavor, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const flavor of OAUTH_FLAVORS) {
    const em = emulators[flavor];
    if (!em) continue;
    const wanted = clientIds[flavor];
    const client = wanted ? em.clients.find((c) => c.clientId === wanted) : em.clients[0];
    if (!client) throw new Error(`${flavor} emulator has no client ${wanted ?? '(none registered)'}`);
    const P = `JUNCTION_${flavor.toUpperCase()}_`;
    env[`${P}CLIENT_ID`] = client.clientId;
    if (client.clientSecret !== undefined) env[`${P}CLIENT_SECRET`] = client.clientSecret;
    env[`${P}AUTH_URL`] = em.endpoints.authUrl;
    env[`${P}TOKEN_URL`] = em.endpoints.tokenUrl;
    env[`${P}API_ROOT`] = em.endpoints.apiRoot;
    env[`${P}USERINFO_URL`] = em.endpoints.userinfoUrl;
    if (em.endpoints.revokeUrl) env[`${P}REVOKE_URL`] = em.endpoints.revokeUrl;
  }
  return env;
}
