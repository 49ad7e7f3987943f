// Durable jobs in SQLite: claimed with a lease (restart-safe), bounded concurrency, exponential backoff
// with jitter, Retry-After, recurring schedules, and a pause switch read from the settings before each claim.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { ZodType } from 'zod';
import type { Database, JobRow } from '../db/schema';
import type { Clock } from '../lib/clock';
import { type BackoffOptions, computeBackoff, DEFAULT_BACKOFF, validateBackoff } from './backoff';
import { formatJobError, truncateUtf8 } from './error-message';
import { PermanentError, RetryableError, SchedulerError } from './errors';
import { type FailedJob, type JobCounts, JobsRepo, type LeaseFence } from './jobs-repo';

export interface JobContext<T> {
  id: number;
  type: string;
  payload: T;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the scheduler stops or this worker lost the job's lease: stop early, the job is not lost. */
  signal: AbortSignal;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<void>;

export interface RegisterOptions<T> {
  /** Validates the stored payload before every run (and at enqueue); a mismatch fails the job for good. */
  payloadSchema?: ZodType<T>;
  /** Default for jobs of this type (enqueue may override). */
  maxAttempts?: number;
  /** This type's retry delays: backoff options, or a function of the failed attempt number (1-based). */
  backoff?: BackoffOptions | ((attempt: number) => number);
}

export interface EnqueueOptions {
  /** Absolute time (epoch ms) of the first run; wins over delayMs. */
  runAt?: number;
  delayMs?: number;
  maxAttempts?: number;
  /** At most one queued/running job per key: a duplicate enqueue returns null. */
  uniqueKey?: string;
}

export interface EveryOptions {
  /** First run of a new schedule (default: now). An existing schedule keeps its next run time. */
  firstRunAt?: number;
  maxAttempts?: number;
}

export type SchedulerEvent =
  | {
      kind: 'job-failed';
      jobId: number;
      type: string;
      attempt: number;
      /** The stored last_error (redacted, at most 2 KB). */
      message: string;
      error: unknown;
      /** True when no retry follows (permanent, exhausted; a recurring job still runs at its next interval). */
      final: boolean;
      /** When the retry runs, or null when final. */
      retryAt: number | null;
    }
  /** This worker no longer holds a job's lease (it expired and another claim took the job). */
  | { kind: 'lease-lost'; jobId: number; type: string; attempt: number }
  /** The worker loop itself failed (database, isPaused). It keeps polling. */
  | { kind: 'loop'; error: unknown };

export interface SchedulerOptions {
  db: Kysely<Database>;
  clock: Clock;
  /** Identifies this process in jobs.leased_by (default host:pid:random). */
  workerId?: string;
  /** Handlers running at once (default 2). */
  concurrency?: number;
  /** How long a claim holds a job before another worker may take it (default 5 min). */
  leaseMs?: number;
  /** Worker loop poll period (default 1 s); enqueue of a due job wakes the loop at once. */
  pollIntervalMs?: number;
  /** Lease renewal period while a handler runs (default leaseMs / 3, at least 1 s); 0 turns it off. */
  heartbeatMs?: number;
  backoff?: BackoffOptions;
  /** Source of jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  /** Read before every claim; while true nothing new starts. The core reads the setting in SQLite. */
  isPaused: () => Promise<boolean>;
  onError?: (info: SchedulerEvent) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const SCHEDULE_KEY_PREFIX = 'schedule:';
/** One runDue() pass claims at most this many jobs (the pass excludes jobs it already ran, by id). */
export const MAX_JOBS_PER_PASS = 1000;

interface Registered {
  handler: JobHandler<unknown>;
  schema: ZodType<unknown> | undefined;
  maxAttempts: number;
  delay: (attempt: number) => number;
}

interface ActiveJob {
  fence: LeaseFence;
  type: string;
  controller: AbortController;
  promise: Promise<void>;
  settled: boolean;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new SchedulerError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function encodePayload(payload: unknown): string {
  const json = JSON.stringify(payload === undefined ? null : payload);
  if (json === undefined) throw new SchedulerError('Job payload must be JSON-serialisable');
  return json;
}

function defaultOnError(info: SchedulerEvent): void {
  if (info.kind === 'loop') console.error('[scheduler] worker loop error:', info.error);
  else if (info.kind === 'lease-lost') console.warn(`[scheduler] lost the lease of job ${info.jobId} (${info.type})`);
}

export class Scheduler {
  readonly workerId: string;
  readonly #repo: JobsRepo;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollIntervalMs: number;
  readonly #heartbeatMs: number;
  readonly #backoff: BackoffOptions;
  readonly #random: () => number;
  readonly #isPaused: () => Promise<boolean>;
  readonly #onError: (info: SchedulerEvent) => void;
  readonly #handlers = new Map<string, Registered>();
  readonly #active = new Set<ActiveJob>();
  readonly #lostReported = new WeakSet<LeaseFence>();
  /** Claims are serialised so that the free-slot count cannot be read twice before a claim lands. */
  #claimLock: Promise<unknown> = Promise.resolve();
  #started = false;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pumping: Promise<void> | null = null;
  #pumpAgain = false;

