// createCore(config): everything the main process owns, built once and shared by both hosts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from './db/connection';
import { migrateToLatest } from './db/migrate';
import { OrganizersRepo } from './db/repos/organizers';
import type { Database } from './db/schema';
import { createRouter } from './ipc';
import type { Router } from './ipc/router';
import { type Clock, systemClock } from './lib/clock';
import { DisposableStore } from './lib/disposable';
import { PushBus } from './lib/push-bus';
import { Scheduler, type SchedulerOptions } from './scheduler/scheduler';
import { AesGcmCipher } from './secrets/aes-gcm-cipher';
import type { Cipher } from './secrets/cipher';
import { Vault } from './secrets/vault';
import type { WebhookLookup } from './webhooks/ssrf';
import type { EndpointDisabled, HttpRequest } from './webhooks/delivery';
import { notifyWebhookDisabled } from './webhooks/disabled-notice';
import type { AppInfo } from '../shared/domain';
import { createServices, type Services } from './services';
import type { AccountServices } from './services/accounts';
import { CUSTOM_SCHEME_REDIRECT } from './oauth/deep-link';
import { startLoopbackListener } from './oauth/loopback';
import { type AccountFetcher, OAuthService, type RedirectStrategy } from './oauth/oauth-service';
import { ProviderConfigService } from './oauth/provider-config';
import { disconnectIntegration } from './oauth/disconnect';
import { registerTokenRefreshJob } from './oauth/refresh-job';
import { lenientTokenFetch, TokenManager } from './oauth/tokens';
import { ProviderHttp } from './providers/http';
import { type NotificationPort, noopNotificationPort } from './services/notification-port';
import { NotificationService } from './services/notifications-service';
import { AccountsRepo } from './db/repos/accounts';
import { connectCalDav } from './providers/calendar/caldav';
import { createCalendarAdapterFor } from './providers/calendar/registry';
import type { CalendarAdapter } from './providers/calendar/types';
import { CircuitBreaker } from './providers/http/breaker';
import { type AdapterFactory, type CalendarSync, createCalendarSync } from './sync';
import { createLiveBusySource } from './services/availability/live-busy';

export interface CoreConfig {
  /** Folder for the database and (Node hosts) the vault key. Created if missing. */
  dataDir: string;
  clock?: Clock;
  /** The Electron host passes a SafeStorageCipher; otherwise AES-256-GCM with a key file in dataDir. */
  cipher?: Cipher;
  /** Start the scheduler's worker loop (default true). Tests drive it with `scheduler.runDue()`. */
  startScheduler?: boolean;
  scheduler?: Partial<Omit<SchedulerOptions, 'db' | 'clock' | 'isPaused'>>;
  /** Where JUNCTION_<PROVIDER>_<KEY> overrides are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** fetch for every provider call (tests may wrap it to count requests). */
  fetch?: typeof fetch;
  /** Electron: open the consent page in the system browser. Absent in the browser host. */
  openExternal?: (url: string) => Promise<void>;
  /** Which host runs the core and whether it talks to simulated providers (npm run sandbox). */
  host?: 'electron' | 'browser';
  sandbox?: boolean;
  /** Waits between HTTP retries (tests pass one that advances their clock instead of sleeping). */
  providerHttpSleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Electron: native notifications. Node hosts show notifications in the renderer only. */
  nativeNotifications?: NotificationPort;
  version?: string;
  /** Calendar sync: builds a calendar adapter per integration (default: the provider registry). Tests pass fakes. */
  calendarAdapters?: AdapterFactory;
  /** Calendar sync: consecutive 5xx/network failures that open a provider's circuit, and its cool-down. */
  breaker?: { failureThreshold?: number; coolDownMs?: number };
  /** Webhooks: DNS resolution for the SSRF check of webhook URLs (default node:dns). Tests pass a fake. */
  webhookLookup?: WebhookLookup;
  /**
   * Webhook delivery: per-attempt timeout (15 s), retry schedule (DESIGN.md §5) and jitter source, the transport,
   * and whether the worker loop runs (default: as `startScheduler`). Tests drive `services.webhookDelivery.runDue()`.
   */
  webhooks?: {
    timeoutMs?: number;
    schedule?: readonly number[];
    random?: () => number;
    startWorker?: boolean;
    concurrencyPerEndpoint?: number;
    maxInFlight?: number;
    httpRequest?: HttpRequest;
    pollMs?: number;
    /** Svix's rule: an endpoint failing every attempt this long is disabled (default 5 days). */
    disableAfterMs?: number;
  };
}

