// What Junction knows about each provider it signs in to: scopes, identity provider, endpoints, quirks.
import type {
  CalendarProvider,
  IdentityProvider,
  OAuthIntegrationType,
  OAuthProvider,
  ProviderEndpoints,
  VideoProvider,
} from '../../shared/domain';

export interface IdentitySpec {
  id: IdentityProvider;
  label: string;
  defaults: ProviderEndpoints;
  /** The `iss` the provider puts in authorization responses (RFC 9207), when it sends one. */
  issuer: string | null;
  /** How the token endpoint authenticates the client (RFC 6749 §2.3). */
  clientAuth: 'client_secret_post' | 'client_secret_basic' | 'none';
  /** Every refresh returns a new refresh token and kills the old one (Zoom). */
  rotatesRefreshToken: boolean;
  /** Scope spellings the provider echoes back for what we asked (e.g. Google's `email`). */
  scopeAliases: Record<string, string>;
  /** Account id and email from the provider's "me" endpoint. */
  parseAccount(json: unknown): { id: string | null; email: string | null };
  /** Where the user removes the app's access by hand when the provider has no revocation endpoint. */
  manualRevokeHint: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export const IDENTITIES: Record<IdentityProvider, IdentitySpec> = {
  google: {
    id: 'google',
    label: 'Google',
    defaults: {
      authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      apiRoot: 'https://www.googleapis.com/',
      userinfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
    },
    issuer: 'https://accounts.google.com',
    clientAuth: 'client_secret_post',
    rotatesRefreshToken: false,
    scopeAliases: {
      'https://www.googleapis.com/auth/userinfo.email': 'email',
      'https://www.googleapis.com/auth/userinfo.profile': 'profile',
    },
    parseAccount: (j) => ({ id: str(obj(j).sub), email: str(obj(j).email) }),
    manualRevokeHint: null,
  },
  microsoft: {
    id: 'microsoft',
    label: 'Microsoft',
    defaults: {
      authUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      apiRoot: 'https://graph.microsoft.com/v1.0/',
      userinfoUrl: 'https://graph.microsoft.com/v1.0/me',
      revokeUrl: null,
    },
    issuer: null,
    clientAuth: 'none',
    rotatesRefreshToken: false,
    scopeAliases: {},
    parseAccount: (j) => ({ id: str(obj(j).id), email: str(obj(j).mail) ?? str(obj(j).userPrincipalName) }),
    manualRevokeHint:
      'Microsoft has no way for an app to revoke its own access: remove Junction at https://myapps.microsoft.com (or https://account.live.com/consent/Manage for personal accounts).',
  },
  zoom: {
    id: 'zoom',
    label: 'Zoom',
    defaults: {
      authUrl: 'https://zoom.us/oauth/authorize',
      tokenUrl: 'https://zoom.us/oauth/token',
      apiRoot: 'https://api.zoom.us/v2/',
      userinfoUrl: 'https://api.zoom.us/v2/users/me',
      revokeUrl: 'https://zoom.us/oauth/revoke',
    },
    issuer: null,
    clientAuth: 'client_secret_basic',
    rotatesRefreshToken: true,
    scopeAliases: {},
    parseAccount: (j) => ({ id: str(obj(j).id), email: str(obj(j).email) }),
    manualRevokeHint: null,
  },
  webex: {
    id: 'webex',
    label: 'Webex',
    defaults: {
      authUrl: 'https://webexapis.com/v1/authorize',
      tokenUrl: 'https://webexapis.com/v1/access_token',
      apiRoot: 'https://webexapis.com/v1/',
      userinfoUrl: 'https://webexapis.com/v1/people/me',
      revokeUrl: null,
    },
    issuer: null,
    clientAuth: 'client_secret_post',
    rotatesRefreshToken: false,
    scopeAliases: {},
    parseAccount: (j) => {
      const emails = obj(j).emails;
      return { id: str(obj(j).id), email: Array.isArray(emails) ? str(emails[0]) : null };
    },
    manualRevokeHint: 'Remove Junction from your Webex account’s authorized apps if you no longer want it there.',
  },
};

export interface ProviderSpec {
  provider: OAuthProvider;
  integrationType: OAuthIntegrationType;
  identity: IdentityProvider;
  /** The provider value stored on the integration row. */
  stored: CalendarProvider | VideoProvider;
  label: string;
  scopes: string[];
  /** Scopes that must be granted for the integration to be healthy (offline_access shows as a refresh token). */
  requiredScopes: string[];
  extraAuthParams: Record<string, string>;
  /** Desktop redirect: Google's desktop clients accept only loopback (DESIGN.md §5); Microsoft takes a custom scheme. */
  desktopRedirect: 'loopback' | 'custom-scheme';
}

const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/calendar.events',
  'openid',
  'email',
];
const MS_SCOPES = ['Calendars.ReadWrite', 'offline_access', 'User.Read'];
const googleParams = { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' };

const SPECS: ProviderSpec[] = [
  {
    provider: 'google',
    integrationType: 'calendar',
    identity: 'google',
    stored: 'google',
    label: 'Google Calendar',
    scopes: GOOGLE_SCOPES,
    requiredScopes: GOOGLE_SCOPES,
    extraAuthParams: googleParams,
    desktopRedirect: 'loopback',
  },
  {
    provider: 'google',
    integrationType: 'video',
    identity: 'google',
    stored: 'google_meet',
    label: 'Google Meet',
    scopes: GOOGLE_SCOPES,
    requiredScopes: ['https://www.googleapis.com/auth/calendar.events', 'email'],
    extraAuthParams: googleParams,
    desktopRedirect: 'loopback',
  },
  {
    provider: 'outlook',
    integrationType: 'calendar',
    identity: 'microsoft',
    stored: 'outlook',
    label: 'Outlook Calendar',
    scopes: MS_SCOPES,
    requiredScopes: ['Calendars.ReadWrite', 'User.Read'],
    extraAuthParams: {},
    desktopRedirect: 'custom-scheme',
  },
  {
    provider: 'microsoft_teams',
    integrationType: 'video',
    identity: 'microsoft',
    stored: 'microsoft_teams',
    label: 'Microsoft Teams',
    scopes: [...MS_SCOPES, 'OnlineMeetings.ReadWrite'],
    requiredScopes: ['Calendars.ReadWrite', 'User.Read', 'OnlineMeetings.ReadWrite'],
    extraAuthParams: {},
    desktopRedirect: 'custom-scheme',
  },
  {
    provider: 'zoom',
    integrationType: 'video',
    identity: 'zoom',
    stored: 'zoom',
    label: 'Zoom',
    scopes: ['meeting:write', 'meeting:read', 'user:read'],
    requiredScopes: ['meeting:write', 'meeting:read', 'user:read'],
    extraAuthParams: {},
    desktopRedirect: 'loopback',
  },
  {
    provider: 'webex',
    integrationType: 'video',
    identity: 'webex',
    stored: 'webex',
    label: 'Webex',
    scopes: ['meeting:schedules_read', 'meeting:schedules_write', 'spark:people_read'],
    requiredScopes: ['meeting:schedules_read', 'meeting:schedules_write', 'spark:people_read'],
    extraAuthParams: {},
    desktopRedirect: 'loopback',
  },
];

export function specFor(provider: OAuthProvider, integrationType: OAuthIntegrationType): ProviderSpec | undefined {
  return SPECS.find((s) => s.provider === provider && s.integrationType === integrationType);
}

/** The spec behind a stored integration (for refresh, revoke, reconnect). Apple/CalDAV has none. */
export function specForStored(kind: OAuthIntegrationType, stored: string): ProviderSpec | undefined {
  return SPECS.find((s) => s.integrationType === kind && s.stored === stored);
}

/** Granted scopes in the spelling we requested (Graph may prefix its resource; Google aliases email). */
export function normaliseScopes(identity: IdentitySpec, granted: string[]): string[] {
  return granted
    .map((s) => identity.scopeAliases[s] ?? s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''))
    .filter((s, i, all) => s.length > 0 && all.indexOf(s) === i);
}

/** Needed scopes missing from a grant, compared case-insensitively (Graph echoes its own casing). */
export function missingScopes(spec: ProviderSpec, granted: string[]): string[] {
  const have = new Set(granted.map((s) => s.toLowerCase()));
  return spec.requiredScopes.filter((s) => !have.has(s.toLowerCase()));
}

/** "Junction was not allowed to …" phrases for missing scopes. */
export function describeScope(scope: string): string {
  const words: Record<string, string> = {
    'https://www.googleapis.com/auth/calendar': 'see and manage your calendars',
    'https://www.googleapis.com/auth/calendar.events': 'create and change events in your calendars',
    openid: 'confirm who you are',
    email: 'see your email address',
    'Calendars.ReadWrite': 'read and write your calendars',
    'User.Read': 'read your profile',
    'OnlineMeetings.ReadWrite': 'create Teams meetings',
    'meeting:write': 'create meetings',
    'meeting:read': 'read your meetings',
    'user:read': 'read your profile',
    'meeting:schedules_read': 'read your meeting schedules',
    'meeting:schedules_write': 'schedule meetings',
    'spark:people_read': 'read your profile',
  };
  return words[scope] ?? `use the permission ${scope}`;
}
