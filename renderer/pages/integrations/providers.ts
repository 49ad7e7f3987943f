// What the renderer knows about each provider: names, what connecting it gives, and the permissions
// (scopes of issue 3) it asks for, in plain words.
import type { CalendarProvider, IdentityProvider, OAuthProvider, VideoProvider } from '../../../shared/domain';

export const PROVIDER_LABEL: Record<CalendarProvider | VideoProvider, string> = {
  google: 'Google Calendar',
  outlook: 'Outlook',
  apple: 'Apple / CalDAV',
  zoom: 'Zoom',
  google_meet: 'Google Meet',
  microsoft_teams: 'Microsoft Teams',
  webex: 'Webex',
};

/** Names for the `connect` routes, which take the seed's provider values. */
export function providerName(provider: string | undefined): string | null {
  if (!provider) return null;
  if (provider in PROVIDER_LABEL) return PROVIDER_LABEL[provider as CalendarProvider | VideoProvider];
  return null;
}

export type ConnectKind = 'calendar' | 'video';
export type IntegrationProvider = CalendarProvider | VideoProvider;

export interface ConnectTarget {
  /** The integration's provider id, also the last segment of its connect route. */
  slug: IntegrationProvider;
  kind: ConnectKind;
  label: string;
  /** Whose account the person signs in with ("Sign in with Google"). */
  company: string;
  /** What `oauth:initiate` takes; null for CalDAV (app-specific password, no OAuth). */
  oauthProvider: OAuthProvider | null;
  /** Whose OAuth client is used (Settings → Providers). */
  identity: IdentityProvider | null;
  tagline: string;
  benefits: string[];
  scopes: string[];
}

const GOOGLE_SCOPES = ['https://www.googleapis.com/auth/calendar', 'https://www.googleapis.com/auth/calendar.events', 'openid', 'email'];
const MICROSOFT_SCOPES = ['Calendars.ReadWrite', 'offline_access', 'User.Read'];

export const CONNECT_TARGETS: readonly ConnectTarget[] = [
  {
    slug: 'google',
    kind: 'calendar',
    label: 'Google Calendar',
    company: 'Google',
    oauthProvider: 'google',
    identity: 'google',
    tagline: 'Busy times from your Google calendars keep bookings off your time.',
    benefits: [
      'Events in your Google calendars block those times, so nobody can book you then.',
      'Bookings made in Junction can be added to your calendar.',
      'Add Google Meet too, and bookings get Meet links from the same account.',
    ],
    scopes: GOOGLE_SCOPES,
  },
  {
    slug: 'outlook',
    kind: 'calendar',
    label: 'Outlook',
    company: 'Microsoft',
    oauthProvider: 'outlook',
    identity: 'microsoft',
    tagline: 'Busy times from your Outlook (Microsoft 365) calendars keep bookings off your time.',
    benefits: [
      'Events in your Outlook calendars block those times, so nobody can book you then.',
      'Bookings made in Junction can be added to your calendar.',
      'Works with work, school and personal Microsoft accounts.',
    ],
    scopes: MICROSOFT_SCOPES,
  },
  {
    slug: 'apple',
    kind: 'calendar',
    label: 'Apple iCloud / CalDAV',
    company: 'Apple',
    oauthProvider: null,
    identity: null,
    tagline: 'Your iCloud calendars, or any CalDAV server, with an app-specific password.',
    benefits: [
      'Events in your iCloud (or other CalDAV) calendars block those times.',
      'No Apple sign-in page: an app-specific password that you can revoke at any time.',
      'Works with any standard CalDAV server (Fastmail, Nextcloud, Radicale…).',
    ],
    scopes: [],
  },
  {
    slug: 'google_meet',
    kind: 'video',
    label: 'Google Meet',
    company: 'Google',
    oauthProvider: 'google',
    identity: 'google',
    tagline: 'A Google Meet link for every booking, created for you.',
    benefits: [
      'Each new booking gets its own Meet link, added to the booking and its calendar event.',
      'Rescheduling or cancelling a booking updates the meeting too.',
      'Uses the Google account you sign in with; no separate Meet account needed.',
    ],
    scopes: GOOGLE_SCOPES,
  },
  {
    slug: 'zoom',
    kind: 'video',
    label: 'Zoom',
    company: 'Zoom',
    oauthProvider: 'zoom',
    identity: 'zoom',
    tagline: 'A Zoom meeting for every booking, with your meeting defaults.',
    benefits: [
      'Each new booking gets its own Zoom meeting and join link.',
      'Your defaults apply: waiting room, join before host, recording.',
      'Rescheduling or cancelling a booking updates or removes the meeting.',
    ],
    scopes: ['meeting:write', 'meeting:read', 'user:read'],
  },
  {
    slug: 'microsoft_teams',
    kind: 'video',
    label: 'Microsoft Teams',
    company: 'Microsoft',
    oauthProvider: 'microsoft_teams',
    identity: 'microsoft',
    tagline: 'A Teams meeting for every booking, from your Microsoft 365 account.',
    benefits: [
      'Each new booking gets a Teams meeting link.',
      'Rescheduling or cancelling a booking updates the meeting too.',
      'Uses your work or school Microsoft account.',
    ],
    scopes: [...MICROSOFT_SCOPES, 'OnlineMeetings.ReadWrite'],
  },
  {
    slug: 'webex',
    kind: 'video',
    label: 'Webex',
    company: 'Webex',
    oauthProvider: 'webex',
    identity: 'webex',
    tagline: 'A Webex meeting for every booking.',
    benefits: [
      'Each new booking gets its own Webex meeting and join link.',
      'Rescheduling or cancelling a booking updates or removes the meeting.',
    ],
    scopes: ['meeting:schedules_read', 'meeting:schedules_write', 'spark:people_read'],
  },
];