  constructor(opts: SchedulerOptions) {
    this.#repo = new JobsRepo(opts.db);
    this.#clock = opts.clock;
    this.workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#concurrency = positiveInt('concurrency', opts.concurrency ?? 2);
    this.#leaseMs = positiveInt('leaseMs', opts.leaseMs ?? 5 * 60_000);
    this.#pollIntervalMs = positiveInt('pollIntervalMs', opts.pollIntervalMs ?? 1000);
    const hb = opts.heartbeatMs ?? Math.max(1000, Math.floor(this.#leaseMs / 3));
    if (!Number.isSafeInteger(hb) || hb < 0) throw new SchedulerError(`heartbeatMs must be ≥ 0, got ${hb}`);
    this.#heartbeatMs = hb;
    this.#backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    validateBackoff(this.#backoff);
    this.#random = opts.random ?? Math.random;
    this.#isPaused = opts.isPaused;
    this.#onError = opts.onError ?? defaultOnError;
  }

  // ── registration and enqueueing ────────────────────────────────────────────────────────────────────

  register<T>(type: string, handler: JobHandler<T>, opts: RegisterOptions<T> = {}): void {
    if (!type) throw new SchedulerError('Job type must be a non-empty string');
    if (this.#handlers.has(type)) throw new SchedulerError(`Job type "${type}" is already registered`);
    let delay: (attempt: number) => number;
    if (typeof opts.backoff === 'function') {
      delay = opts.backoff;
    } else {
      const b: BackoffOptions = opts.backoff ?? this.#backoff;
      validateBackoff(b);
      delay = (attempt) => computeBackoff(attempt, b, this.#random);
    }
    this.#handlers.set(type, {
      handler: handler as JobHandler<unknown>,
      schema: opts.payloadSchema as ZodType<unknown> | undefined,
      maxAttempts: positiveInt('maxAttempts', opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      delay,
    });
  }

  isRegistered(type: string): boolean {
    return this.#handlers.has(type);
  }

  /** Queues a job; returns its id, or null when an unfinished job with the same uniqueKey exists. */
  async enqueue(type: string, payload: unknown, opts: EnqueueOptions = {}): Promise<number | null> {
    const reg = this.#require(type);
    this.#validatePayload(type, reg, payload, (m) => new SchedulerError(m));
    const now = this.#clock.now();
    const runAt = opts.runAt ?? now + (opts.delayMs ?? 0);
    if (!Number.isFinite(runAt)) throw new SchedulerError(`Invalid run time for job "${type}"`);
    const id = await this.#repo.insert({
      type,
      payload: encodePayload(payload),
      status: 'queued',
      run_at: Math.round(runAt),
      attempts: 0,
      max_attempts: positiveInt('maxAttempts', opts.maxAttempts ?? reg.maxAttempts),
      unique_key: opts.uniqueKey ?? null,
      interval_ms: null,
      created_at: now,
      updated_at: now,
    });
    if (id !== null && runAt <= now) this.wake();
    return id;
  }

  /**
   * A recurring schedule named `name` (unique key `schedule:<name>`). Idempotent: calling it again (on the
   * next start) updates type, payload and interval of the existing schedule and keeps its next run time,
   * pulled in when the new interval is shorter. Returns the schedule's job id.
   */
  async every(
    name: string,
    type: string,
    intervalMs: number,
    payload?: unknown,
    opts: EveryOptions = {},
  ): Promise<number> {
    if (!name) throw new SchedulerError('Schedule name must be a non-empty string');
    positiveInt('intervalMs', intervalMs);
    const reg = this.#require(type);
    this.#validatePayload(type, reg, payload, (m) => new SchedulerError(m));
    const key = SCHEDULE_KEY_PREFIX + name;
    const json = encodePayload(payload);
    const maxAttempts = positiveInt('maxAttempts', opts.maxAttempts ?? reg.maxAttempts);
    // Two tries: a concurrent process may insert between our look-up and our insert.
    for (let i = 0; i < 2; i++) {
      const now = this.#clock.now();
      const existing = await this.#repo.findOpenByUniqueKey(key);
      if (existing) {
        const sooner = existing.status === 'queued' && existing.run_at > now + intervalMs;
        await this.#repo.update(existing.id, {
          type,
          payload: json,
          interval_ms: intervalMs,
          max_attempts: maxAttempts,
          updated_at: now,
          ...(sooner ? { run_at: now + intervalMs } : {}),
        });
        return existing.id;
      }
      const runAt = opts.firstRunAt ?? now;
      const id = await this.#repo.insert({
        type,
        payload: json,
        status: 'queued',
        run_at: runAt,
        attempts: 0,
        max_attempts: maxAttempts,
        unique_key: key,
        interval_ms: intervalMs,
        created_at: now,
        updated_at: now,
      });
      if (id !== null) {
        if (runAt <= now) this.wake();
        return id;
      }
    }
    throw new SchedulerError(`Could not create schedule "${name}"`);
  }

