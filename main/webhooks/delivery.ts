// The webhook delivery worker (issue 5 items 4 and 6, DESIGN.md §5). Claims due outbox rows with a lease, signs
// with the current secret (and the previous one during its grace period), POSTs the exact stored body, and
// applies the Standard Webhooks rules: 2xx delivered; 3xx failure (no redirects followed); 410 disables the
// endpoint; 429/502/503/504 back off honouring Retry-After; anything else retries on the schedule with jitter
// while retry_failed and attempts ≤ max_retries, then the row is failed (kept, visible, redeliverable).
// The SSRF check runs before EVERY attempt and the connection goes to the checked address.
import http from 'node:http';
import https from 'node:https';
import type { Kysely } from 'kysely';
import type { Page, WebhookDeliveryView, WebhookTestResult } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { Database, WebhookAttemptRow, WebhookDeliveryRow, WebhookIntegrationRow } from '../db/schema';
import { WebhooksRepo } from '../db/repos/webhooks';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import { parseRetryAfter } from '../scheduler/retry-after';
import type { Vault } from '../secrets/vault';
import { MAX_EXCERPT_CHARS, newMessageId, payloadBody, WebhookDeliveriesRepo } from './outbox';
import { webhookHeaders } from './signing';
import { checkWebhookTarget, type CheckedTarget, pinnedLookup, type WebhookLookup } from './ssrf';

/** DESIGN.md §5: the wait before attempt n+1 (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
export const DEFAULT_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const DEFAULT_TIMEOUT_MS = 15_000;
const JITTER = 0.1;
const SLOW_DOWN = new Set([429, 502, 503, 504]);

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most 4096 characters of the body. */
  body: string;
}
/** Sends one POST to the checked target. Must not follow redirects and must give up after `timeoutMs`. */
export type HttpRequest = (
  target: CheckedTarget,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
) => Promise<HttpResponse>;

/** node:http / node:https, connecting to the checked address (pinnedLookup); redirects are never followed. */
export const nodeHttpRequest: HttpRequest = (target, init) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const mod = target.url.protocol === 'https:' ? https : http;
    const req = mod.request(target.url, {
      method: 'POST',
      lookup: pinnedLookup(target),
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(init.body), ...init.headers },
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`Timed out after ${init.timeoutMs} ms`)), init.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_EXCERPT_CHARS) body += chunk;
        if (body.length >= MAX_EXCERPT_CHARS) res.destroy();
      });
      const done = (): void => {
        clearTimeout(timer);
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: body.slice(0, MAX_EXCERPT_CHARS) });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.end(init.body);
  });

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
  httpRequest?: HttpRequest | undefined;
  /** How often the running loop looks for due rows (real time). */
  pollMs?: number | undefined;
}

interface Outcome {
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  retryAfterMs: number | null;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message || err.name : String(err)).slice(0, 500);

export class WebhookDeliveryWorker {
  readonly #o: Required<Omit<DeliveryWorkerOptions, 'lookup'>> & { lookup: WebhookLookup | undefined };
  readonly #outbox: WebhookDeliveriesRepo;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopped = true;