export const targetsOfKind = (kind: ConnectKind) => CONNECT_TARGETS.filter((t) => t.kind === kind);

/** `/integrations/connect/<kind>/<slug>`; `google` stands for Meet on the video side. */
export function findTarget(kind: ConnectKind, slug: string | undefined): ConnectTarget | null {
  const s = kind === 'video' && slug === 'google' ? 'google_meet' : slug;
  return CONNECT_TARGETS.find((t) => t.kind === kind && t.slug === s) ?? null;
}

/** `/integrations/connect/<provider>`: the seed's provider values (plus apple and google_meet). Google offers two. */
export function targetsForProvider(slug: string | undefined): ConnectTarget[] {
  if (slug === 'google') return [findTarget('calendar', 'google')!, findTarget('video', 'google_meet')!];
  return CONNECT_TARGETS.filter((t) => t.slug === slug);
}

/** The target an integration (or a callback's `provider` + `integrationType`) belongs to. */
export function targetOf(provider: string | null | undefined, integrationType?: string | null): ConnectTarget | null {
  if (!provider) return null;
  if (integrationType === 'calendar' || integrationType === 'video') {
    const exact = findTarget(integrationType, provider);
    if (exact) return exact;
    // An OAuth provider id rather than the integration's (outlook/microsoft_teams are both).
    return CONNECT_TARGETS.find((t) => t.kind === integrationType && t.oauthProvider === provider) ?? null;
  }
  const all = targetsForProvider(provider);
  return all.length === 1 ? all[0]! : null;
}

export function connectPath(target: ConnectTarget, reconnectId?: string | null): string {
  const base = `/integrations/connect/${target.kind}/${target.slug}`;
  return reconnectId ? `${base}?reconnect=${encodeURIComponent(reconnectId)}` : base;
}

export const KIND_LIST_PATH: Record<ConnectKind, string> = { calendar: '/integrations/calendar', video: '/integrations/video' };

export const IDENTITY_LABEL: Record<IdentityProvider, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  zoom: 'Zoom',
  webex: 'Webex',
};
export const IDENTITY_USED_BY: Record<IdentityProvider, string> = {
  google: 'Google Calendar and Google Meet',
  microsoft: 'Outlook and Microsoft Teams',
  zoom: 'Zoom meetings',
  webex: 'Webex meetings',
};

// ---------- permissions in plain words ----------

const SCOPE_WORDS: Record<string, string> = {
  calendar: 'See and change your calendars and their settings',
  'calendar.events': 'See and edit events in your calendars',
  openid: 'Confirm who you are when you sign in',
  email: 'See your email address',
  'calendars.readwrite': 'See and edit events in your calendars',
  offline_access: 'Stay connected without asking you to sign in again each hour',
  'user.read': 'Sign you in and read your basic profile (name and email)',
  'onlinemeetings.readwrite': 'Create and update Teams meetings for your bookings',
  'meeting:write': 'Create, change and delete Zoom meetings for your bookings',
  'meeting:read': 'See your Zoom meetings',
  'user:read': 'See your Zoom profile (name and email)',
  'meeting:schedules_read': 'See your scheduled Webex meetings',
  'meeting:schedules_write': 'Create, change and delete Webex meetings for your bookings',
  'spark:people_read': 'See your Webex profile (name and email)',
};

/** Scopes arrive in several spellings (full Google/Graph URLs, any case): one key per permission. */
function scopeKey(scope: string): string {
  return scope
    .trim()
    .replace(/^https:\/\/www\.googleapis\.com\/auth\//i, '')
    .replace(/^https:\/\/graph\.microsoft\.com\//i, '')
    .toLowerCase();
}

/** "See and edit events in your calendars" for a scope; unknown scopes are named as they are. */
export function scopeSentence(scope: string): string {
  return SCOPE_WORDS[scopeKey(scope)] ?? `Use the permission “${scope}”`;
}

/** "Junction was not allowed to see and edit events in your calendars." */
export function notAllowedSentence(scope: string): string {
  const s = scopeSentence(scope);
  return `Junction was not allowed to ${s.charAt(0).toLowerCase()}${s.slice(1)}.`;
}
