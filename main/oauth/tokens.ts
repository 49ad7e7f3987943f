// Access tokens for provider calls: opened from the vault, refreshed before expiry or on demand, one refresh
// in flight per integration (shared by every concurrent caller), rotated refresh tokens stored in the same
// statement, and a grant the provider no longer honours turned into "disconnected" + a notification.
// Tokens are never logged: logs and errors carry provider, integration id and error codes only.
import type { Kysely } from 'kysely';
import * as oauth from 'oauth4webapi';
import type { CalendarProvider, VideoProvider } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { AccountsRepo, type IntegrationRef, type StoredAccount } from '../db/repos/accounts';
import { ApiCallsRepo } from '../db/repos/api-calls';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import type { Vault } from '../secrets/vault';
import { isTokenExpired } from '../services/integration-rules';
import type { LogsService } from '../services/logs-service';
import { INTEGRATION_LABEL, type NotificationService } from '../services/notifications-service';
import { authorizationServer, clientAuth, type FetchLike, oauthClient, requestOptions } from './client';
import type { ProviderConfigService, ResolvedProvider } from './provider-config';
import { type ProviderSpec, specForStored } from './providers';

export interface TokenManagerOptions {
  db: Kysely<Database>;
  clock: Clock;
  vault: Vault;
  config: ProviderConfigService;
  notifications: NotificationService;
  logs: LogsService;
  pushes: PushBus;
  fetch?: FetchLike;
  /** Refresh this long before the recorded expiry (default 2 min). */
  skewMs?: number;
  /** Per token request (default 15 s). */
  timeoutMs?: number;
  /** Monotonic time for latency figures (default performance.now). */
  monotonic?: () => number;
}

export interface RefreshOptions {
  /** Refresh even when the stored token does not look expired (a provider answered 401). */
  force?: boolean;
  /**
   * The access token the provider just rejected. When the stored token is already a different one, another
   * caller refreshed in the meantime and this refresh is skipped (no second rotation of a Zoom grant).
   */
  rejectedToken?: string;
  /** Without `force`: refresh when the token expires within this long (default: the skew). The job passes its lead. */
  withinMs?: number;
}

/** OAuth error codes meaning the grant itself is gone: reconnecting is the only fix. */
const GRANT_GONE = new Set(['invalid_grant', 'unauthorized_client', 'access_denied', 'invalid_token']);

const labelOf = (a: StoredAccount): string => INTEGRATION_LABEL[a.provider as CalendarProvider | VideoProvider] ?? a.provider;

/**
 * Some token endpoints omit `token_type` (Webex documents a response without it), which oauth4webapi rejects
 * as non-conforming. Every provider Junction talks to issues Bearer tokens, so a missing one is filled in.
 * `dropIdToken`: a refresh does not need the identity again, and Google's refresh responses carry an ID token
 * whose claim checks (issuer spelling, clock skew on iat) could fail a refresh that in fact succeeded.
 */
export function lenientTokenFetch(inner: FetchLike, opts: { dropIdToken?: boolean } = {}): FetchLike {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.status !== 200 || !(res.headers.get('content-type') ?? '').toLowerCase().includes('json')) return res;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const o = { ...(body as Record<string, unknown>) };
      const addType = typeof o.access_token === 'string' && o.token_type === undefined;
      const dropId = opts.dropIdToken === true && o.id_token !== undefined;
      if (addType || dropId) {
        if (addType) o.token_type = 'Bearer';
        if (dropId) delete o.id_token;
        const headers = new Headers(res.headers);
        headers.delete('content-length');
        return new Response(JSON.stringify(o), { status: 200, headers });
      }
    }
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

/** The outcome of a failed token request, in Junction's words (never the provider's body, which may echo tokens). */
interface RefreshFailure {
  error: AppError;
  /** The grant is gone: mark the integration disconnected. */
  disconnect: boolean;
  reason: string;
}