export interface Core {
  dataDir: string;
  db: Kysely<Database>;
  vault: Vault;
  scheduler: Scheduler;
  services: Services;
  router: Router;
  pushes: PushBus;
  accounts: AccountServices;
  calendarSync: CalendarSync;
  breaker: CircuitBreaker;
  clock: Clock;
  dispose(): Promise<void>;
}

export const DATABASE_FILE = 'junction.db';
export const KEY_FILE = 'vault.key';

function systemTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export async function createCore(config: CoreConfig): Promise<Core> {
  const clock = config.clock ?? systemClock;
  const disposables = new DisposableStore();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const { db } = openDatabase(join(config.dataDir, DATABASE_FILE));
  disposables.add(() => db.destroy());
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);

    const vault = new Vault(config.cipher ?? AesGcmCipher.fromKeyFile(join(config.dataDir, KEY_FILE)));
    const organizer = await new OrganizersRepo(db).ensureDefault(
      { name: 'Me', timeZone: systemTimeZone() },
      clock.now(),
    );
    const pushes = new PushBus();
    disposables.add(() => pushes.clear());
    // Bound once calendar sync exists (below): bookings tell it what to write to the calendars.
    const bookingHook: { fn?: CalendarSync['onBookingChanged'] } = {};
    const deliveryHook: { fn?: () => void } = {};
    const ctx = {
      onWebhookEnqueued: () => deliveryHook.fn?.(),
      db,
      clock,
      pushes,
      organizerId: organizer.id,
      onBookingChanged: (c: 'created' | 'rescheduled' | 'cancelled', b: { id: string }) => bookingHook.fn?.(c, b) ?? Promise.resolve(),
    };
    const { startWorker, ...delivery } = config.webhooks ?? {};
    // Bound once the notification service exists (below): Junction disabled a webhook → tell the organizer.
    const disabledHook: { fn?: (e: EndpointDisabled) => Promise<unknown> } = {};
    const services = createServices(ctx, {
      vault,
      webhooks: { lookup: config.webhookLookup },
      delivery: { ...delivery, onEndpointDisabled: (e) => disabledHook.fn?.(e) },
    });
    deliveryHook.fn = () => services.webhookDelivery.wake();
    // Stopping waits for the attempts in flight (each bounded by its timeout); nothing keeps running.
    disposables.add(() => services.webhookDelivery.stop());
    const scheduler = new Scheduler({
      ...config.scheduler,
      db,
      clock,
      isPaused: () => services.settings.isSchedulerPaused(),
      onError: (e) => {
        // Final failures and loop errors are the ones a person must be able to find in the logs.
        if (e.kind === 'job-failed' && e.final) {
          void services.logs
            .append({
              logType: 'error',
              message: `Background job "${e.type}" failed after ${e.attempt} attempt${e.attempt === 1 ? "" : "s"}`,
              success: false,
              details: { jobId: e.jobId, type: e.type, attempt: e.attempt, error: e.message },
            })
            .catch(() => undefined);
        } else if (e.kind === 'loop') {
          const what = e.error instanceof Error ? e.error.message : String(e.error);
          void services.logs
            .append({ logType: 'error', message: 'The background scheduler hit an error', success: false, details: { error: what.slice(0, 500) } })
            .catch(() => undefined);
        }
      },
    });
    // A handler that ignores its abort signal must not hang shutdown; its job runs again after the lease.
    disposables.add(() => scheduler.stop({ timeoutMs: 10_000 }));

    const fetchImpl = config.fetch ?? fetch;
    const providers = new ProviderConfigService(ctx, vault, config.env ?? process.env);
    const notifications = new NotificationService(ctx, services.logs, config.nativeNotifications ?? noopNotificationPort);
    disabledHook.fn = (e) => notifyWebhookDisabled({ notify: (n) => notifications.notify(n), logs: services.logs }, e);
    const tokens = new TokenManager({ db, clock, vault, config: providers, notifications, logs: services.logs, pushes, fetch: fetchImpl });
    const breaker = new CircuitBreaker({ clock, ...config.breaker });
    const outlookAdapters = new Map<string, CalendarAdapter>();
    const http = new ProviderHttp({
      db,
      clock,
      tokens,
      fetch: fetchImpl,
      hooks: breaker,
      ...(config.providerHttpSleep ? { sleep: config.providerHttpSleep } : {}),
    });
    await registerTokenRefreshJob(scheduler, tokens);
    // The account lookup right after the code exchange: no integration yet, so the token goes in by hand.
    const fetchAccount: AccountFetcher = ({ url, accessToken, provider, operation }) =>
      http.json({ provider, operation, url, auth: 'none', headers: { authorization: `Bearer ${accessToken}` } });
    // Desktop hosts: Google, Zoom and Webex come back to a one-shot loopback listener; Microsoft to the custom scheme.
    const desktopRedirect: RedirectStrategy = async (spec) =>
      spec.desktopRedirect === 'loopback'
        ? startLoopbackListener({ onCallback: (url) => oauth.completeFromDesktop(url) })
        : { redirectUri: CUSTOM_SCHEME_REDIRECT, release: () => undefined };
    const oauth: OAuthService = new OAuthService({
      ctx,
      vault,
      config: providers,
      logs: services.logs,
      scheduler,
      fetchAccount,
      // Webex omits token_type from its token response; oauth4webapi would otherwise refuse it.
      fetch: lenientTokenFetch(fetchImpl),
      desktopRedirect,
      ...(config.openExternal ? { openExternal: config.openExternal } : {}),
    });
    disposables.add(() => oauth.dispose());
    const accounts: AccountServices = {
      oauth,
      providers,
      connectCalDav: (input) =>
        connectCalDav(
          { db, accounts: new AccountsRepo(db), vault, clock, logs: services.logs, pushes, organizerId: organizer.id, fetch: fetchImpl },
          input,
        ),
      disconnect: (ref) =>
        disconnectIntegration({ db, clock, vault, config: providers, logs: services.logs, pushes, tokens, fetch: fetchImpl }, ref),
      notifications: { list: (q) => notifications.list(q), markRead: (q) => notifications.markRead(q) },
      tokens,
      http,
      notificationService: notifications,
    };
    const appInfo: AppInfo = {
      version: config.version ?? '0.1.0',
      host: config.host ?? 'browser',
      sandbox: config.sandbox ?? false,
    };

    // Calendar sync (issue 4): engine, jobs, booking writes, calendar channels.
    const adapterFor: AdapterFactory =
      config.calendarAdapters ?? ((row) => createCalendarAdapterFor(row, { http, config: providers, vault, clock, outlookAdapters }));
    const calendarSync = await createCalendarSync({
      ...ctx,
      scheduler,
      logs: services.logs,
      integrations: services.integrations,
      notifications,
      adapterFor,
    });
    bookingHook.fn = calendarSync.onBookingChanged;
    // availability:get with `live: true` asks the providers through the same adapters (ProviderHttp) as the sync.
    services.bookings.availability.useLiveBusy(createLiveBusySource({ db, organizerId: organizer.id, adapterFor }));

    const router = createRouter(services, accounts, appInfo, {
      onInternalError: (channel, err) => {
        const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        void services.logs
          .append({
            logType: 'error',
            message: `Unexpected error while handling ${channel}`,
            success: false,
            details: { channel, error: what.slice(0, 500) },
          })
          .catch(() => undefined);
      },
    }, { calendar: calendarSync.service });

    disposables.add(
      services.settings.onChange((s) => {
        if (!s.schedulerPaused) scheduler.wake();
      }),
    );
    if (config.startScheduler !== false) scheduler.start();
    if (startWorker ?? config.startScheduler !== false) services.webhookDelivery.start();

    return {
      dataDir: config.dataDir,
      db,
      vault,
      scheduler,
      services,
      router,
      pushes,
      accounts,
      calendarSync,
      breaker,
      clock,
      dispose: () => disposables.dispose(),
    };
  } catch (err) {
    await disposables.dispose();
    throw err;
  }
}
