// The webhook delivery worker (issue 5 items 4 and 6, DESIGN.md §5). Claims due outbox rows with a lease, signs
// with the current secret (and the previous one during its grace period), POSTs the exact stored body, and
// applies the Standard Webhooks rules: 2xx delivered; 3xx failure (no redirects followed); 410 disables the
// endpoint; 429/502/503/504 back off honouring Retry-After; anything else retries on the schedule with jitter
// while retry_failed and attempts ≤ max_retries, then the row is failed (kept, visible, redeliverable).
// Svix's rule: an endpoint whose every attempt has failed for 5 days (no success since the first failure of the
// run, on the injected clock) is disabled too. Either way Junction says so (notification + error log, through
// `onEndpointDisabled`) and the endpoint's waiting deliveries are marked failed with the reason: they stay in
// the delivery log, under the failed filter, and are redeliverable once the webhook is switched back on.
// The SSRF check runs before EVERY attempt and the connection goes to the checked address.
//
// How it runs (a pipeline, not rounds):
//   send    `concurrencyPerEndpoint` lanes per endpoint (at most `maxInFlight` in all) sign and POST over
//           keep-alive connections, each endpoint from a small queue of leased rows (≤ 3 × its concurrency), so a
//           slow endpoint never holds up the others;
//   cycle   whenever lanes report (coalesced per event-loop turn), wake() is called or pollMs pass: ONE
//           transaction writes the buffered outcomes (attempts: one INSERT; outcomes: one UPDATE … FROM VALUES;
//           the 5-day bookkeeping; any disabling) and leases more due rows (one SELECT of ids, one
//           UPDATE … RETURNING) for the endpoints whose queue runs low.
// A crash at any point loses nothing: a claimed row stays 'delivering' until its lease runs out, then any
// worker takes it again (same webhook-id: receivers dedupe on it). A clean stop releases claimed rows at once.
import type { Kysely } from 'kysely';
import type { Page, WebhookDeliveryView, WebhookTestResult } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { Database, WebhookAttemptRow, WebhookDeliveryRow, WebhookIntegrationRow } from '../db/schema';
import type { FinishPatch } from '../db/repos/webhook-deliveries';
import { WebhooksRepo } from '../db/repos/webhooks';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import { parseRetryAfter } from '../scheduler/retry-after';
import type { Sealed, Vault } from '../secrets/vault';
import { MAX_EXCERPT_CHARS, newMessageId, payloadBody, WebhookDeliveriesRepo } from './outbox';
import { webhookHeaders } from './signing';
import { checkWebhookTarget, type WebhookLookup } from './ssrf';
import { createNodeHttpTransport, type HttpRequest, type HttpTransport } from './transport';

export { createNodeHttpTransport, nodeHttpRequest, type HttpRequest, type HttpResponse, type HttpTransport } from './transport';

/** DESIGN.md §5: the wait before attempt n+1 (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
export const DEFAULT_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Svix: an endpoint failing every attempt for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;
const JITTER = 0.1;
const SLOW_DOWN = new Set([429, 502, 503, 504]);
/** A Retry-After longer than this is read as this: a receiver's typo (or a year) must not park a delivery forever. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** Outcomes written per transaction at most. */
const WRITE_BATCH = 256;
/** Rows leased per claim at most. */
const CLAIM_BATCH = 256;
/** Without a wake-up, how often a busy worker looks for rows that came due by time (real ms). */
const RECLAIM_MS = 20;

export const GONE_REASON = 'The endpoint answered 410 Gone; it was disabled';

export interface EndpointDisabled {
  organizerId: string;
  webhookId: string;
  name: string;
  url: string;
  /** 'gone': it answered 410. 'failing': every attempt failed for `disableAfterMs` (5 days). */
  cause: 'gone' | 'failing';
  /** Plain words, shown to the organizer and stored as the webhook's disabled_reason. */
  reason: string;
  /** 'failing': when the run of failed attempts began. */
  failingSince: number | null;
  at: number;
  /** The waiting deliveries marked failed with the reason (kept, visible, redeliverable). */
  failedDeliveryIds: string[];
}