  /** Ends the schedule `name` (a running job finishes first). False when there was none. */
  async unschedule(name: string): Promise<boolean> {
    return this.#repo.removeSchedule(SCHEDULE_KEY_PREFIX + name, this.#clock.now());
  }

  // ── running ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * One pass: claims due jobs (and jobs whose lease expired) into free slots, runs at most `concurrency` at
   * once, claims more as slots free up, and resolves when every job it claimed has settled. A job runs at
   * most once per pass (a retry due at once waits for the next pass). Returns how many jobs it claimed and
   * settled (a job failed for an unknown type counts). Claims nothing while paused or stopped.
   */
  async runDue(): Promise<number> {
    const seen = new Set<number>();
    const mine = new Set<ActiveJob>();
    let ran = 0;
    for (;;) {
      const launched = seen.size < MAX_JOBS_PER_PASS ? await this.#claimAndLaunch(seen, mine) : 0;
      ran += launched;
      for (const a of mine) if (a.settled) mine.delete(a);
      if (mine.size === 0) {
        if (launched === 0) break;
        continue;
      }
      if (launched === 0 || this.#active.size >= this.#concurrency) {
        await Promise.race([...mine].map((a) => a.promise));
      }
    }
    return ran;
  }

  /** Starts the worker loop: polls every pollIntervalMs (unref'd timer), woken at once by enqueue. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Pokes the worker loop (e.g. after the pause setting is turned off). No-op when not started. */
  wake(): void {
    if (!this.#started) return;
    if (this.#pumping) this.#pumpAgain = true;
    else this.#schedule(0);
  }

  /**
   * Stops claiming, clears the loop's timer, signals in-flight handlers (their `signal` aborts) and waits
   * for them to settle. A handler that gives up because of the signal hands its job back without spending
   * an attempt. With `timeoutMs`, stops waiting after that long (those jobs re-run once their lease expires).
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.#started = false;
    this.#stopped = true;
    this.#clearTimer();
    await this.#pumping?.catch(() => undefined);
    await this.#claimLock.catch(() => undefined);
    for (const a of this.#active) a.controller.abort(new SchedulerError('The scheduler is stopping'));
    const all = Promise.allSettled([...this.#active].map((a) => a.promise));
    if (opts.timeoutMs === undefined) {
      await all;
      return;
    }
    let t: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (t = setTimeout(resolve, opts.timeoutMs)))]);
    clearTimeout(t);
  }

  get isStarted(): boolean {
    return this.#started;
  }

  /** Handlers running right now in this process. */
  get activeCount(): number {
    return this.#active.size;
  }

  /** True while the worker loop has a poll timer pending. */
  get hasPendingTimer(): boolean {
    return this.#timer !== null;
  }

  // ── inspection for UIs ─────────────────────────────────────────────────────────────────────────────

  async stats(): Promise<JobCounts> {
    return this.#repo.counts();
  }

  /** Failed jobs, newest first; payloads are left out (they may name things the UI should not show). */
  async listFailed(opts: { limit?: number; type?: string } = {}): Promise<FailedJob[]> {
    return this.#repo.listFailed(Math.min(Math.max(opts.limit ?? 50, 1), 500), opts.type);
  }

  /** Re-queues a failed job with fresh attempts; false when it is not failed or its unique key is taken. */
  async retry(id: number): Promise<boolean> {
    const ok = await this.#repo.requeueFailed(id, this.#clock.now());
    if (ok) this.wake();
    return ok;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────────

  #require(type: string): Registered {
    const reg = this.#handlers.get(type);
    if (!reg) throw new SchedulerError(`Unknown job type "${type}": register it before enqueueing`);
    return reg;
  }

  /** Returns the parsed payload, or throws what `fail` builds with a message naming the bad fields. */
  #validatePayload(type: string, reg: Registered, payload: unknown, fail: (message: string) => Error): unknown {
    if (!reg.schema) return payload;
    const r = reg.schema.safeParse(payload);
    if (r.success) return r.data;
    // Paths and zod's messages only: the received values (possibly secrets) are not repeated.
    const issues = r.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    throw fail(truncateUtf8(`Payload of job type "${type}" does not match its schema: ${issues}`));
  }

  #report(info: SchedulerEvent): void {
    try {
      this.#onError(info);
    } catch {
      // A failing observer must not break the worker.
    }
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(delayMs: number): void {
    if (!this.#started) return;
    this.#clearTimer();
    const t = setTimeout(() => {
      this.#timer = null;
      void this.#pump();
    }, delayMs);
    t.unref?.();
    this.#timer = t;
  }

  /** The loop's step: fill free slots until nothing more is claimable, then sleep pollIntervalMs. */
  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    const run = (async () => {
      do {
        this.#pumpAgain = false;
        await this.#claimAndLaunch();
      } while (this.#pumpAgain && this.#started);
    })().catch((error: unknown) => this.#report({ kind: 'loop', error }));
    this.#pumping = run;
    try {
      await run;
    } finally {
      this.#pumping = null;
      if (this.#started) this.#schedule(this.#pumpAgain ? 0 : this.#pollIntervalMs);
    }
  }

  #claimAndLaunch(seen?: Set<number>, mine?: Set<ActiveJob>): Promise<number> {
    const run = this.#claimLock.then(() => this.#claimAndLaunchNow(seen, mine));
    this.#claimLock = run.catch(() => undefined);
    return run;
  }

  async #claimAndLaunchNow(seen?: Set<number>, mine?: Set<ActiveJob>): Promise<number> {
    if (this.#stopped) return 0;
    const slots = this.#concurrency - this.#active.size;
    if (slots <= 0) return 0;
    if (await this.#isPaused()) return 0;
    if (this.#stopped) return 0;
    const now = this.#clock.now();
    const limit = seen ? Math.min(slots, MAX_JOBS_PER_PASS - seen.size) : slots;
    if (limit <= 0) return 0;
    const rows = await this.#repo.claim({
      now,
      leaseUntil: now + this.#leaseMs,
      workerId: this.workerId,
      limit,
      exclude: seen,
    });
    for (const row of rows) {
      const fence: LeaseFence = { id: row.id, workerId: this.workerId, attempt: row.attempts };
      if (this.#stopped) {
        // stop() arrived while we were claiming: hand the job straight back.
        await this.#repo.release(fence, this.#clock.now());
        continue;
      }
      seen?.add(row.id);
      const job = this.#launch(row, fence);
      mine?.add(job);
    }
    return this.#stopped ? 0 : rows.length;
  }

  #launch(row: JobRow, fence: LeaseFence): ActiveJob {
    const controller = new AbortController();
    const job: ActiveJob = { fence, type: row.type, controller, settled: false, promise: Promise.resolve() };
    job.promise = this.#execute(row, fence, controller)
      .catch((error: unknown) => this.#report({ kind: 'loop', error }))
      .finally(() => {
        job.settled = true;
        this.#active.delete(job);
        this.wake();
      });
    this.#active.add(job);
    return job;
  }

  async #execute(row: JobRow, fence: LeaseFence, controller: AbortController): Promise<void> {
    const reg = this.#handlers.get(row.type);
    if (!reg) {
      // Structural: no retry and no next interval can fix it.
      await this.#failForGood(row, fence, `No handler is registered for job type "${row.type}"`);
      return;
    }
    if (row.attempts > row.max_attempts) {
      // The lease of the last allowed attempt expired: its worker died (or hung) mid-run.
      await this.#recordFailure(
        row,
        fence,
        reg,
        new PermanentError(
          `Attempt ${row.max_attempts} of ${row.max_attempts} did not finish: its worker stopped before the lease expired`,
        ),
        undefined,
        controller.signal,
      );
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload) as unknown;
    } catch {
      // V8's message quotes the text, which may hold secrets: say it in our words.
      await this.#failForGood(row, fence, `The stored payload of this "${row.type}" job is not valid JSON`);
      return;
    }
    try {
      payload = this.#validatePayload(row.type, reg, payload, (m) => new PermanentError(m));
    } catch (err) {
      await this.#failForGood(row, fence, formatJobError(err, payload));
      return;
    }

    const heartbeat = this.#startHeartbeat(row, fence, controller);
    let failure: { error: unknown } | null = null;
    try {
      await reg.handler({
        id: row.id,
        type: row.type,
        payload,
        attempt: row.attempts,
        maxAttempts: row.max_attempts,
        signal: controller.signal,
      });
    } catch (error) {
      failure = { error };
    } finally {
      if (heartbeat) clearInterval(heartbeat);
    }

    if (failure) {
      await this.#recordFailure(row, fence, reg, failure.error, payload, controller.signal);
      return;
    }
    const ok = await this.#repo.settle(fence, { now: this.#clock.now(), outcome: 'done', lastError: null });
    if (!ok) this.#leaseLost(row, fence);
  }

