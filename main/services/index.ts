import { BlocksService } from './blocks-service';
import { BookingsService } from './bookings-service';
import type { ServiceContext } from './context';
import { IntegrationsService } from './integrations-service';
import { LogsService } from './logs-service';
import { OverviewService } from './overview-service';
import { SettingsService } from './settings-service';
import { WebhooksService, type WebhooksServiceOptions } from './webhooks-service';
import type { Vault } from '../secrets/vault';

export interface Services {
  settings: SettingsService;
  bookings: BookingsService;
  blocks: BlocksService;
  logs: LogsService;
  integrations: IntegrationsService;
  overview: OverviewService;
  webhooks: WebhooksService;
}

export function createServices(ctx: ServiceContext, deps: { vault: Vault; webhooks?: WebhooksServiceOptions }): Services {
  return {
    settings: new SettingsService(ctx),
    bookings: new BookingsService(ctx),
    blocks: new BlocksService(ctx),
    logs: new LogsService(ctx),
    integrations: new IntegrationsService(ctx),
    overview: new OverviewService(ctx),
    webhooks: new WebhooksService(ctx, deps.vault, deps.webhooks),
  };
}
