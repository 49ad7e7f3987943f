// Input validation for creating and updating a webhook (issue 5 item 1). The pure zod schema lives in
// shared/ipc/schemas.ts (the IPC contract uses it); re-exported here for the webhook code in main.
export {
  DEFAULT_MAX_RETRIES,
  MAX_CUSTOM_HEADERS,
  MAX_HEADER_NAME_LENGTH,
  MAX_HEADER_VALUE_LENGTH,
  MAX_RETRIES_LIMIT,
  MAX_WEBHOOK_URL_LENGTH,
  WEBHOOK_EVENTS,
  reservedHeaderReason,
  webhookInput,
  type WebhookConfig,
  type WebhookEvent,
  type WebhookInput,
} from '../../shared/ipc/schemas';