  constructor(o: DeliveryWorkerOptions) {
    this.#o = {
      ...o,
      lookup: o.lookup,
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      schedule: o.schedule ?? DEFAULT_SCHEDULE_MS,
      random: o.random ?? Math.random,
      concurrencyPerEndpoint: o.concurrencyPerEndpoint ?? 2,
      httpRequest: o.httpRequest ?? nodeHttpRequest,
      pollMs: o.pollMs ?? 1_000,
    };
    this.#outbox = new WebhookDeliveriesRepo(o.db);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** Looks for due rows soon (after an enqueue). */
  wake(): void {
    if (!this.#stopped && this.#timer && !this.#running) {
      clearTimeout(this.#timer);
      this.#schedule(0);
    }
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.runDue()
        .catch(() => undefined)
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) this.#schedule(this.#o.pollMs);
        });
    }, ms);
  }

  /** Delivers every row due now (claiming with a lease), until none is due. Returns the attempts made. */
  async runDue(): Promise<number> {
    let made = 0;
    for (let round = 0; round < 10_000; round++) {
      const now = this.#o.clock.now();
      const due = await this.#outbox.due(now, 500);
      if (due.length === 0) break;
      const byHook = new Map<string, WebhookDeliveryRow[]>();
      for (const r of due) byHook.set(r.webhook_id, [...(byHook.get(r.webhook_id) ?? []), r]);
      const counts = await Promise.all([...byHook.values()].map((rows) => this.#endpoint(rows)));
      const n = counts.reduce((a, b) => a + b, 0);
      made += n;
      if (n === 0) break;
    }
    return made;
  }

  /** One endpoint's due rows, at most `concurrencyPerEndpoint` at a time. */
  async #endpoint(rows: WebhookDeliveryRow[]): Promise<number> {
    let next = 0;
    let made = 0;
    const lane = async (): Promise<void> => {
      while (next < rows.length) {
        const row = rows[next++]!;
        if (await this.#attempt(row)) made++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrencyPerEndpoint, rows.length) }, lane));
    return made;
  }

  async #hook(id: string): Promise<WebhookIntegrationRow | undefined> {
    return this.#o.db.selectFrom('webhook_integrations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  #secrets(hook: WebhookIntegrationRow, now: number): string[] {
    const secrets = [this.#o.vault.open(hook.secret_key)];
    if (hook.previous_secret_key && hook.previous_secret_expires_at !== null && hook.previous_secret_expires_at > now) {
      secrets.push(this.#o.vault.open(hook.previous_secret_key));
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

  /** One attempt of one row; false when the row could not be claimed. */
  async #attempt(row: WebhookDeliveryRow): Promise<boolean> {
    const now = this.#o.clock.now();
    if (!(await this.#outbox.claim(row, now, now + this.#o.timeoutMs + 60_000))) return false;
    const hook = await this.#hook(row.webhook_id);
    if (!hook) return false;
    const startedAt = this.#o.clock.now();
    const out = await this.#send(hook, row.id, row.body);
    const attempts = row.attempts + 1;
    await this.#outbox.recordAttempt({
      delivery_id: row.id,
      webhook_id: row.webhook_id,
      attempt: (await this.#outbox.attemptCount(row.id)) + 1,
      started_at: startedAt,
      status_code: out.statusCode,
      latency_ms: out.latencyMs,
      response_excerpt: out.excerpt,
      error: out.error,
    });
    const at = this.#o.clock.now();
    const code = out.statusCode;
    const lastError = out.error ?? (code !== null && (code < 200 || code >= 300) ? `HTTP ${code}` : null);
    if (code !== null && code >= 200 && code < 300) {
      await this.#outbox.finish(row.id, { status: 'delivered', attempts, nextAttemptAt: at, lastStatus: code, lastError: null, deliveredAt: at });
      this.#push(row, 'delivered');
      return true;
    }
    if (code === 410) {
      await this.#outbox.finish(row.id, { status: 'failed', attempts, nextAttemptAt: at, lastStatus: code, lastError: 'The endpoint answered 410 Gone; it was disabled', deliveredAt: null });
      await new WebhooksRepo(this.#o.db).update(hook.organizer_id, hook.id, { is_active: 0, updated_at: at });
      this.#push(row, 'failed');
      for (const id of await this.#outbox.failOpen(hook.id, 'The endpoint answered 410 Gone; it was disabled')) {
        this.#o.pushes.emit('webhook:delivery', { webhookId: hook.id, deliveryId: id, status: 'failed' });
      }
      this.#o.pushes.emit('integration:changed', { integrationType: 'webhook', id: hook.id, provider: null, change: 'updated' });
      return true;
    }
    const canRetry = hook.retry_failed === 1 && attempts <= hook.max_retries;
    if (!canRetry) {
      await this.#outbox.finish(row.id, { status: 'failed', attempts, nextAttemptAt: at, lastStatus: code, lastError, deliveredAt: null });
      this.#push(row, 'failed');
      return true;
    }
    const wait =
      code !== null && SLOW_DOWN.has(code) && out.retryAfterMs !== null
        ? Math.max(out.retryAfterMs, this.#delay(attempts))
        : this.#delay(attempts);
    await this.#outbox.finish(row.id, { status: 'pending', attempts, nextAttemptAt: at + wait, lastStatus: code, lastError, deliveredAt: null });
    this.#push(row, 'retrying');
    return true;
  }

  #push(row: WebhookDeliveryRow, status: 'delivered' | 'failed' | 'retrying'): void {
    this.#o.pushes.emit('webhook:delivery', { webhookId: row.webhook_id, deliveryId: row.id, status });
  }

  // ---- channels

  async list(q: { webhookId?: string | undefined; status?: WebhookDeliveryRow['status'] | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<Page<WebhookDeliveryView>> {
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
