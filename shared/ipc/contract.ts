// The one IPC contract: every channel of DESIGN.md §8, its input schema and its output type.
// Main validates with `input`; preload forwards exactly these names; the renderer's client is typed from it.
import type { z } from 'zod';
import type {
  AppInfo,
  AppNotification,
  Availability,
  AvailabilityExplanation,
  BlockedTime,
  DisconnectResult,
  OAuthResult,
  OAuthStart,
  ProviderSettingsView,
  Booking,
  CalendarIntegrationView,
  CalendarIntegrationDetail,
  CalendarSourceView,
  SyncRequested,
  LogEntry,
  Overview,
  Page,
  Settings,
  VideoIntegrationView,
  WebhookCreated,
  WebhookDeliveryView,
  WebhookTestResult,
  WebhookSecretRotated,
  WebhookView,
} from '../domain';
import type { ChannelName } from './channels';
import * as s from './schemas';

interface ChannelSpec<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type only. */
  output: O;
  implemented: boolean;
}
const ch = <O>() => <I extends z.ZodType>(input: I): ChannelSpec<I, O> => ({
  input,
  output: undefined as unknown as O,
  implemented: true,
});
/** Declared now, built by a later issue: answers NOT_IMPLEMENTED until then. */
const later = (): ChannelSpec<typeof s.notImplementedInput, never> => ({
  input: s.notImplementedInput,
  output: undefined as never,
  implemented: false,
});

export const contract = {
  // bookings
  'bookings:list': ch<Page<Booking>>()(s.bookingsList),
  'bookings:create': ch<Booking>()(s.bookingsCreate),
  'bookings:reschedule': ch<Booking>()(s.bookingsReschedule),
  'bookings:cancel': ch<Booking>()(s.bookingsCancel),
  'bookings:complete': ch<Booking>()(s.bookingsComplete),
  // manual blocked times
  'blocks:list': ch<Page<BlockedTime>>()(s.blocksList),
  'blocks:create': ch<BlockedTime>()(s.blocksCreate),
  'blocks:delete': ch<{ id: string }>()(s.blocksDelete),
  // logs
  'logs:list': ch<Page<LogEntry>>()(s.logsList),
  'logs:export': later(),
  // settings
  'settings:get': ch<Settings>()(s.empty),
  'settings:update': ch<Settings>()(s.settingsUpdate),
  // overview counts (a feature channel of the same domain:verb form)
  'overview:get': ch<Overview>()(s.empty),
  // calendars
  'calendar:list': ch<CalendarIntegrationView[]>()(s.empty),
  'calendar:get': ch<CalendarIntegrationDetail>()(s.byId),
  'calendar:update': ch<CalendarIntegrationDetail>()(s.calendarUpdate),
  'calendar:disconnect': ch<DisconnectResult>()(s.byId),
  'calendar:listCalendars': ch<CalendarSourceView[]>()(s.byId),
  'calendar:sync': ch<SyncRequested>()(s.byId),
  'calendar:forceSync': ch<SyncRequested>()(s.byId),
  'caldav:connect': ch<CalendarIntegrationView>()(s.caldavConnect),
  // conflicts
  'conflicts:list': later(),
  'conflicts:resolve': later(),
  'conflicts:undo': later(),
  'conflicts:history': later(),
  // video
  'video:list': ch<VideoIntegrationView[]>()(s.empty),
  'video:get': later(),
  'video:update': later(),
  'video:disconnect': ch<DisconnectResult>()(s.byId),
  'video:testMeeting': later(),
  // webhooks
  'webhooks:list': ch<WebhookView[]>()(s.empty),
  'webhooks:create': ch<WebhookCreated>()(s.webhooksCreate),
  'webhooks:get': ch<WebhookView>()(s.byId),
  'webhooks:update': ch<WebhookView>()(s.webhooksUpdate),
  'webhooks:delete': ch<{ id: string }>()(s.byId),
  'webhooks:test': ch<WebhookTestResult>()(s.webhooksTest),
  'webhooks:deliveries': ch<Page<WebhookDeliveryView>>()(s.webhooksDeliveries),
  'webhooks:redeliver': ch<{ queued: number }>()(s.webhooksRedeliver),
  'webhooks:rotateSecret': ch<WebhookSecretRotated>()(s.webhooksRotateSecret),
  'webhooks:revealSecret': ch<{ secret: string }>()(s.byId),
  // oauth
  'oauth:initiate': ch<OAuthStart>()(s.oauthInitiate),
  'oauth:callback': ch<OAuthResult>()(s.oauthCallback),
  // health
  'health:get': later(),
  // availability
  'availability:get': ch<Availability>()(s.availabilityGet),
  'availability:explain': ch<AvailabilityExplanation>()(s.availabilityExplain),
  // notifications (in-app inbox; the Electron host also shows them natively)
  'notifications:list': ch<Page<AppNotification>>()(s.notificationsList),
  'notifications:markRead': ch<{ updated: number }>()(s.notificationsMarkRead),
  // OAuth clients and endpoints per identity provider (Settings → Providers)
  'providers:get': ch<ProviderSettingsView[]>()(s.empty),
  'providers:update': ch<ProviderSettingsView>()(s.providersUpdate),
  // what the renderer needs to know about where it runs
  'app:info': ch<AppInfo>()(s.empty),
} as const satisfies Record<ChannelName, ChannelSpec<z.ZodType, unknown>>; // every name, and no other (excess-property check)

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const CHANNELS = Object.keys(contract) as Channel[];
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelParsed<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = Contract[C]['output'];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}
