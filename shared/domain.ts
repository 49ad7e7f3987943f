// Domain types seen by every process. Times are UTC epoch milliseconds plus an IANA zone where it matters.
export const CALENDAR_PROVIDERS = ['google', 'outlook', 'apple'] as const;
export type CalendarProvider = (typeof CALENDAR_PROVIDERS)[number];
export const VIDEO_PROVIDERS = ['zoom', 'google_meet', 'microsoft_teams', 'webex'] as const;
export type VideoProvider = (typeof VIDEO_PROVIDERS)[number];
export const BOOKING_STATUSES = ['scheduled', 'cancelled', 'completed'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const BLOCK_SOURCES = ['manual', 'synced'] as const;
export type BlockSource = (typeof BLOCK_SOURCES)[number];
/** The spec's four, plus `account`: connecting, reconnecting, refreshing and disconnecting accounts (ADR 0002). */
export const LOG_TYPES = ['calendar_sync', 'video_link_created', 'webhook_sent', 'error', 'account'] as const;
export type LogType = (typeof LOG_TYPES)[number];
export const INTEGRATION_TYPES = ['calendar', 'video', 'webhook'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];
/** Provider values `oauth:initiate` takes (the seed's). Meet signs in through Google, Teams through Microsoft. */
export const OAUTH_PROVIDERS = ['google', 'outlook', 'zoom', 'microsoft_teams', 'webex'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];
/** Identity providers: whose OAuth client and endpoints are configured (env JUNCTION_<ID>_*). */
export const IDENTITY_PROVIDERS = ['google', 'microsoft', 'zoom', 'webex'] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];
export const OAUTH_INTEGRATION_TYPES = ['calendar', 'video'] as const;
export type OAuthIntegrationType = (typeof OAUTH_INTEGRATION_TYPES)[number];
export type ConnectionStatus = 'connected' | 'disconnected';
export const NOTIFICATION_SEVERITIES = ['info', 'warning', 'error'] as const;
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
/** What a booking over busy time does: warn (CONFLICT unless overrideBusy), block (always CONFLICT), allow (no check). */
export const CONFLICT_PREFERENCES = ['warn', 'block', 'allow'] as const;
export type ConflictPreference = (typeof CONFLICT_PREFERENCES)[number];

export interface Page<T> {
  items: T[];
  /** Opaque keyset cursor for the next page; null when this is the last page. */
  nextCursor: string | null;
}

export interface Booking {
  id: string;
  title: string;
  attendeeName: string;
  attendeeEmail: string;
  startUtc: number;
  endUtc: number;
  timeZone: string;
  status: BookingStatus;
  notes: string | null;
  /** The reason given to bookings:cancel; null unless cancelled with one. */
  cancelReason: string | null;
  meetingLink: string | null;
  meetingProvider: VideoProvider | null;
  createdAt: number;
  updatedAt: number;
}