export interface DeliveryWorkerOptions {
  db: Kysely<Database>;
  clock: Clock;
  vault: Vault;
  pushes: PushBus;
  organizerId: string;
  lookup?: WebhookLookup | undefined;
  timeoutMs?: number | undefined;
  schedule?: readonly number[] | undefined;
  /** [0, 1) for the ±10 % jitter. */
  random?: (() => number) | undefined;
  concurrencyPerEndpoint?: number | undefined;
  /** Attempts in flight across all endpoints (default 64). */
  maxInFlight?: number | undefined;
  /** The transport (default: node:http(s) with keep-alive per pinned target). */
  httpRequest?: HttpRequest | undefined;
  /** How often the running loop looks for due rows at most (real time). */
  pollMs?: number | undefined;
  /** Svix's rule: disable an endpoint whose every attempt failed for this long (default 5 days). */
  disableAfterMs?: number | undefined;
  /** Told after Junction disabled an endpoint (the core notifies the organizer and writes the error log). */
  onEndpointDisabled?: ((e: EndpointDisabled) => Promise<unknown> | void) | undefined;
}

interface Outcome {
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfterMs: number | null;
}

interface Done {
  row: WebhookDeliveryRow;
  startedAt: number;
  /** When the answer (or the error) came, on the injected clock. */
  at: number;
  out: Outcome;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message || err.name : String(err)).slice(0, 500);
const ok = (code: number | null): boolean => code !== null && code >= 200 && code < 300;

function failingReason(since: number, at: number): string {
  const days = Math.floor((at - since) / 86_400_000);
  return (
    `Every delivery attempt has failed since ${new Date(since).toISOString()} (${days} day${days === 1 ? '' : 's'}); ` +
    'Junction turned the webhook off after 5 days without a successful attempt'
  );
}

export class WebhookDeliveryWorker {
  readonly #o: Required<Omit<DeliveryWorkerOptions, 'lookup' | 'onEndpointDisabled'>> & Pick<DeliveryWorkerOptions, 'lookup' | 'onEndpointDisabled'>;
  readonly #outbox: WebhookDeliveriesRepo;
  /** The transport this worker created (and closes on stop); undefined when one was injected. */
  readonly #ownTransport: HttpTransport | undefined;

  // the loop
  #timer: NodeJS.Timeout | null = null;
  #loop: Promise<unknown> | null = null;
  #stopped = true;
  #stopping = false;
  #drain: Promise<number> | null = null;
  #tick: (() => void) | null = null;
  #tickScheduled = false;
  #wakeRequested = false;
  #lastClaimAt = 0;
  #hungry = false;
  #made = 0;

  // rows this worker leased and has not written back yet
  #held = new Set<string>();
  #queues = new Map<string, WebhookDeliveryRow[]>();
  #lanes = new Map<string, number>();
  #inFlight = 0;
  #hooks = new Map<string, WebhookIntegrationRow>();
  /** Endpoints disabled during this run: their queued rows are not sent (the disable failed them). */
  #gone = new Set<string>();
  #done: Done[] = [];
  #secretCache = new Map<Sealed, string>();

