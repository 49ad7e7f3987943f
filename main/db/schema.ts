// Kysely table types. Times are UTC epoch ms (INTEGER); booleans are 0/1 INTEGER; JSON is TEXT.
// Secret columns hold vault ciphertext only (type `Sealed`), never plaintext.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Sealed } from '../secrets/vault';

type Bool = number; // 0 | 1
type Json = string;

export interface OrganizersTable {
  id: string;
  name: string;
  email: string | null;
  time_zone: string;
  is_default: Bool;
  created_at: number;
  updated_at: number;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: number;
}

export interface CalendarIntegrationsTable {
  id: string;
  organizer_id: string;
  provider: 'google' | 'outlook' | 'apple';
  access_token: Sealed | null;
  refresh_token: Sealed | null;
  token_expires_at: number | null;
  provider_user_id: string | null;
  provider_email: string | null;
  calendar_id: string | null;
  last_sync_at: number | null;
  sync_token: string | null;
  sync_errors: Generated<number>;
  is_active: Generated<Bool>;
  sync_enabled: Generated<Bool>;
  connection_status: Generated<'connected' | 'disconnected'>;
  status_reason: string | null;
  /** JSON array of the scopes actually granted. */
  scopes: Generated<Json>;
  /** JSON array of needed scopes the grant lacked. */
  missing_scopes: Generated<Json>;
  /** CalDAV only: server and account; the app-specific password is sealed. */
  server_url: string | null;
  username: string | null;
  password: Sealed | null;
  /** 'auto' or minutes between syncs. */
  sync_frequency: Generated<string>;
  created_at: number;
  updated_at: number;
}

export interface VideoIntegrationsTable {
  id: string;
  organizer_id: string;
  provider: 'zoom' | 'google_meet' | 'microsoft_teams' | 'webex';
  access_token: Sealed | null;
  refresh_token: Sealed | null;
  token_expires_at: number | null;
  provider_user_id: string | null;
  provider_email: string | null;
  last_api_call: number | null;
  api_calls_today: Generated<number>;
  rate_limit_reset_at: number | null;
  is_active: Generated<Bool>;
  auto_generate_links: Generated<Bool>;
  connection_status: Generated<'connected' | 'disconnected'>;
  status_reason: string | null;
  /** JSON array of the scopes actually granted. */
  scopes: Generated<Json>;
  /** JSON array of needed scopes the grant lacked. */
  missing_scopes: Generated<Json>;
  created_at: number;
  updated_at: number;
}

export interface WebhookIntegrationsTable {
  id: string;
  organizer_id: string;
  name: string;
  webhook_url: string;
  events: Generated<Json>;
  secret_key: Sealed;
  headers: Generated<Json>;
  is_active: Generated<Bool>;
  retry_failed: Generated<Bool>;
  max_retries: Generated<number>;
  /** 2026-11-28-webhooks: the opt-in to http:// and local targets. */
  allow_local_targets: Generated<Bool>;
  /** 2026-11-28-webhooks: the secret before the last rotation, still signing until previous_secret_expires_at. */
  previous_secret_key: Sealed | null;
  previous_secret_expires_at: number | null;
  /** 2026-11-30-webhook-auto-disable: start of the current run of failed attempts; NULL after a success. */
  failing_since: Generated<number | null>;
  /** 2026-11-30-webhook-auto-disable: why Junction turned the webhook off (410, 5 days of failures); NULL otherwise. */
  disabled_reason: Generated<string | null>;
  disabled_at: Generated<number | null>;
  created_at: number;
  updated_at: number;
}

/** 2026-11-29-webhook-deliveries: the durable outbox; `id` is the stable `webhook-id`. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_type: string;
  body: string;
  status: 'pending' | 'delivering' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** 2026-11-29-webhook-deliveries: one row per delivery attempt. */
export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  webhook_id: string;
  attempt: number;
  started_at: number;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

export interface IntegrationLogsTable {
  id: Generated<number>;
  organizer_id: string;
  log_type: 'calendar_sync' | 'video_link_created' | 'webhook_sent' | 'error' | 'account';
  booking_id: string | null;
  integration_type: 'calendar' | 'video' | 'webhook' | null;
  integration_id: string | null;
  message: string;
  details: Json | null;
  success: Bool;
  created_at: number;
}

export interface BookingsTable {
  id: string;
  organizer_id: string;
  title: string;
  attendee_name: string;
  attendee_email: string;
  start_utc: number;
  end_utc: number;
  time_zone: string;
  status: 'scheduled' | 'cancelled' | 'completed';
  notes: string | null;
  cancel_reason: string | null;
  meeting_link: string | null;
  meeting_provider: 'zoom' | 'google_meet' | 'microsoft_teams' | 'webex' | null;
  created_at: number;
  updated_at: number;
}

