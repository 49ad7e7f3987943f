import { BlocksService } from './blocks-service';
import { BookingsService } from './bookings-service';
import type { ServiceContext } from './context';
import { IntegrationsService } from './integrations-service';
import { LogsService } from './logs-service';
import { OverviewService } from './overview-service';
import { SettingsService } from './settings-service';
import { WebhooksService, type WebhooksServiceOptions } from './webhooks-service';
import type { Vault } from '../secrets/vault';
import { type DeliveryWorkerOptions, WebhookDeliveryWorker } from '../webhooks/delivery';

export interface Services {
  settings: SettingsService;
  bookings: BookingsService;
  blocks: BlocksService;
  logs: LogsService;
  integrations: IntegrationsService;
  overview: OverviewService;
  webhooks: WebhooksService;
  /** The webhook outbox worker: delivery log, redelivery, test sends. */
  webhookDelivery: WebhookDeliveryWorker;
}

export function createServices(ctx: ServiceContext, deps: {
    vault: Vault;
    webhooks?: WebhooksServiceOptions;
    delivery?: Omit<DeliveryWorkerOptions, 'db' | 'clock' | 'vault' | 'pushes' | 'organizerId' | 'lookup'>;
  },): Services {
  return {
    settings: new SettingsService(ctx),
    bookings: new BookingsService(ctx),
    blocks: new BlocksService(ctx),
    logs: new LogsService(ctx),
    integrations: new IntegrationsService(ctx),
    overview: new OverviewService(ctx),
    webhooks: new WebhooksService(ctx, deps.vault, deps.webhooks),
    webhookDelivery: new WebhookDeliveryWorker({
      ...deps.delivery,
      db: ctx.db,
      clock: ctx.clock,
      vault: deps.vault,
      pushes: ctx.pushes,
      organizerId: ctx.organizerId,
      lookup: deps.webhooks?.lookup,
    }),
  };
}
