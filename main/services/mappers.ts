// Row → view mappers: the only place rows become what crosses IPC. Secret columns are never copied.
import type {
  BlockedTime,
  Booking,
  CalendarIntegrationView,
  LogEntry,
  VideoIntegrationView,
  WebhookView,
} from '../../shared/domain';
import type {
  BlockedTimeRow,
  BookingRow,
  CalendarIntegrationRow,
  LogRow,
  VideoIntegrationRow,
  WebhookIntegrationRow,
} from '../db/schema';

const parseJson = <T>(text: string | null, fallback: T): T => {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

const connection = (r: CalendarIntegrationRow | VideoIntegrationRow) => ({
  status: r.connection_status,
  statusReason: r.status_reason,
  scopes: parseJson<string[]>(r.scopes, []),
  missingScopes: parseJson<string[]>(r.missing_scopes, []),
});

export const toBooking = (r: BookingRow): Booking => ({
  id: r.id,
  title: r.title,
  attendeeName: r.attendee_name,
  attendeeEmail: r.attendee_email,
  startUtc: r.start_utc,
  endUtc: r.end_utc,
  timeZone: r.time_zone,
  status: r.status,
  notes: r.notes,
  cancelReason: r.cancel_reason,
  meetingLink: r.meeting_link,
  meetingProvider: r.meeting_provider,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toBlockedTime = (r: BlockedTimeRow): BlockedTime => ({
  id: r.id,
  title: r.title,
  source: r.source,
  integrationId: r.integration_id,
  externalId: r.external_id,
  externalCalendarId: r.external_calendar_id,
  startUtc: r.start_utc,
  endUtc: r.end_utc,
  timeZone: r.time_zone,
  allDay: r.all_day === 1,
  busy: r.busy === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toLogEntry = (r: LogRow): LogEntry => ({
  id: r.id,
  logType: r.log_type,
  bookingId: r.booking_id,
  integrationType: r.integration_type,
  integrationId: r.integration_id,
  message: r.message,
  details: parseJson<unknown>(r.details, null),
  success: r.success === 1,
  createdAt: r.created_at,
});

export const toCalendarView = (r: CalendarIntegrationRow): CalendarIntegrationView => ({
  id: r.id,
  provider: r.provider,
  providerEmail: r.provider_email,
  calendarId: r.calendar_id,
  tokenExpiresAt: r.token_expires_at,
  lastSyncAt: r.last_sync_at,
  syncErrors: r.sync_errors,
  isActive: r.is_active === 1,
  syncEnabled: r.sync_enabled === 1,
  ...connection(r),
  serverUrl: r.server_url,
  createdAt: r.created_at,
});

export const toVideoView = (r: VideoIntegrationRow): VideoIntegrationView => ({
  id: r.id,
  provider: r.provider,
  providerEmail: r.provider_email,
  tokenExpiresAt: r.token_expires_at,
  lastApiCall: r.last_api_call,
  apiCallsToday: r.api_calls_today,
  rateLimitResetAt: r.rate_limit_reset_at,
  isActive: r.is_active === 1,
  autoGenerateLinks: r.auto_generate_links === 1,
  ...connection(r),
  createdAt: r.created_at,
});

/** The view of a webhook; `secretMasked` comes from maskWebhookSecret (the row holds only ciphertext). */
export const toWebhookView = (r: WebhookIntegrationRow, secretMasked: string): WebhookView => ({
  id: r.id,
  name: r.name,
  webhookUrl: r.webhook_url,
  events: parseJson<string[]>(r.events, []),
  headers: parseJson<Record<string, string>>(r.headers, {}),
  isActive: r.is_active === 1,
  retryFailed: r.retry_failed === 1,
  maxRetries: r.max_retries,
  allowLocalTargets: r.allow_local_targets === 1,
  secretMasked,
  createdAt: r.created_at,
});