export class TokenManager {
  readonly #accounts: AccountsRepo;
  readonly #apiCalls: ApiCallsRepo;
  readonly #opts: TokenManagerOptions;
  readonly #fetch: FetchLike;
  readonly #skewMs: number;
  readonly #timeoutMs: number;
  readonly #monotonic: () => number;
  /** One refresh in flight per integration ("calendar:<id>"), shared by every caller. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(opts: TokenManagerOptions) {
    this.#opts = opts;
    this.#accounts = new AccountsRepo(opts.db);
    this.#apiCalls = new ApiCallsRepo(opts.db);
    this.#fetch = lenientTokenFetch(opts.fetch ?? fetch, { dropIdToken: true });
    this.#skewMs = opts.skewMs ?? 120_000;
    this.#timeoutMs = opts.timeoutMs ?? 15_000;
    this.#monotonic = opts.monotonic ?? (() => performance.now());
  }

  /** A usable access token: refreshed first when it has expired or will within the skew. */
  async getAccessToken(ref: IntegrationRef): Promise<string> {
    let account = await this.#usable(ref);
    if (account.accessToken === null || isTokenExpired(account.tokenExpiresAt, this.#opts.clock.now(), this.#skewMs)) {
      await this.refresh(ref);
      account = await this.#usable(ref);
      if (account.accessToken === null) throw this.#disconnectedError(account);
    }
    return this.#opts.vault.open(account.accessToken!);
  }

  /**
   * Refreshes the access token. Without `force`, does nothing when the stored token is still fresh (so callers
   * that raced behind a finished refresh do not start another). Concurrent callers share one request.
   */
  async refresh(ref: IntegrationRef, opts: RefreshOptions = {}): Promise<void> {
    const key = `${ref.kind}:${ref.id}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const p = this.#refreshIfNeeded(ref, opts).finally(() => {
      if (this.#inFlight.get(key) === p) this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, p);
    return p;
  }

  /** Resolves when no refresh of this integration is in flight (disconnect waits so it revokes the newest grant). */
  async whenIdle(ref: IntegrationRef): Promise<void> {
    await this.#inFlight.get(`${ref.kind}:${ref.id}`)?.catch(() => undefined);
  }

  /** The scheduler job: refreshes every connected integration whose token expires within `withinMs`. */
  async refreshExpiring(withinMs: number): Promise<{ refreshed: number; failed: number }> {
    const refs = await this.#accounts.listExpiring(this.#opts.clock.now() + withinMs);
    let refreshed = 0;
    let failed = 0;
    // One at a time: a handful of integrations, and it keeps the provider's token endpoint unhurried.
    for (const ref of refs) {
      try {
        await this.refresh(ref, { withinMs });
        refreshed++;
      } catch {
        failed++;
      }
    }
    return { refreshed, failed };
  }

  async #usable(ref: IntegrationRef): Promise<StoredAccount> {
    const account = await this.#accounts.get(ref);
    if (!account) throw new AppError('NOT_FOUND', 'That integration no longer exists.', { integrationId: ref.id });
    if (account.connectionStatus === 'disconnected') throw this.#disconnectedError(account);
    return account;
  }

  #disconnectedError(account: StoredAccount): AppError {
    const label = labelOf(account);
    return new AppError(
      'DISCONNECTED',
      `${label} is disconnected${account.statusReason ? `: ${account.statusReason}` : '.'} Reconnect it in Integrations to use it again.`,
      { integrationType: account.kind, integrationId: account.id, provider: account.provider },
    );
  }

  async #refreshIfNeeded(ref: IntegrationRef, opts: RefreshOptions): Promise<void> {
    const account = await this.#usable(ref);
    const now = this.#opts.clock.now();
    if (opts.rejectedToken !== undefined && account.accessToken !== null) {
      if (this.#opts.vault.open(account.accessToken) !== opts.rejectedToken) return; // someone refreshed already
    } else if (
      !opts.force &&
      account.accessToken !== null &&
      !isTokenExpired(account.tokenExpiresAt, now, opts.withinMs ?? this.#skewMs)
    ) {
      return; // fresh: another caller refreshed in the meantime
    }
    const spec = specForStored(account.kind, account.provider);
    if (!spec) {
      throw new AppError('VALIDATION', `${labelOf(account)} signs in with a password, not with OAuth tokens.`, {
        integrationId: account.id,
      });
    }
    if (account.refreshToken === null) {
      const reason = `${labelOf(account)} did not give Junction a way to renew its access.`;
      await this.#disconnect(account, reason);
      throw this.#disconnectedError({ ...account, statusReason: reason });
    }
    // May throw NOT_CONFIGURED: a missing client is a settings problem, not a lost grant.
    const provider = await this.#opts.config.resolve(spec.identity);
    const started = this.#monotonic();
    let status: number | null = null;
    const recordingFetch: FetchLike = async (input, init) => {
      const res = await this.#fetch(input, init);
      status = res.status;
      return res;
    };
    let result: oauth.TokenEndpointResponse;
    try {
      const as = authorizationServer(provider);
      const client = oauthClient(provider);
      const response = await oauth.refreshTokenGrantRequest(
        as,
        client,
        clientAuth(provider),
        this.#opts.vault.open(account.refreshToken),
        requestOptions(provider, recordingFetch, this.#timeoutMs),
      );
      result = await oauth.processRefreshTokenResponse(as, client, response);
    } catch (err) {
      const failure = classifyRefreshError(err, account, spec, provider);
      await this.#record(account, status, failure.error.code, started);
      if (failure.disconnect) {
        // Reconnected while this refresh ran? Then the failure concerns the old grant: keep the new one.
        const current = await this.#accounts.get(ref);
        if (current && current.refreshToken === account.refreshToken && current.connectionStatus === 'connected') {
          await this.#disconnect(current, failure.reason);
        }
      } else {
        await this.#opts.logs
          .append({
            logType: 'error',
            message: `Junction could not renew its access to ${labelOf(account)}: ${failure.error.message}`,
            success: false,
            integrationType: account.kind,
            integrationId: account.id,
            details: { event: 'token_refresh_failed', provider: account.provider, code: failure.error.code, status },
          })
          .catch(() => undefined);
      }
      throw failure.error;
    }
    await this.#record(account, status, null, started);
    const vault = this.#opts.vault;
    const stamp = this.#opts.clock.now();
    await this.#accounts.storeTokens(
      ref,
      {
        accessToken: vault.seal(result.access_token),
        // Rotation (Zoom): the new refresh token replaces the old one in the same UPDATE; absent → keep ours.
        ...(typeof result.refresh_token === 'string' ? { refreshToken: vault.seal(result.refresh_token) } : {}),
        tokenExpiresAt: typeof result.expires_in === 'number' ? stamp + result.expires_in * 1000 : null,
      },
      stamp,
    );
    this.#opts.pushes.emit('integration:changed', {
      integrationType: account.kind,
      id: account.id,
      provider: account.provider,
      change: 'updated',
    });
  }

  async #record(account: StoredAccount, status: number | null, errorCode: string | null, started: number): Promise<void> {
    await this.#apiCalls
      .insert({
        provider: account.provider,
        operation: 'oauth.refresh',
        integrationId: account.id,
        status,
        errorCode,
        latencyMs: this.#monotonic() - started,
        retried: false,
        createdAt: this.#opts.clock.now(),
      })
      .catch(() => undefined);
  }

  /** Marks it disconnected (kept, so Reconnect restores it in place) and tells the person, once. */
  async #disconnect(account: StoredAccount, reason: string): Promise<void> {
    await this.#accounts.markDisconnected(account, reason, this.#opts.clock.now());
    await this.#opts.notifications.notifyIntegrationDisconnected({ ...account, connectionStatus: 'disconnected', statusReason: reason }, reason);
  }
}

function classifyRefreshError(
  err: unknown,
  account: StoredAccount,
  spec: ProviderSpec,
  provider: ResolvedProvider,
): RefreshFailure {
  const label = labelOf(account);
  const company = provider.identity.label;
  const details = { integrationType: account.kind, integrationId: account.id, provider: account.provider };
  const unavailable = (why: string): RefreshFailure => ({
    error: new AppError('PROVIDER_UNAVAILABLE', `${company} ${why} Junction will try again.`, details),
    disconnect: false,
    reason: why,
  });

  if (err instanceof oauth.ResponseBodyError) {
    const code = err.error;
    // Zoom answers a used or revoked refresh token with invalid_request + "Invalid Token!".
    const zoomDeadToken =
      spec.identity === 'zoom' && code === 'invalid_request' && /token/i.test(String(err.cause?.reason ?? err.error_description ?? ''));
    if (GRANT_GONE.has(code) || zoomDeadToken) {
      const reason = `${company} no longer accepts Junction's access (the permission was revoked, expired or replaced).`;
      return {
        error: new AppError('DISCONNECTED', `${label} was disconnected: ${reason} Reconnect it in Integrations.`, {
          ...details,
          oauthError: code,
        }),
        disconnect: true,
        reason,
      };
    }
    if (code === 'invalid_client') {
      return {
        error: new AppError(
          'NOT_CONFIGURED',
          `${company} did not accept Junction's OAuth client. Check its client ID and secret in Settings → Providers.`,
          { ...details, oauthError: code },
        ),
        disconnect: false,
        reason: code,
      };
    }
    if (err.status >= 500) return unavailable('is having trouble renewing access right now.');
    return {
      error: new AppError('OAUTH_FAILED', `${company} refused to renew Junction's access (${code}).`, {
        ...details,
        oauthError: code,
      }),
      disconnect: false,
      reason: code,
    };
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    return {
      error: new AppError(
        'NOT_CONFIGURED',
        `${company} did not accept Junction's OAuth client. Check its client ID and secret in Settings → Providers.`,
        { ...details, status: err.status },
      ),
      disconnect: false,
      reason: 'client authentication failed',
    };
  }
  if (err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError) {
    if (err instanceof oauth.OperationProcessingError && err.code === oauth.RESPONSE_IS_NOT_CONFORM) {
      return unavailable('did not answer the token request properly.');
    }
    return unavailable('sent a response Junction could not read.');
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return unavailable('did not answer in time.');
  return unavailable('could not be reached.');
}
