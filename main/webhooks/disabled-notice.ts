// Telling the organizer that Junction turned a webhook off (a 410 Gone answer, or Svix's rule: every attempt failed
// for 5 days), the same way a disconnected account is reported: an error notification (in-app inbox, pushed, and
// native through the notification port) with a route to the webhook, and an `error` log entry that says what
// happened and how to switch it back on. The webhook's URL is logged as its origin only: a path or query string
// may carry a token.
import type { AppNotification } from '../../shared/domain';
import type { LogsService } from '../services/logs-service';
import type { NewNotification } from '../services/notifications-service';
import type { EndpointDisabled } from './delivery';

export interface DisabledNoticeDeps {
  notify: (n: NewNotification) => Promise<AppNotification>;
  logs: Pick<LogsService, 'append'>;
}

export const webhookRoute = (id: string): string => `/integrations/webhooks/${encodeURIComponent(id)}`;

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'its URL';
  }
}

export async function notifyWebhookDisabled(deps: DisabledNoticeDeps, e: EndpointDisabled): Promise<AppNotification> {
  const route = webhookRoute(e.webhookId);
  const waiting = e.failedDeliveryIds.length;
  const kept =
    waiting === 0
      ? 'No deliveries were waiting.'
      : `${waiting} waiting deliver${waiting === 1 ? 'y was' : 'ies were'} marked failed; ${waiting === 1 ? 'it is' : 'they are'} kept in its delivery log.`;
  const instructions =
    `Open Integrations → Webhooks → ${e.name}, make sure the endpoint accepts deliveries again (Test), switch the ` +
    'webhook back on, then redeliver the failed deliveries from its delivery log (filter: failed).';
  const why = e.cause === 'gone' ? 'The endpoint answered 410 Gone.' : `${e.reason}.`;
  const notification = await deps.notify({
    kind: 'webhook_disabled',
    severity: 'error',
    title: `Webhook “${e.name}” was turned off`,
    body: `${why} ${kept} ${instructions}`,
    integrationType: 'webhook',
    integrationId: e.webhookId,
    actionRoute: route,
  });
  await deps.logs.append({
    logType: 'error',
    message: `Webhook “${e.name}” (${origin(e.url)}) was turned off: ${why} ${kept} To re-enable it: ${instructions}`,
    success: false,
    integrationType: 'webhook',
    integrationId: e.webhookId,
    details: {
      event: 'webhook_disabled',
      cause: e.cause,
      reason: e.reason,
      failingSince: e.failingSince,
      disabledAt: e.at,
      failedDeliveries: waiting,
      reenable: { route, instructions },
      notificationId: notification.id,
    },
  });
  return notification;
}
