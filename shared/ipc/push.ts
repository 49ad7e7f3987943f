// Pushes from main to the renderer: Electron `webContents.send`, or server-sent events in the browser host.
import type { AppNotification, CalendarProvider, IntegrationType, LogEntry, VideoProvider } from '../domain';

export interface IntegrationChanged {
  integrationType: IntegrationType;
  id: string;
  provider: CalendarProvider | VideoProvider | null;
  change: 'created' | 'updated' | 'deleted' | 'disconnected';
}

export interface SyncProgress {
  integrationId: string;
  phase: string;
  pages: number;
  eventsProcessed: number;
  state: 'running' | 'done' | 'failed';
}

export interface WebhookDeliveryPush {
  webhookId: string;
  deliveryId: string;
  status: 'delivered' | 'failed' | 'retrying';
}

export interface PushEvents {
  'log:appended': LogEntry;
  'integration:changed': IntegrationChanged;
  'sync:progress': SyncProgress;
  'webhook:delivery': WebhookDeliveryPush;
  'notification:added': AppNotification;
}
export type PushName = keyof PushEvents;
export const PUSH_NAMES: PushName[] = [
  'log:appended',
  'integration:changed',
  'sync:progress',
  'webhook:delivery',
  'notification:added',
];