export interface BlockedTime {
  id: string;
  title: string;
  source: BlockSource;
  integrationId: string | null;
  externalId: string | null;
  externalCalendarId: string | null;
  startUtc: number;
  endUtc: number;
  timeZone: string;
  allDay: boolean;
  busy: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface LogEntry {
  id: number;
  logType: LogType;
  bookingId: string | null;
  integrationType: IntegrationType | null;
  integrationId: string | null;
  message: string;
  details: unknown;
  success: boolean;
  createdAt: number;
}

/** What the renderer may see of a calendar integration: never a token. */
export interface CalendarIntegrationView {
  id: string;
  provider: CalendarProvider;
  providerEmail: string | null;
  calendarId: string | null;
  tokenExpiresAt: number | null;
  lastSyncAt: number | null;
  syncErrors: number;
  isActive: boolean;
  syncEnabled: boolean;
  /** 'disconnected' when the grant was revoked or refresh failed: Reconnect restores it in place. */
  status: ConnectionStatus;
  /** Why it is disconnected or unhealthy, in words a person understands. */
  statusReason: string | null;
  scopes: string[];
  /** Scopes Junction needs that the grant lacked; non-empty means not healthy. */
  missingScopes: string[];
  /** CalDAV only. */
  serverUrl: string | null;
  createdAt: number;
}

/** How often a calendar integration syncs: 'auto' (5 min when busy, 30 when quiet) or fixed minutes. */
export const SYNC_FREQUENCIES = ['auto', 5, 15, 30, 60] as const;
export type SyncFrequency = (typeof SYNC_FREQUENCIES)[number];

/** One calendar of a connected account; `selected` ones are synced and block availability. */
export interface CalendarSourceView {
  id: string;
  /** The provider's calendar id (Google calendarId, Graph id, CalDAV collection URL). */
  externalCalendarId: string;
  name: string;
  primary: boolean;
  readOnly: boolean;
  selected: boolean;
  lastSyncAt: number | null;
  /** 'revoked': the provider refused access to this calendar (lastError says what to do); not retried until refreshed. */
  accessState: 'ok' | 'revoked' | 'failing';
  lastError: string | null;
}

/** `calendar:get`: the integration, its calendars and its recent sync history. */
export interface CalendarIntegrationDetail extends CalendarIntegrationView {
  syncFrequency: SyncFrequency;
  calendars: CalendarSourceView[];
  /** Newest first (calendar_sync log entries). */
  history: LogEntry[];
}

/** `calendar:sync` / `calendar:forceSync`: the queued job, or null when a sync of it is already queued or running. */
export interface SyncRequested {
  jobId: number | null;
}

export interface VideoIntegrationView {
  id: string;
  provider: VideoProvider;
  providerEmail: string | null;
  tokenExpiresAt: number | null;
  lastApiCall: number | null;
  apiCallsToday: number;
  rateLimitResetAt: number | null;
  isActive: boolean;
  autoGenerateLinks: boolean;
  /** 'disconnected' when the grant was revoked or refresh failed: Reconnect restores it in place. */
  status: ConnectionStatus;
  /** Why it is disconnected or unhealthy, in words a person understands. */
  statusReason: string | null;
  scopes: string[];
  /** Scopes Junction needs that the grant lacked; non-empty means not healthy. */
  missingScopes: string[];
  createdAt: number;
}

/** A webhook as listed: the secret is never included. */
export interface WebhookView {
  id: string;
  name: string;
  webhookUrl: string;
  events: string[];
  headers: Record<string, string>;
  isActive: boolean;
  retryFailed: boolean;
  maxRetries: number;
  /** The per-webhook opt-in to http:// and loopback/private targets (SSRF guard). */
  allowLocalTargets: boolean;
  /** `whsec_…abcd`: the last four characters only. The secret itself is shown once, then on explicit reveal. */
  secretMasked: string;
  createdAt: number;
  /** Delivery figures (webhooks:list and webhooks:get); absent where a view is built without them. */
  stats?: WebhookStats;
  /** Why the webhook is disabled when Junction disabled it (e.g. the endpoint answered 410 Gone); null otherwise. */
  disabledReason?: string | null;
}

/** How many days of deliveries the delivered / failed / pending counts and the success rate cover. */
export const WEBHOOK_STATS_WINDOW_DAYS = 7;

/** The last attempt Junction made to an endpoint (any age): when, and how it went. */
export interface WebhookLastDelivery {
  at: number;
  deliveryId: string;
  eventType: string;
  /** The delivery's status now ('pending' = a retry is scheduled). */
  status: WebhookDeliveryStatus;
  /** That attempt's HTTP status, null when no answer came (refused, timed out, blocked). */
  statusCode: number | null;
  error: string | null;
}

export interface WebhookStats {
  /** The counts cover deliveries created in the last `windowDays` days. */
  windowDays: number;
  delivered: number;
  failed: number;
  /** Waiting for an attempt or being attempted now. */
  pending: number;
  /** delivered / (delivered + failed) in the window, 0..1; null when nothing finished in it. */
  successRate: number | null;
  lastDelivery: WebhookLastDelivery | null;
}

export interface WebhookCreated {
  webhook: WebhookView;
  /** Shown once, here; afterwards only through webhooks:revealSecret. */
  secret: string;
}

export interface WebhookSecretRotated {
  secret: string;
  /** Until then (epoch ms) deliveries are signed with the previous secret too. */
  previousExpiresAt: number;
}

export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed';

export interface WebhookAttemptView {
  attempt: number;
  startedAt: number;
  statusCode: number | null;
  latencyMs: number;
  /** At most 4096 characters of the response body. */
  responseExcerpt: string | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  /** The `webhook-id`: the same on every retry and redelivery. */
  id: string;
  webhookId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  /** The newest attempts (at most 20), newest first. */
  attemptLog: WebhookAttemptView[];
}

export interface WebhookTestResult {
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export interface Settings {
  organizerName: string;
  organizerEmail: string | null;
  /** IANA zone of the organizer, e.g. "Europe/Berlin". */
  timeZone: string;
  theme: Theme;
  /** Global: how bookings:create / bookings:reschedule treat busy time. */
  conflictPreference: ConflictPreference;
  /** When true the scheduler runs no jobs (sync, deliveries) until resumed. */
  schedulerPaused: boolean;
}

export interface Overview {
  bookings: { scheduled: number; cancelled: number; completed: number; upcoming: number };
  blockedTimes: { manual: number; synced: number };
  integrations: { calendar: number; video: number; webhooks: number };
  logs: { total: number; errorsLast24h: number };
}

export interface AppNotification {
  id: string;
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  integrationType: IntegrationType | null;
  integrationId: string | null;
  /** Renderer route where the user can act on it (e.g. reconnect). */
  actionRoute: string | null;
  createdAt: number;
  readAt: number | null;
}

export interface OAuthStart {
  /** The provider's consent page. The Electron host has already opened it in the system browser. */
  authorizationUrl: string;
  redirectUri: string;
  expiresAt: number;
  openedExternally: boolean;
}

export interface OAuthResult {
  status: 'connected' | 'reconnected';
  integrationType: OAuthIntegrationType;
  integrationId: string;
  provider: CalendarProvider | VideoProvider;
  email: string | null;
  grantedScopes: string[];
  missingScopes: string[];
}

export interface DisconnectResult {
  id: string;
  /** True when the provider confirmed the grant was revoked. */
  revoked: boolean;
  /** What happened, in plain words (e.g. where to remove Microsoft's consent). */
  message: string;
}

export interface ProviderEndpoints {
  authUrl: string;
  tokenUrl: string;
  apiRoot: string;
  userinfoUrl: string;
  revokeUrl: string | null;
}

export interface ProviderSettingsView {
  provider: IdentityProvider;
  clientId: string | null;
  hasClientSecret: boolean;
  endpoints: ProviderEndpoints;
  defaults: ProviderEndpoints;
  /** Fields currently set by environment variables (they win over saved settings), with the variable name. */
  fromEnv: Partial<Record<'clientId' | 'clientSecret' | keyof ProviderEndpoints, string>>;
}

export interface AppInfo {
  version: string;
  host: 'electron' | 'browser';
  /** True under `npm run sandbox`: every provider is a local simulation. */
  sandbox: boolean;
}

/** A free time of the requested duration (availability:get). */
export interface AvailabilitySlot {
  startUtc: number;
  endUtc: number;
}

/** A calendar asked live by availability:get (`live: true`). */
export interface LiveCalendarRef {
  integrationId: string;
  provider: CalendarProvider;
  accountEmail: string | null;
  /** The calendar's name (its provider id when it has none). */
  calendar: string;
}

/** A calendar that could not be asked live: its synced data was used instead. */
export interface LiveCalendarError extends LiveCalendarRef {
  /** What went wrong and what happens now, for a person. */
  message: string;
}

export interface Availability {
  slots: AvailabilitySlot[];
  /** The organizer's IANA zone the slots are aligned in. */
  zone: string;
  /** Only with `live: true`: the calendars whose busy times were asked from the provider just now. */
  liveChecked?: LiveCalendarRef[];
  /** Only with `live: true`: the calendars that could not be asked; their synced events still count. */
  liveErrors?: LiveCalendarError[];
}

/** Something that makes a time busy: a manual block, a synced calendar event, or a scheduled booking. */
export interface BusyItem {
  kind: 'manual' | 'synced' | 'booking';
  id: string;
  title: string;
  startUtc: number;
  endUtc: number;
  allDay: boolean;
  /** Synced only: which account and calendar it came from. */
  integrationId: string | null;
  provider: CalendarProvider | null;
  accountEmail: string | null;
  calendarName: string | null;
}

export interface AvailabilityExplanation {
  busy: boolean;
  items: BusyItem[];
}