export interface BlockedTimesTable {
  id: string;
  organizer_id: string;
  source: 'manual' | 'synced';
  integration_id: string | null;
  external_id: string | null;
  external_calendar_id: string | null;
  title: string;
  start_utc: number;
  end_utc: number;
  time_zone: string;
  all_day: Bool;
  busy: Generated<Bool>;
  created_at: number;
  updated_at: number;
}

export interface JobsTable {
  id: Generated<number>;
  type: string;
  payload: Json;
  status: ColumnType<'queued' | 'running' | 'done' | 'failed', string | undefined, string>;
  run_at: number;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  lease_until: number | null;
  leased_by: string | null;
  last_error: string | null;
  /** Recurring schedule: a job with an interval is re-queued after each run. */
  interval_ms: number | null;
  /** Dedupe key: at most one unfinished job per key (recurring schedules use their name). */
  unique_key: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface OAuthStatesTable {
  /** SHA-256 (hex) of the state; the state itself is never stored. */
  state_hash: string;
  provider: string;
  integration_type: 'calendar' | 'video';
  redirect_uri: string;
  code_verifier: Sealed;
  reconnect_integration_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ProviderCredentialsTable {
  provider: 'google' | 'microsoft' | 'zoom' | 'webex';
  client_id: string | null;
  client_secret: Sealed | null;
  auth_url: string | null;
  token_url: string | null;
  api_root: string | null;
  userinfo_url: string | null;
  revoke_url: string | null;
  updated_at: number;
}

export interface ApiCallsTable {
  id: Generated<number>;
  provider: string;
  operation: string;
  integration_id: string | null;
  /** HTTP status, or null when no response arrived (timeout, connection refused). */
  status: number | null;
  error_code: string | null;
  latency_ms: number;
  retried: Generated<Bool>;
  created_at: number;
}

export interface NotificationsTable {
  id: string;
  organizer_id: string;
  kind: string;
  severity: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  integration_type: string | null;
  integration_id: string | null;
  action_route: string | null;
  created_at: number;
  read_at: number | null;
}

export interface CalendarSourcesTable {
  id: string;
  integration_id: string;
  external_calendar_id: string;
  name: string;
  is_primary: Generated<Bool>;
  read_only: Generated<Bool>;
  time_zone: string | null;
  selected: Generated<Bool>;
  sync_cursor: string | null;
  window_start: number | null;
  window_end: number | null;
  last_sync_at: number | null;
  last_full_sync_at: number | null;
  access_state: Generated<'ok' | 'revoked' | 'failing'>;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface BookingCalendarEventsTable {
  booking_id: string;
  integration_id: string;
  external_calendar_id: string;
  external_event_id: string;
  state: 'created' | 'removed';
  created_at: number;
  updated_at: number;
}

export interface Database {
  calendar_sources: CalendarSourcesTable;
  booking_calendar_events: BookingCalendarEventsTable;
  oauth_states: OAuthStatesTable;
  provider_credentials: ProviderCredentialsTable;
  api_calls: ApiCallsTable;
  notifications: NotificationsTable;
  organizers: OrganizersTable;
  settings: SettingsTable;
  calendar_integrations: CalendarIntegrationsTable;
  video_integrations: VideoIntegrationsTable;
  webhook_integrations: WebhookIntegrationsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  integration_logs: IntegrationLogsTable;
  bookings: BookingsTable;
  blocked_times: BlockedTimesTable;
  jobs: JobsTable;
}

export type BookingRow = Selectable<BookingsTable>;
export type NewBookingRow = Insertable<BookingsTable>;
export type BookingUpdate = Updateable<BookingsTable>;
export type BlockedTimeRow = Selectable<BlockedTimesTable>;
export type NewBlockedTimeRow = Insertable<BlockedTimesTable>;
export type LogRow = Selectable<IntegrationLogsTable>;
export type NewLogRow = Insertable<IntegrationLogsTable>;
export type CalendarIntegrationRow = Selectable<CalendarIntegrationsTable>;
export type VideoIntegrationRow = Selectable<VideoIntegrationsTable>;
export type WebhookIntegrationRow = Selectable<WebhookIntegrationsTable>;
export type NewWebhookIntegrationRow = Insertable<WebhookIntegrationsTable>;
export type WebhookIntegrationUpdate = Updateable<WebhookIntegrationsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type OrganizerRow = Selectable<OrganizersTable>;
export type OAuthStateRow = Selectable<OAuthStatesTable>;
export type ProviderCredentialsRow = Selectable<ProviderCredentialsTable>;
export type ApiCallRow = Selectable<ApiCallsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type CalendarSourceRow = Selectable<CalendarSourcesTable>;
export type BookingCalendarEventRow = Selectable<BookingCalendarEventsTable>;