  async #recordFailure(
    row: JobRow,
    fence: LeaseFence,
    reg: Registered,
    error: unknown,
    payload: unknown,
    signal: AbortSignal,
  ): Promise<void> {
    const now = this.#clock.now();
    if (this.#stopped && signal.aborted && !(error instanceof PermanentError)) {
      // Interrupted by stop(): not the job's fault, so the attempt is given back.
      if (!(await this.#repo.release(fence, now))) this.#leaseLost(row, fence);
      return;
    }
    const message = formatJobError(error, payload);
    const final = error instanceof PermanentError || row.attempts >= row.max_attempts;
    let retryAt: number | null = null;
    let ok: boolean;
    if (final) {
      ok = await this.#repo.settle(fence, { now, outcome: 'failed', lastError: message });
    } else {
      const after =
        error instanceof RetryableError && error.retryAfterMs !== undefined
          ? Math.max(0, error.retryAfterMs)
          : Math.max(0, reg.delay(row.attempts));
      retryAt = Math.round(now + after);
      ok = await this.#repo.retry(fence, { now, runAt: retryAt, lastError: message });
    }
    if (!ok) {
      this.#leaseLost(row, fence);
      return;
    }
    this.#report({ kind: 'job-failed', jobId: row.id, type: row.type, attempt: row.attempts, message, error, final, retryAt });
  }

  /** Marks the job failed even when it is recurring (unknown type, unreadable payload). */
  async #failForGood(row: JobRow, fence: LeaseFence, message: string): Promise<void> {
    const now = this.#clock.now();
    // Dropping the interval makes settle() fail it instead of re-queueing; `every` on the next start
    // creates a fresh schedule once the cause is fixed.
    const ok =
      (row.interval_ms === null || (await this.#repo.dropInterval(fence, now))) &&
      (await this.#repo.settle(fence, { now, outcome: 'failed', lastError: message }));
    if (!ok) {
      this.#leaseLost(row, fence);
      return;
    }
    this.#report({
      kind: 'job-failed',
      jobId: row.id,
      type: row.type,
      attempt: row.attempts,
      message,
      error: new PermanentError(message),
      final: true,
      retryAt: null,
    });
  }

  #leaseLost(row: JobRow, fence: LeaseFence): void {
    if (this.#lostReported.has(fence)) return;
    this.#lostReported.add(fence);
    this.#report({ kind: 'lease-lost', jobId: row.id, type: row.type, attempt: fence.attempt });
  }

  #startHeartbeat(row: JobRow, fence: LeaseFence, controller: AbortController): ReturnType<typeof setInterval> | null {
    if (this.#heartbeatMs === 0) return null;
    const t = setInterval(() => {
      const now = this.#clock.now();
      this.#repo
        .renewLease(fence, now + this.#leaseMs, now)
        .then((ok) => {
          if (ok || controller.signal.aborted) return;
          controller.abort(new SchedulerError(`Lost the lease of job ${row.id}`));
          this.#leaseLost(row, fence);
        })
        .catch((error: unknown) => this.#report({ kind: 'loop', error }));
    }, this.#heartbeatMs);
    t.unref?.();
    return t;
  }
}
