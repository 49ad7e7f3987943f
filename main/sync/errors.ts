// What a failure during a calendar sync means for Junction: the status and code hide in different places
// depending on who threw (ProviderHttp's AppError, gaxios, the Graph client, tsdav).
import { AppError } from '../../shared/errors';

export type FailureKind = 'stale' | 'revoked' | 'auth' | 'rate-limited' | 'failing';

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'dailyLimitExceeded']);

function* chain(err: unknown): Generator<Record<string, unknown>> {
  let e: unknown = err;
  for (let i = 0; i < 6 && e && typeof e === 'object'; i++) {
    const o = e as Record<string, unknown>;
    yield o;
    e = o.cause ?? o.error ?? o.originalError;
  }
}

export function httpStatusOf(err: unknown): number | null {
  for (const o of chain(err)) {
    if (o instanceof AppError) {
      const s = (o.details as { status?: unknown } | undefined)?.status;
      if (typeof s === 'number') return s;
    }
    for (const v of [o.status, o.statusCode, (o.response as { status?: unknown } | undefined)?.status, o.code]) {
      const n = typeof v === 'string' && /^\d{3}$/.test(v) ? Number(v) : v;
      if (typeof n === 'number' && n >= 400 && n < 600) return n;
    }
  }
  return null;
}

function appErrorOf(err: unknown): AppError | null {
  for (const o of chain(err)) if (o instanceof AppError) return o;
  return null;
}

function providerCodeOf(err: unknown): string | null {
  for (const o of chain(err)) {
    const d = o instanceof AppError ? (o.details as { providerCode?: unknown } | undefined) : undefined;
    if (typeof d?.providerCode === 'string') return d.providerCode;
    const reason = (o.errors as { reason?: unknown }[] | undefined)?.[0]?.reason;
    if (typeof reason === 'string') return reason;
  }
  return null;
}

export function classifyFailure(err: unknown): FailureKind {
  for (const o of chain(err)) if (o.name === 'StaleCursorError') return 'stale';
  const app = appErrorOf(err);
  if ((app?.details as { reason?: unknown } | undefined)?.reason === 'circuit_open') return 'failing';
  if (app?.code === 'TOKEN_EXPIRED' || app?.code === 'DISCONNECTED' || app?.code === 'AUTH_FAILED') return 'auth';
  const status = httpStatusOf(err);
  if (status === 401) return 'auth';
  if (status === 429 || app?.code === 'RATE_LIMITED') return 'rate-limited';
  if (status === 403 && RATE_LIMIT_REASONS.has(providerCodeOf(err) ?? '')) return 'rate-limited';
  if (status === 403 || status === 404 || status === 410) return 'revoked';
  return 'failing';
}

/** A short message fit for last_error and logs (never a response body). */
export function failureMessage(err: unknown): string {
  const app = appErrorOf(err);
  const msg = app?.message ?? (err instanceof Error ? err.message : String(err));
  return msg.slice(0, 500);
}
