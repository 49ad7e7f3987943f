// In-app notifications (inbox + `notification:added` push) and the native port; the first user is
// notify_integration_disconnected, which also writes the log entry with reconnect instructions.
import { randomUUID } from 'node:crypto';
import type {
  AppNotification,
  CalendarProvider,
  IntegrationType,
  NotificationSeverity,
  Page,
  VideoProvider,
} from '../../shared/domain';
import type { ChannelParsed } from '../../shared/ipc/contract';
import type { IntegrationKind, StoredAccount } from '../db/repos/accounts';
import { NotificationsRepo } from '../db/repos/notifications';
import { Outbox } from '../webhooks/outbox';
import type { NotificationRow } from '../db/schema';
import type { ServiceContext } from './context';
import type { LogsService } from './logs-service';
import { noopNotificationPort, type NotificationPort } from './notification-port';

const DEFAULT_PAGE = 50;

export interface NewNotification {
  /** Stable machine kind, e.g. `integration_disconnected`. */
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  integrationType?: IntegrationType | null;
  integrationId?: string | null;
  actionRoute?: string | null;
}

/** The name a person knows an integration by (same words as the renderer's PROVIDER_LABEL). */
export const INTEGRATION_LABEL: Record<CalendarProvider | VideoProvider, string> = {
  google: 'Google Calendar',
  outlook: 'Outlook',
  apple: 'Apple / CalDAV',
  zoom: 'Zoom',
  google_meet: 'Google Meet',
  microsoft_teams: 'Microsoft Teams',
  webex: 'Webex',
};

/** The renderer route that reconnects this integration in place. */
export function reconnectRoute(kind: IntegrationKind, provider: CalendarProvider | VideoProvider, id: string): string {
  return `/integrations/connect/${kind}/${provider}?reconnect=${encodeURIComponent(id)}`;
}

export const toNotification = (r: NotificationRow): AppNotification => ({
  id: r.id,
  kind: r.kind,
  severity: r.severity,
  title: r.title,
  body: r.body,
  integrationType: (r.integration_type as IntegrationType | null) ?? null,
  integrationId: r.integration_id,
  actionRoute: r.action_route,
  createdAt: r.created_at,
  readAt: r.read_at,
});

export class NotificationService {
  readonly #repo: NotificationsRepo;
  readonly #port: NotificationPort;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly logs: LogsService,
    port: NotificationPort = noopNotificationPort,
  ) {
    this.#repo = new NotificationsRepo(ctx.db);
    this.#port = port;
  }

  /** Records the notification, pushes `notification:added`, and shows it natively. The port never breaks this. */
  async notify(n: NewNotification): Promise<AppNotification> {
    const now = this.ctx.clock.now();
    // The notification and its notification_sent webhook events in one transaction.
    const row = await this.ctx.db.transaction().execute(async (trx) => {
      const inserted = await new NotificationsRepo(trx).insert({
      id: randomUUID(),
      organizer_id: this.ctx.organizerId,
      kind: n.kind,
      severity: n.severity,
      title: n.title,
      body: n.body,
      integration_type: n.integrationType ?? null,
      integration_id: n.integrationId ?? null,
      action_route: n.actionRoute ?? null,
      created_at: now,
      read_at: null,
      });
      await new Outbox(trx).enqueue(this.ctx.organizerId, 'notification_sent', { notification: toNotification(inserted) }, now);
      return inserted;
    });
    this.ctx.onWebhookEnqueued?.();
    const notification = toNotification(row);
    this.ctx.pushes.emit('notification:added', notification);
    try {
      this.#port.show(notification);
    } catch {
      // A native notification is a courtesy; the inbox already has it.
    }
    return notification;
  }

  async list(q: ChannelParsed<'notifications:list'> = {}): Promise<Page<AppNotification>> {
    const { rows, nextCursor } = await this.#repo.list({
      organizerId: this.ctx.organizerId,
      ...(q.unreadOnly !== undefined ? { unreadOnly: q.unreadOnly } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      limit: q.limit ?? DEFAULT_PAGE,
    });
    return { items: rows.map(toNotification), nextCursor };
  }

  async markRead(input: { ids?: string[] | undefined; all?: true | undefined }): Promise<{ updated: number }> {
    const target = input.all ? { all: true as const } : { ids: input.ids ?? [] };
    return { updated: await this.#repo.markRead(this.ctx.organizerId, target, this.ctx.clock.now()) };
  }

  async unreadCount(): Promise<number> {
    return this.#repo.countUnread(this.ctx.organizerId);
  }

  /**
   * The spec's notify_integration_disconnected: an error notification with a Reconnect route, an `error` log
   * entry carrying the reconnect instructions, and an `integration:changed` push ('disconnected').
   * `reason` must be plain words and never contain a token.
   */
  async notifyIntegrationDisconnected(account: StoredAccount, reason: string): Promise<AppNotification> {
    const label = INTEGRATION_LABEL[account.provider] ?? account.provider;
    const route = reconnectRoute(account.kind, account.provider, account.id);
    const who = account.providerEmail ? ` (${account.providerEmail})` : '';
    const instructions =
      `Open Integrations → ${label}${who} and press Reconnect to sign in again; ` +
      'its settings and history are kept and it is restored in place.';
    const notification = await this.notify({
      kind: 'integration_disconnected',
      severity: 'error',
      title: `${label} was disconnected`,
      body: `${reason} ${instructions}`,
      integrationType: account.kind,
      integrationId: account.id,
      actionRoute: route,
    });
    await this.logs.append({
      logType: 'error',
      message: `${label}${who} was disconnected: ${reason} To reconnect: ${instructions}`,
      success: false,
      integrationType: account.kind,
      integrationId: account.id,
      details: {
        event: 'integration_disconnected',
        provider: account.provider,
        reason,
        reconnect: { route, instructions },
        notificationId: notification.id,
      },
    });
    this.ctx.pushes.emit('integration:changed', {
      integrationType: account.kind,
      id: account.id,
      provider: account.provider,
      change: 'disconnected',
    });
    return notification;
  }
}
