// A real SQLite file in a temp dir, migrated, plus a manual clock and a scheduler factory for the tests.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import type { Database, JobRow } from '../../../main/db/schema';
import { ManualClock } from '../../../main/lib/clock';
import { Scheduler, type SchedulerEvent, type SchedulerOptions } from '../../../main/scheduler';
import { tempDir } from '../../support/temp';

export interface Harness {
  file: string;
  db: Kysely<Database>;
  clock: ManualClock;
  paused: { value: boolean };
  events: SchedulerEvent[];
  make(opts?: Partial<SchedulerOptions>): Scheduler;
  /** A second connection to the same file, as another process would have. */
  connect(): Kysely<Database>;
  job(id: number, db?: Kysely<Database>): Promise<JobRow>;
  cleanup(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const tmp = tempDir('junction-scheduler-');
  const file = join(tmp.dir, 'junction.db');
  const { db } = openDatabase(file);
  await migrateToLatest(db as unknown as Kysely<unknown>);
  const clock = new ManualClock();
  const paused = { value: false };
  const events: SchedulerEvent[] = [];
  const dbs: Kysely<Database>[] = [db];
  const schedulers: Scheduler[] = [];
  const h: Harness = {
    file,
    db,
    clock,
    paused,
    events,
    make(opts = {}) {
      const s = new Scheduler({
        db,
        clock,
        isPaused: async () => paused.value,
        onError: (e) => events.push(e),
        // Compressed backoff, deterministic jitter (random 0.5), long lease so heartbeats never fire here.
        backoff: { baseMs: 1000, maxMs: 60_000, factor: 2, jitter: 'equal' },
        random: () => 0.5,
        leaseMs: 60_000,
        pollIntervalMs: 50,
        ...opts,
      });
      schedulers.push(s);
      return s;
    },
    connect() {
      const other = openDatabase(file).db;
      dbs.push(other);
      return other;
    },
    async job(id, from = db) {
      return from.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    },
    async cleanup() {
      // Schedulers whose handlers never settle ("died") are not stopped: their promises are just dropped.
      for (const s of schedulers) if (s.activeCount === 0) await s.stop();
      for (const d of dbs) await d.destroy();
      tmp.cleanup();
    },
  };
  return h;
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks (and better-sqlite3's synchronous queries behind them) run. */
export async function flush(times = 20): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Waits (on real setImmediate turns, never on a clock) until `cond` holds. */
export async function until(cond: () => boolean | Promise<boolean>, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await cond()) return;
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}
