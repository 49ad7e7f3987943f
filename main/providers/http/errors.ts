// Provider failures → Junction's error codes, in plain words naming the provider. Never a token, never the
// provider's response body (bodies can echo what was sent): only status, operation and a short provider code.
import type { CalendarProvider, VideoProvider } from '../../../shared/domain';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { IDENTITIES } from '../../oauth/providers';
import { INTEGRATION_LABEL } from '../../services/notifications-service';

/** "Zoom", "Google Calendar", "Microsoft"… for the provider ids adapters pass (stored or identity ids). */
export function providerLabel(provider: string): string {
  if (provider in INTEGRATION_LABEL) return INTEGRATION_LABEL[provider as CalendarProvider | VideoProvider];
  if (provider in IDENTITIES) return IDENTITIES[provider as keyof typeof IDENTITIES].label;
  return provider;
}

/** The error code a final response status maps to (2xx → null). 401 here means "after the refresh". */
export function codeForStatus(status: number): ErrorCode | null {
  if (status >= 200 && status < 300) return null;
  if (status === 401) return 'TOKEN_EXPIRED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'PROVIDER_UNAVAILABLE';
  if (status >= 400) return 'VALIDATION';
  // 1xx/3xx reaching us (redirects are followed) are not something an adapter can use.
  return 'PROVIDER_UNAVAILABLE';
}

export interface FailureContext {
  provider: string;
  operation: string;
  integrationId: string | null;
  attempts: number;
}

const SHORT_CODE = /^[A-Za-z0-9_.:\- ]{1,80}$/;

/**
 * A short machine code from a provider's error body, when it has one: Google `error.status`/`errors[0].reason`,
 * Graph `error.code`, Zoom `code`, OAuth-style `error`. Only short identifier-like strings pass.
 */
export function providerErrorCode(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const o = body as Record<string, unknown>;
  const err = o.error;
  const candidates: unknown[] = [];
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    // Google: errors[0].reason is the specific one, status the family; its numeric `code` is only the HTTP status.
    if (Array.isArray(e.errors) && e.errors[0] && typeof e.errors[0] === 'object') {
      candidates.push((e.errors[0] as Record<string, unknown>).reason);
    }
    candidates.push(e.status, typeof e.code === 'string' ? e.code : undefined);
  } else {
    candidates.push(err);
  }
  candidates.push(o.code);
  for (const c of candidates) {
    if (typeof c === 'number' && Number.isSafeInteger(c)) return String(c);
    if (typeof c === 'string' && SHORT_CODE.test(c)) return c;
  }
  return null;
}

export function statusError(
  status: number,
  ctx: FailureContext,
  extra: { retryAfterMs?: number | null; providerCode?: string | null } = {},
): AppError {
  const label = providerLabel(ctx.provider);
  const code = codeForStatus(status) ?? 'PROVIDER_UNAVAILABLE';
  const details: Record<string, unknown> = {
    provider: ctx.provider,
    operation: ctx.operation,
    status,
    attempts: ctx.attempts,
    ...(ctx.integrationId ? { integrationId: ctx.integrationId } : {}),
    ...(extra.providerCode ? { providerCode: extra.providerCode } : {}),
  };
  switch (code) {
    case 'TOKEN_EXPIRED':
      return new AppError(
        code,
        `${label} did not accept Junction's access, even after renewing it. If this keeps happening, reconnect ${label} in Integrations.`,
        details,
      );
    case 'FORBIDDEN':
      return new AppError(code, `${label} refused this request: the account does not allow Junction to do it.`, details);
    case 'NOT_FOUND':
      return new AppError(code, `${label} could not find what Junction asked for; it may have been deleted there.`, details);
    case 'CONFLICT':
      return new AppError(code, `${label} reported a conflict: it changed there in the meantime. Try again.`, details);
    case 'RATE_LIMITED': {
      const after = extra.retryAfterMs ?? null;
      const when = after === null ? 'a little later' : `in about ${Math.max(1, Math.ceil(after / 1000))} seconds`;
      return new AppError(code, `${label} is limiting how often Junction may call it. Junction will try again ${when}.`, {
        ...details,
        retryAfterMs: after,
      });
    }
    case 'VALIDATION':
      return new AppError(code, `${label} rejected the request (HTTP ${status}).`, details);
    default:
      return new AppError(
        'PROVIDER_UNAVAILABLE',
        `${label} is having problems right now (HTTP ${status}). Junction will try again later.`,
        details,
      );
  }
}

export function networkError(kind: 'timeout' | 'network', ctx: FailureContext, timeoutMs: number): AppError {
  const label = providerLabel(ctx.provider);
  const details = {
    provider: ctx.provider,
    operation: ctx.operation,
    status: null,
    attempts: ctx.attempts,
    reason: kind,
    ...(ctx.integrationId ? { integrationId: ctx.integrationId } : {}),
  };
  return kind === 'timeout'
    ? new AppError('PROVIDER_UNAVAILABLE', `${label} did not answer within ${duration(timeoutMs)}.`, details)
    : new AppError('PROVIDER_UNAVAILABLE', `${label} could not be reached. Check the internet connection.`, details);
}

const duration = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`);

export function unreadableError(status: number, ctx: FailureContext): AppError {
  return new AppError('PROVIDER_UNAVAILABLE', `${providerLabel(ctx.provider)} sent a response Junction could not read.`, {
    provider: ctx.provider,
    operation: ctx.operation,
    status,
    attempts: ctx.attempts,
    reason: 'malformed_response',
    ...(ctx.integrationId ? { integrationId: ctx.integrationId } : {}),
  });
}
