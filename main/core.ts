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
import { createServices, type Services } from './services';

export interface CoreConfig {
  /** Folder for the database and (Node hosts) the vault key. Created if missing. */
  dataDir: string;
  clock?: Clock;
  /** The Electron host passes a SafeStorageCipher; otherwise AES-256-GCM with a key file in dataDir. */
  cipher?: Cipher;
  /** Start the scheduler's worker loop (default true). Tests drive it with `scheduler.runDue()`. */
  startScheduler?: boolean;
  scheduler?: Partial<Omit<SchedulerOptions, 'db' | 'clock' | 'isPaused'>>;
}

export interface Core {
  dataDir: string;
  db: Kysely<Database>;
  vault: Vault;
  scheduler: Scheduler;
  services: Services;
  router: Router;
  pushes: PushBus;
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
    const services = createServices({ db, clock, pushes, organizerId: organizer.id });

    const router = createRouter(services, {
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
    });

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
    disposables.add(
      services.settings.onChange((s) => {
        if (!s.schedulerPaused) scheduler.wake();
      }),
    );
    if (config.startScheduler !== false) scheduler.start();

    return {
      dataDir: config.dataDir,
      db,
      vault,
      scheduler,
      services,
      router,
      pushes,
      clock,
      dispose: () => disposables.dispose(),
    };
  } catch (err) {
    await disposables.dispose();
    throw err;
  }
}
