// The one HTTP layer every provider adapter uses: bearer token (refreshed first when needed, once more after a
// 401), retries with exponential backoff + jitter honouring Retry-After, a record of every attempt in
// api_calls, and the final failure as an AppError with Junction's codes. Tokens never reach an error or log.
import type { Kysely } from 'kysely';
import { AppError } from '../../../shared/errors';
import type { IntegrationRef } from '../../db/repos/accounts';
import { ApiCallsRepo } from '../../db/repos/api-calls';
import type { Database } from '../../db/schema';
import type { Clock } from '../../lib/clock';
import { type BackoffOptions, computeBackoff } from '../../scheduler/backoff';
import { parseRetryAfter } from '../../scheduler/retry-after';
import {
  codeForStatus,
  type FailureContext,
  networkError,
  providerErrorCode,
  statusError,
  unreadableError,
} from './errors';

/** What ProviderHttp needs of the TokenManager (main/oauth/tokens.ts). */
export interface AccessTokenSource {
  getAccessToken(ref: IntegrationRef): Promise<string>;
  refresh(ref: IntegrationRef, opts?: { force?: boolean; rejectedToken?: string }): Promise<void>;
}

export interface ProviderRequest {
  /** Provider id as stored (`google`, `zoom`, `microsoft_teams`…) or identity id; names it in errors and api_calls. */
  provider: string;
  /** Short stable name for health metrics, e.g. `events.list`, `meetings.create`. */
  operation: string;
  integration?: IntegrationRef;
  method?: string;
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: URLSearchParams;
  /** A raw body sent as is (the caller sets content-type): fetch-compatible adapters (fetch-adapter.ts). */
  body?: string;
  /** Default: 'bearer' when `integration` is given, else 'none'. */
  auth?: 'bearer' | 'none';
  /**
   * Whether repeating the request is harmless. Default: true for GET/HEAD/PUT/DELETE/OPTIONS, false for
   * POST/PATCH, which are then retried only when the provider surely did not act (429, 503, connection refused).
   * Pass true for a POST that carries an idempotency key (e.g. Google's conference requestId).
   */
  idempotent?: boolean;
  /** Non-2xx statuses to hand back as a response instead of throwing (e.g. 410 for an expired sync token). */
  acceptStatuses?: number[];
  /** 'json' (default): empty body → undefined, malformed → PROVIDER_UNAVAILABLE. 'text': the raw text. */
  responseType?: 'json' | 'text';
  /** Aborts the request and any wait between attempts (e.g. the scheduler's job signal). */
  signal?: AbortSignal;
}

export interface ProviderResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface AttemptInfo {
  provider: string;
  operation: string;
  integrationId: string | null;
  /** 1-based attempt number within this request (the retry after a 401 refresh counts too). */
  attempt: number;
}

export interface AttemptOutcome {
  status: number | null;
  errorCode: string | null;
  latencyMs: number;
}

/**
 * The seam for the circuit breaker (issue 4) and similar policies. `beforeRequest` runs before every attempt
 * and may throw (an open circuit throws PROVIDER_UNAVAILABLE without calling the provider); `afterResponse`
 * sees every attempt's outcome (where a breaker counts failures). Nothing is plugged in yet.
 */
export interface ProviderHttpHooks {
  beforeRequest?(info: AttemptInfo): void | Promise<void>;
  afterResponse?(info: AttemptInfo & AttemptOutcome): void;
}

export interface ProviderHttpOptions {
  db: Kysely<Database>;
  clock: Clock;
  tokens: AccessTokenSource;
  fetch?: typeof fetch;
  /** Waits between attempts; tests inject one that records the delay and returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Attempts per request for transient failures (default 3). The retry after a 401 refresh is extra. */
  maxAttempts?: number;
  /** Per attempt, including reading the body (default 15 s). */
  timeoutMs?: number;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Backoff between attempts when the provider gives no Retry-After (default 500 ms doubling to 8 s, equal jitter). */
  backoff?: BackoffOptions;
  /** A Retry-After longer than this is not waited for here: the request fails RATE_LIMITED with retryAfterMs (default 60 s). */
  maxRetryAfterMs?: number;
  hooks?: ProviderHttpHooks;
  /** Monotonic time for latency (default performance.now). */
  monotonic?: () => number;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Statuses that say the provider did not act on the request, so even a POST may be repeated. */
const NOT_ACTED_STATUSES = new Set([429, 503]);
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Connection errors before anything was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 8000, factor: 2, jitter: 'equal' };

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function errorCodeOf(err: unknown): string | undefined {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

type Attempt =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; notSent: boolean };

export class ProviderHttp {
  readonly #opts: ProviderHttpOptions;
  readonly #calls: ApiCallsRepo;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #monotonic: () => number;

  constructor(opts: ProviderHttpOptions) {
    this.#opts = opts;
    this.#calls = new ApiCallsRepo(opts.db);
    this.#fetch = opts.fetch ?? fetch;
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#maxAttempts = Math.max(1, Math.floor(opts.maxAttempts ?? 3));
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
    this.#random = opts.random ?? Math.random;
    this.#monotonic = opts.monotonic ?? (() => performance.now());
  }