  constructor(o: DeliveryWorkerOptions) {
    this.#ownTransport = o.httpRequest ? undefined : createNodeHttpTransport();
    this.#o = {
      ...o,
      lookup: o.lookup,
      onEndpointDisabled: o.onEndpointDisabled,
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      schedule: o.schedule ?? DEFAULT_SCHEDULE_MS,
      random: o.random ?? Math.random,
      concurrencyPerEndpoint: Math.max(1, o.concurrencyPerEndpoint ?? 8),
      maxInFlight: Math.max(1, o.maxInFlight ?? 64),
      httpRequest: o.httpRequest ?? this.#ownTransport!,
      pollMs: o.pollMs ?? 1_000,
      disableAfterMs: o.disableAfterMs ?? DISABLE_AFTER_FAILING_MS,
    };
    this.#outbox = new WebhookDeliveriesRepo(o.db);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#stopping = false;
    this.#schedule(0);
  }

  /**
   * Stops claiming; attempts in flight finish (each bounded by its timeout) and are written; rows claimed but not
   * attempted yet are released (pending again, due as before). Never throws.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // Stays set until start() or runDue(): lanes of a drain that died (its database went away) end too.
    this.#stopping = true;
    if (this.#drain) this.#poke();
    await this.#drain?.catch(() => undefined);
    await this.#loop?.catch(() => undefined);
    this.#ownTransport?.close();
  }

  /** Looks for due rows now (after an enqueue or a redeliver). */
  wake(): void {
    this.#wakeRequested = true;
    if (this.#drain) this.#poke();
    else if (!this.#stopped && this.#timer) {
      clearTimeout(this.#timer);
      this.#schedule(0);
    }
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#loop = this.runDue()
        .catch(() => 0)
        .then(() => this.#nextDelay())
        .catch(() => this.#o.pollMs)
        .then((delay) => {
          this.#loop = null;
          if (!this.#stopped) this.#schedule(this.#wakeRequested ? 0 : delay);
        });
    }, ms);
  }

  /** Real ms until the next pending row is due, at most pollMs. */
  async #nextDelay(): Promise<number> {
    const at = await this.#outbox.nextDueAt();
    if (at === null) return this.#o.pollMs;
    return Math.min(this.#o.pollMs, Math.max(0, at - this.#o.clock.now()));
  }

  /**
   * Delivers every row due now (claiming with a lease) and keeps going while more come due or are enqueued;
   * resolves when nothing is due and nothing is in flight, with everything written. Returns the attempts made.
   * A second call while one runs joins it.
   */
  runDue(): Promise<number> {
    if (this.#drain) {
      this.#wakeRequested = true;
      this.#poke();
      return this.#drain;
    }
    this.#stopping = false;
    const before = this.#made;
    const drain = (async () => {
      try {
        await this.#run();
        return this.#made - before;
      } finally {
        // Cleared before the caller resumes: a runDue() right after this one starts a new drain.
        this.#drain = null;
      }
    })();
    this.#drain = drain;
    return drain;
  }

  async #run(): Promise<void> {
    this.#wakeRequested = true; // the first claim always happens
    try {
      for (;;) {
        if (this.#stopping) {
          if (this.#inFlight > 0) {
            await this.#waitTick();
            continue;
          }
          await this.#flush();
          await this.#releaseQueued();
          return;
        }
        const idle = this.#inFlight === 0;
        const claim = idle || this.#wakeRequested || this.#hungry || performance.now() - this.#lastClaimAt >= RECLAIM_MS;
        if (!claim && this.#done.length === 0) {
          await this.#waitTick();
          continue;
        }
        if (claim) {
          this.#wakeRequested = false;
          this.#hungry = false;
        }
        const claimed = await this.#cycle(claim);
        if (idle && claim && claimed === 0 && this.#inFlight === 0 && this.#done.length === 0 && !this.#wakeRequested) return;
        if (this.#inFlight > 0 && this.#done.length === 0 && !this.#wakeRequested && !this.#hungry) await this.#waitTick();
      }
    } finally {
      // Whatever stopped the loop, what is known is written when it can be.
      await this.#flush().catch(() => undefined);
    }
  }

  /** Wakes the loop soon; several outcomes of one I/O phase are written together. */
  #poke(): void {
    if (this.#tickScheduled) return;
    this.#tickScheduled = true;
    setImmediate(() => {
      this.#tickScheduled = false;
      const t = this.#tick;
      this.#tick = null;
      t?.();
    });
  }

  /**
   * Until a lane reports, wake() is called, or pollMs pass: rows of other endpoints that come due by time must not
   * wait for a slow endpoint's attempts to end.
   */
  #waitTick(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#poke(), this.#o.pollMs);
      this.#tick = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  // ---- claim

  #queuedFor(hookId: string): number {
    return (this.#queues.get(hookId)?.length ?? 0) + (this.#lanes.get(hookId) ?? 0);
  }

  /**
   * One transaction: writes up to WRITE_BATCH buffered outcomes and, with `claim`, leases due rows into the
   * endpoints' queues (each up to 3 × its concurrency). After the commit: pushes, lanes, notices. Returns the
   * rows claimed.
   */
  async #cycle(claim: boolean): Promise<number> {
    const batch = this.#done.splice(0, WRITE_BATCH);
    let effects: WriteEffects = { pushes: [], disabled: [] };
    let claimed: { rows: WebhookDeliveryRow[]; hooks: Map<string, WebhookIntegrationRow> } = { rows: [], hooks: new Map() };
    if (claim) this.#lastClaimAt = performance.now();
    try {
      await this.#o.db.transaction().execute(async (trx) => {
        if (batch.length > 0) effects = await this.#write(trx, batch);
        if (claim) claimed = await this.#claim(trx);
      });
    } finally {
      // Written, or not writable (then the row stays leased and is attempted again after its lease).
      for (const d of batch) this.#held.delete(d.row.id);
    }
    for (const p of effects.pushes) this.#o.pushes.emit('webhook:delivery', p);
    for (const e of effects.disabled) {
      this.#gone.add(e.webhookId);
      for (const r of this.#queues.get(e.webhookId) ?? []) this.#held.delete(r.id);
      this.#queues.delete(e.webhookId);
    }
    for (const [id, h] of claimed.hooks) {
      this.#hooks.set(id, h);
      this.#gone.delete(id);
    }
    for (const r of claimed.rows) {
      this.#held.add(r.id);
      const q = this.#queues.get(r.webhook_id);
      if (q) q.push(r);
      else this.#queues.set(r.webhook_id, [r]);
    }
    this.#startLanes();
    for (const e of effects.disabled) {
      this.#o.pushes.emit('integration:changed', { integrationType: 'webhook', id: e.webhookId, provider: null, change: 'updated' });
      try {
        await this.#o.onEndpointDisabled?.(e);
      } catch {
        // Telling the organizer must not stop deliveries to the other endpoints.
      }
    }
    return claimed.rows.length;
  }

  /** Inside the cycle's transaction: picks due rows for endpoints with room and leases them. */
  async #claim(trx: Kysely<Database>): Promise<{ rows: WebhookDeliveryRow[]; hooks: Map<string, WebhookIntegrationRow> }> {
    const outbox = new WebhookDeliveriesRepo(trx);
    const c = this.#o.concurrencyPerEndpoint;
    const cap = 3 * c;
    const full = [...this.#queues.keys()].filter((id) => this.#queuedFor(id) >= 2 * c);
    const now = this.#o.clock.now();
    // Enough candidates to fill a few endpoints' queues; ids only, the full rows come back from the claim.
    const candidates = await outbox.dueForClaim(now, Math.min(CLAIM_BATCH, 4 * cap), full);
    const room = new Map<string, number>();
    const pick: string[] = [];
    for (const r of candidates) {
      if (this.#held.has(r.id)) continue; // our own row whose lease ran out while queued: still ours
      const left = room.get(r.webhook_id) ?? cap - this.#queuedFor(r.webhook_id);
      if (left <= 0) continue;
      room.set(r.webhook_id, left - 1);
      pick.push(r.id);
    }
    if (pick.length === 0) return { rows: [], hooks: new Map() };
    // The lease covers waiting in the queue (at most ~3 attempts per lane) and the attempt itself.
    const rows = await outbox.claimMany(pick, now, now + 4 * this.#o.timeoutMs + 60_000);
    rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at);
    const hooks = await new WebhooksRepo(trx).byIds([...new Set(rows.map((r) => r.webhook_id))]);
    return { rows, hooks };
  }

  #startLanes(): void {
    if (this.#stopping) return; // (a lane would end at once, leaving its queue as it is: no new ones)
    for (const [hookId, q] of this.#queues) {
      while (q.length > 0 && (this.#lanes.get(hookId) ?? 0) < this.#o.concurrencyPerEndpoint && this.#inFlight < this.#o.maxInFlight) {
        this.#lanes.set(hookId, (this.#lanes.get(hookId) ?? 0) + 1);
        this.#inFlight++;
        void this.#lane(hookId);
      }
      if (q.length === 0 && !this.#lanes.get(hookId)) this.#queues.delete(hookId);
    }
  }

  /** One lane of one endpoint: attempts its queued rows one after the other. */
  async #lane(hookId: string): Promise<void> {
    try {
      for (;;) {
        if (this.#stopping) break;
        const q = this.#queues.get(hookId);
        const row = q?.shift();
        if (!row) break;
        if (q!.length < this.#o.concurrencyPerEndpoint) this.#hungry = true;
        const hook = this.#hooks.get(hookId);
        if (!hook || this.#gone.has(hookId)) {
          this.#held.delete(row.id); // disabled (its rows were failed) or deleted (its rows went with it)
          continue;
        }
        const startedAt = this.#o.clock.now();
        const out = await this.#send(hook, row.id, row.body);
        if (out.statusCode === 410) this.#gone.add(hookId); // send nothing more there; the write disables it
        this.#done.push({ row, startedAt, at: this.#o.clock.now(), out });
        this.#made++;
        this.#poke();
      }
    } finally {
      this.#lanes.set(hookId, (this.#lanes.get(hookId) ?? 1) - 1);
      this.#inFlight--;
      this.#startLanes(); // a free slot: another endpoint's queue may be waiting for one
      this.#poke();
    }
  }

  /** Stopping: the rows still queued go back to pending at once (not after their lease). */
  async #releaseQueued(): Promise<void> {
    const ids = [...this.#queues.values()].flat().map((r) => r.id);
    this.#queues.clear();
    for (const id of ids) this.#held.delete(id);
    await this.#outbox.release(ids);
  }

  // ---- send

  #secrets(hook: WebhookIntegrationRow, now: number): string[] {
    const open = (sealed: Sealed): string => {
      let s = this.#secretCache.get(sealed);
      if (s === undefined) {
        if (this.#secretCache.size > 256) this.#secretCache.clear();
        s = this.#o.vault.open(sealed);
        this.#secretCache.set(sealed, s);
      }
      return s;
    };
    const secrets = [open(hook.secret_key)];
    if (hook.previous_secret_key && hook.previous_secret_expires_at !== null && hook.previous_secret_expires_at > now) {
      secrets.push(open(hook.previous_secret_key));
    }
    return secrets;
  }

  /** Check the target, sign, POST, measure. Never throws. */
  async #send(hook: WebhookIntegrationRow, id: string, body: string): Promise<Outcome> {
    const started = this.#o.clock.now();
    const t0 = performance.now();
    const latency = (): number => Math.round(performance.now() - t0);
    try {
      const target = await checkWebhookTarget(hook.webhook_url, {
        allowLocal: hook.allow_local_targets === 1,
        ...(this.#o.lookup ? { lookup: this.#o.lookup } : {}),
      });
      let custom: Record<string, string> = {};
      try {
        custom = JSON.parse(hook.headers) as Record<string, string>;
      } catch {
        custom = {};
      }
      const signed = webhookHeaders({ id, timestamp: Math.floor(started / 1000), body, secrets: this.#secrets(hook, started) });
      const res = await this.#o.httpRequest(target, { headers: { ...custom, ...signed }, body, timeoutMs: this.#o.timeoutMs });
      const ra = res.headers['retry-after'];
      return {
        statusCode: res.statusCode,
        latencyMs: latency(),
        excerpt: res.body.slice(0, MAX_EXCERPT_CHARS),
        error: res.statusCode >= 300 && res.statusCode < 400 ? `Redirect (${res.statusCode}) not followed` : null,
        retryAfterMs: parseRetryAfter(Array.isArray(ra) ? ra[0] : ra, this.#o.clock.now()),
      };
    } catch (err) {
      return { statusCode: null, latencyMs: latency(), excerpt: null, error: errorText(err), retryAfterMs: null };
    }
  }

  #delay(attemptsMade: number): number {
    const s = this.#o.schedule;
    const base = s[Math.min(attemptsMade, s.length - 1)] ?? 0;
    return Math.max(0, Math.round(base * (1 + JITTER * (2 * this.#o.random() - 1))));
  }

  // ---- write

  /** Writes every buffered outcome (batches of WRITE_BATCH, one transaction each). */
  async #flush(): Promise<void> {
    while (this.#done.length > 0) await this.#cycle(false);
  }

  /** Inside the cycle's transaction: attempt log, outcomes, the 5-day bookkeeping, disabling. */
  async #write(trx: Kysely<Database>, batch: Done[]): Promise<WriteEffects> {
    const outbox = new WebhookDeliveriesRepo(trx);
    const hooksRepo = new WebhooksRepo(trx);
    const existing = await outbox.existing(batch.map((d) => d.row.id));
    const live = batch.filter((d) => existing.has(d.row.id));
    const hooks = await hooksRepo.byIds([...new Set(live.map((d) => d.row.webhook_id))]);
    const counts = await outbox.attemptCounts(live.map((d) => d.row.id));

    // Per endpoint: the run of failures (Svix's rule) and whether Junction disables it now.
    const plans = new Map<string, { failingSince: number | null; disable: EndpointDisabled | null }>();
    for (const [id, hook] of hooks) {
      let failingSince = hook.failing_since;
      let gone = false;
      let lastOk = true;
      let lastAt = 0;
      for (const d of live) {
        if (d.row.webhook_id !== id) continue;
        lastOk = ok(d.out.statusCode);
        lastAt = Math.max(lastAt, d.at);
        if (lastOk) failingSince = null;
        else failingSince ??= d.startedAt;
        if (d.out.statusCode === 410) gone = true;
      }
      let disable: EndpointDisabled | null = null;
      const base = { organizerId: hook.organizer_id, webhookId: id, name: hook.name, url: hook.webhook_url, at: lastAt, failedDeliveryIds: [] };
      if (gone) disable = { ...base, cause: 'gone', reason: GONE_REASON, failingSince: null };
      else if (hook.is_active === 1 && !lastOk && failingSince !== null && lastAt - failingSince >= this.#o.disableAfterMs) {
        disable = { ...base, cause: 'failing', reason: failingReason(failingSince, lastAt), failingSince };
      }
      plans.set(id, { failingSince, disable });
    }

    const attempts: Omit<WebhookAttemptRow, 'id'>[] = [];
    const patches: FinishPatch[] = [];
    const pushes: WebhookDeliveryPushOut[] = [];
    for (const d of live) {
      const { row, out, at } = d;
      const hook = hooks.get(row.webhook_id);
      if (!hook) continue;
      const n = (counts.get(row.id) ?? 0) + 1;
      counts.set(row.id, n);
      attempts.push({
        delivery_id: row.id,
        webhook_id: row.webhook_id,
        attempt: n,
        started_at: d.startedAt,
        status_code: out.statusCode,
        latency_ms: out.latencyMs,
        response_excerpt: out.excerpt,
        error: out.error,
      });
      const code = out.statusCode;
      const tries = row.attempts + 1;
      const lastError = out.error ?? (code !== null && !ok(code) ? `HTTP ${code}` : null);
      const base = { id: row.id, attempts: tries, lastStatus: code, deliveredAt: null };
      const plan = plans.get(row.webhook_id)!;
      // Disabled now, or earlier by Junction (while this attempt was in flight): nothing is retried.
      const disabledBecause = plan.disable?.reason ?? (hook.is_active === 0 ? hook.disabled_reason : null);
      let status: 'delivered' | 'failed' | 'retrying';
      if (ok(code)) {
        patches.push({ ...base, status: 'delivered', nextAttemptAt: at, lastError: null, deliveredAt: at });
        status = 'delivered';
      } else if (code === 410) {
        patches.push({ ...base, status: 'failed', nextAttemptAt: at, lastError: GONE_REASON });
        status = 'failed';
      } else if (disabledBecause) {
        patches.push({ ...base, status: 'failed', nextAttemptAt: at, lastError: disabledBecause });
        status = 'failed';
      } else if (hook.retry_failed === 1 && tries <= hook.max_retries) {
        const wait =
          code !== null && SLOW_DOWN.has(code) && out.retryAfterMs !== null
            ? Math.max(Math.min(out.retryAfterMs, MAX_RETRY_AFTER_MS), this.#delay(tries))
            : this.#delay(tries);
        patches.push({ ...base, status: 'pending', nextAttemptAt: at + wait, lastError });
        status = 'retrying';
      } else {
        patches.push({ ...base, status: 'failed', nextAttemptAt: at, lastError });
        status = 'failed';
      }
      pushes.push({ webhookId: row.webhook_id, deliveryId: row.id, status });
    }
    await outbox.recordAttempts(attempts);
    await outbox.finishMany(patches);

    const disabled: EndpointDisabled[] = [];
    for (const [id, plan] of plans) {
      const hook = hooks.get(id)!;
      if (plan.disable) {
        const turnedOff = await hooksRepo.autoDisable(id, plan.disable.reason, plan.disable.at);
        // Even when someone turned it off meanwhile: what was waiting for it fails now, with the reason.
        plan.disable.failedDeliveryIds = await outbox.failOpen(id, plan.disable.reason);
        for (const deliveryId of plan.disable.failedDeliveryIds) pushes.push({ webhookId: id, deliveryId, status: 'failed' });
        if (turnedOff) disabled.push(plan.disable);
      } else if (plan.failingSince !== hook.failing_since && hook.is_active === 1) {
        await hooksRepo.setFailingSince(id, plan.failingSince);
      }
    }
    return { pushes, disabled };
  }

  // ---- channels

  async list(q: { webhookId?: string | undefined; status?: WebhookDeliveryRow['status'] | undefined; eventType?: string | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<Page<WebhookDeliveryView>> {
    const { rows, nextCursor } = await this.#outbox.list({ ...q, organizerId: this.#o.organizerId, limit: q.limit ?? 50 });
    const attempts = await this.#outbox.attemptsFor(rows.map((r) => r.id), 20);
    return { items: rows.map((r) => toDeliveryView(r, attempts.get(r.id) ?? [])), nextCursor };
  }

  async redeliver(ids: string[]): Promise<{ queued: number }> {
    const queued = await this.#outbox.redeliver(this.#o.organizerId, ids, this.#o.clock.now());
    this.wake();
    return { queued };
  }

  /** A signed test payload sent now, outside the outbox; the result is returned, nothing is stored. */
  async test(id: string): Promise<WebhookTestResult> {
    const hook = await new WebhooksRepo(this.#o.db).get(this.#o.organizerId, id);
    if (!hook) throw new AppError('NOT_FOUND', 'That webhook no longer exists.', { id });
    const now = this.#o.clock.now();
    const body = payloadBody('webhook_test', { webhookId: hook.id, message: 'A test delivery from Junction.' }, now);
    const out = await this.#send(hook, newMessageId(), body);
    return { statusCode: out.statusCode, latencyMs: out.latencyMs, responseExcerpt: out.excerpt, error: out.error };
  }
}

interface WebhookDeliveryPushOut {
  webhookId: string;
  deliveryId: string;
  status: 'delivered' | 'failed' | 'retrying';
}
interface WriteEffects {
  pushes: WebhookDeliveryPushOut[];
  disabled: EndpointDisabled[];
}

function toDeliveryView(r: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): WebhookDeliveryView {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      startedAt: a.started_at,
      statusCode: a.status_code,
      latencyMs: a.latency_ms,
      responseExcerpt: a.response_excerpt,
      error: a.error,
    })),
  };
}
