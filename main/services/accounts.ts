// The account-facing services of the Connecting-accounts issue, as the IPC handlers see them.
import type {
  AppNotification,
  CalendarIntegrationView,
  DisconnectResult,
  Page,
} from '../../shared/domain';
import type { ChannelParsed } from '../../shared/ipc/contract';
import type { IntegrationRef } from '../db/repos/accounts';
import type { OAuthService } from '../oauth/oauth-service';
import type { ProviderConfigService } from '../oauth/provider-config';
import type { TokenManager } from '../oauth/tokens';
import type { ProviderHttp } from '../providers/http';
import type { NotificationService } from './notifications-service';

export interface AccountServices {
  oauth: OAuthService;
  providers: ProviderConfigService;
  connectCalDav(input: ChannelParsed<'caldav:connect'>): Promise<CalendarIntegrationView>;
  disconnect(ref: IntegrationRef): Promise<DisconnectResult>;
  notifications: {
    list(q: ChannelParsed<'notifications:list'>): Promise<Page<AppNotification>>;
    markRead(q: ChannelParsed<'notifications:markRead'>): Promise<{ updated: number }>;
  };
  /** For the provider adapters of later issues: tokens, the shared HTTP layer, notifications. */
  tokens: TokenManager;
  http: ProviderHttp;
  notificationService: NotificationService;
}