  async request<T = unknown>(req: ProviderRequest): Promise<ProviderResponse<T>> {
    const method = (req.method ?? 'GET').toUpperCase();
    const auth = req.auth ?? (req.integration ? 'bearer' : 'none');
    if (auth === 'bearer' && !req.integration) {
      throw new AppError('INTERNAL', `A ${req.provider} call (${req.operation}) needs an integration to sign it.`);
    }
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const integrationId = req.integration?.id ?? null;
    const accept = new Set(req.acceptStatuses ?? []);
    let attempt = 0;
    let transientFailures = 0;
    let refreshedAfter401 = false;

    for (;;) {
      attempt++;
      const info: AttemptInfo = { provider: req.provider, operation: req.operation, integrationId, attempt };
      const ctx: FailureContext = { provider: req.provider, operation: req.operation, integrationId, attempts: attempt };
      await this.#opts.hooks?.beforeRequest?.(info);
      const token = auth === 'bearer' ? await this.#opts.tokens.getAccessToken(req.integration!) : null;

      const started = this.#monotonic();
      const result = await this.#send(req, method, token);
      const latencyMs = this.#monotonic() - started;
      const record = async (status: number | null, errorCode: string | null) => {
        await this.#calls
          .insert({
            provider: req.provider,
            operation: req.operation,
            integrationId,
            status,
            errorCode,
            latencyMs,
            retried: attempt > 1,
            createdAt: this.#opts.clock.now(),
          })
          .catch(() => undefined); // metrics must not fail the call
        try {
          this.#opts.hooks?.afterResponse?.({ ...info, status, errorCode, latencyMs });
        } catch {
          // a policy hook must not break the call either
        }
      };

      if (result.kind !== 'response') {
        await record(null, 'PROVIDER_UNAVAILABLE');
        const retryable = result.kind === 'network' ? idempotent || result.notSent : idempotent;
        if (retryable && ++transientFailures < this.#maxAttempts) {
          await this.#sleep(computeBackoff(transientFailures, this.#opts.backoff ?? DEFAULT_BACKOFF, this.#random), req.signal);
          continue;
        }
        throw networkError(result.kind, ctx, this.#timeoutMs);
      }

      const { status, headers, text } = result;
      if ((status >= 200 && status < 300) || accept.has(status)) {
        if (req.responseType === 'text') {
          await record(status, null);
          return { status, headers, body: text as T };
        }
        let body: unknown = undefined;
        if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            await record(status, 'PROVIDER_UNAVAILABLE');
            throw unreadableError(status, ctx);
          }
        }
        await record(status, null);
        return { status, headers, body: body as T };
      }

      const code = codeForStatus(status);
      if (status === 401 && auth === 'bearer' && !refreshedAfter401) {
        await record(status, code);
        refreshedAfter401 = true;
        // Forced, but skipped when another caller already replaced the rejected token.
        await this.#opts.tokens.refresh(req.integration!, { force: true, rejectedToken: token! });
        continue;
      }
      await record(status, code);
      const retryAfterMs = parseRetryAfter(headers.get('retry-after'), this.#opts.clock.now());
      const maxRetryAfter = this.#opts.maxRetryAfterMs ?? 60_000;
      const retryable = RETRYABLE_STATUSES.has(status) && (idempotent || NOT_ACTED_STATUSES.has(status));
      if (retryable && ++transientFailures < this.#maxAttempts && (retryAfterMs === null || retryAfterMs <= maxRetryAfter)) {
        const wait = retryAfterMs ?? computeBackoff(transientFailures, this.#opts.backoff ?? DEFAULT_BACKOFF, this.#random);
        await this.#sleep(wait, req.signal);
        continue;
      }
      throw statusError(status, ctx, { retryAfterMs, providerCode: providerErrorCode(safeJson(text)) });
    }
  }

  /** Convenience for the common JSON call. */
  async json<T = unknown>(req: ProviderRequest): Promise<T> {
    return (await this.request<T>(req)).body;
  }

  async #send(req: ProviderRequest, method: string, token: string | null): Promise<Attempt> {
    const headers = new Headers(req.headers);
    if (!headers.has('accept')) headers.set('accept', req.responseType === 'text' ? '*/*' : 'application/json');
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers.set('content-type', 'application/json');
    } else if (req.form) {
      body = req.form.toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    } else if (req.body !== undefined) {
      body = req.body;
    }
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    try {
      const res = await this.#fetch(req.url, { method, headers, ...(body !== undefined ? { body } : {}), signal });
      const text = await res.text();
      return { kind: 'response', status: res.status, headers: res.headers, text };
    } catch (err) {
      // The caller gave up: not a provider failure, pass it on as is.
      if (req.signal?.aborted) throw req.signal.reason;
      const name = err instanceof Error ? err.name : '';
      if (timeout.aborted || name === 'TimeoutError') return { kind: 'timeout' };
      const code = errorCodeOf(err);
      return { kind: 'network', notSent: code !== undefined && NOT_SENT_CODES.has(code) };
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
