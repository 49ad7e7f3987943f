// OAuth connect (RFC 8252 / RFC 9700): initiate with a single-use, expiring, bound state and PKCE S256;
// complete from the callback URL: exchange the code, read the account, create or update the integration.
import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { OAuthResult, OAuthStart } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { AccountsRepo } from '../db/repos/accounts';
import { OAuthStatesRepo } from '../db/repos/oauth-states';
import type { Scheduler } from '../scheduler/scheduler';
import type { Vault } from '../secrets/vault';
import type { ServiceContext } from '../services/context';
import type { LogsService } from '../services/logs-service';
import {
  authorizationServer,
  clientAuth,
  type FetchLike,
  oauthClient,
  oauthErrorCode,
  requestOptions,
} from './client';
import type { ProviderConfigService, ResolvedProvider } from './provider-config';
import { describeScope, missingScopes, normaliseScopes, type ProviderSpec, specFor } from './providers';

export const STATE_TTL_MS = 10 * 60 * 1000;
export const INITIAL_SYNC_JOB = 'sync_calendar_events';

/** Reads the signed-in account from the provider's "me" endpoint (through the shared HTTP layer). */
export type AccountFetcher = (req: {
  provider: string;
  operation: string;
  url: string;
  accessToken: string;
}) => Promise<unknown>;

/** Where the provider sends the browser back. Chosen per flow; `release` frees a loopback listener. */
export interface RedirectTarget {
  redirectUri: string;
  release(): void;
}
export type RedirectStrategy = (spec: ProviderSpec) => Promise<RedirectTarget>;

export interface OAuthServiceDeps {
  ctx: ServiceContext;
  vault: Vault;
  config: ProviderConfigService;
  logs: LogsService;
  scheduler: Scheduler;
  fetchAccount: AccountFetcher;
  fetch?: FetchLike;
  /** Desktop hosts: loopback listener or custom scheme. Replaced by the browser host's own route. */
  desktopRedirect: RedirectStrategy;
  /** Electron: opens the consent page in the system browser (allow-listed by the shell). */
  openExternal?: (url: string) => Promise<void>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The callback address without its query, for exact comparison (custom schemes have no URL origin). */
function callbackKey(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`.toLowerCase();
}

export class OAuthService {
  #hostCallback: string | null = null;
  readonly #states: OAuthStatesRepo;
  readonly #accounts: AccountsRepo;
  readonly #pending = new Map<string, RedirectTarget>();

  constructor(private readonly d: OAuthServiceDeps) {
    this.#states = new OAuthStatesRepo(d.ctx.db);
    this.#accounts = new AccountsRepo(d.ctx.db);
  }

  /** The browser host serves the callback itself (DESIGN.md §1): every flow then returns there. */
  useHostCallback(url: string | null): void {
    this.#hostCallback = url;
  }

  async initiate(input: ChannelParsed<'oauth:initiate'>): Promise<OAuthStart> {
    const spec = specFor(input.provider, input.integrationType);
    if (!spec) throw new AppError('VALIDATION', 'That provider cannot be connected as that kind of integration.');
    if (input.reconnectId) {
      const existing = await this.#accounts.get({ kind: input.integrationType, id: input.reconnectId });
      if (!existing || existing.provider !== spec.stored) {
        throw new AppError('NOT_FOUND', 'The connection to reconnect no longer exists. Connect it again instead.');
      }
    }
    const resolved = await this.d.config.resolve(spec.identity);
    const now = this.d.ctx.clock.now();
    await this.#states.purge(now - 24 * 60 * 60 * 1000);

    const target: RedirectTarget = this.#hostCallback
      ? { redirectUri: this.#hostCallback, release: () => undefined }
      : await this.d.desktopRedirect(spec);
    const state = oauth.generateRandomState();
    const verifier = oauth.generateRandomCodeVerifier();
    const expiresAt = now + STATE_TTL_MS;
    await this.#states.insert({
      state_hash: sha256(state),
      provider: spec.provider,
      integration_type: spec.integrationType,
      redirect_uri: target.redirectUri,
      code_verifier: this.d.vault.seal(verifier),
      reconnect_integration_id: input.reconnectId ?? null,
      created_at: now,
      expires_at: expiresAt,
      used_at: null,
    });
    this.#pending.set(sha256(state), target);

    const url = new URL(resolved.endpoints.authUrl);
    const params: Record<string, string> = {
      client_id: resolved.clientId,
      response_type: 'code',
      redirect_uri: target.redirectUri,
      scope: spec.scopes.join(' '),
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...spec.extraAuthParams,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);

    let openedExternally = false;
    if (this.d.openExternal) {
      await this.d.openExternal(url.href);
      openedExternally = true;
    }
    return { authorizationUrl: url.href, redirectUri: target.redirectUri, expiresAt, openedExternally };
  }

  /** Handles the provider's answer (deep link, loopback or browser-host route). Changes nothing on failure. */
  async complete(callbackUrl: string): Promise<OAuthResult> {
    let url: URL;
    try {
      url = new URL(callbackUrl);
    } catch {
      throw new AppError('VALIDATION', 'That is not a sign-in answer Junction understands.');
    }
    const state = url.searchParams.get('state');
    if (!state) throw new AppError('OAUTH_STATE_INVALID', 'The sign-in answer had no state: Junction did not start it.');
    const hash = sha256(state);
    const now = this.d.ctx.clock.now();
    const found = await this.#states.consume(hash, now);
    this.#pending.get(hash)?.release();
    this.#pending.delete(hash);
    if (!found) {
      throw new AppError(
        'OAUTH_STATE_INVALID',
        'This sign-in answer does not belong to a sign-in Junction started (it may be forged). Nothing was changed.',
      );
    }
    const { row, firstUse } = found;
    if (!firstUse) {
      throw new AppError('OAUTH_STATE_INVALID', 'This sign-in answer was already used. Start connecting again.');
    }
    if (now > row.expires_at) {
      throw new AppError('OAUTH_STATE_INVALID', 'This sign-in took longer than 10 minutes and expired. Start again.');
    }
    if (callbackKey(url) !== callbackKey(new URL(row.redirect_uri))) {
      throw new AppError(
        'OAUTH_STATE_INVALID',
        'This sign-in answer arrived at a different address than the one it was started for. Nothing was changed.',
      );
    }
    const spec = specFor(row.provider as ProviderSpec['provider'], row.integration_type);
    if (!spec) throw new AppError('OAUTH_STATE_INVALID', 'This sign-in answer names an unknown provider.');

    const error = url.searchParams.get('error');
    if (error === 'access_denied') {
      throw new AppError('OAUTH_DENIED', `You chose not to allow Junction to use ${spec.label}. Nothing was changed.`, {
        provider: spec.provider, integrationType: spec.integrationType,
      });
    }
    if (error) {
      const why = (url.searchParams.get('error_description') ?? error).slice(0, 300);
      throw new AppError('OAUTH_FAILED', `${spec.label} did not complete the sign-in: ${why}`, { provider: spec.provider, integrationType: spec.integrationType, error });
    }

    const resolved = await this.d.config.resolve(spec.identity);
    const tokens = await this.#exchange(spec, resolved, url, row.redirect_uri, this.d.vault.open(row.code_verifier));
    const granted = normaliseScopes(
      resolved.identity,
      typeof tokens.scope === 'string' && tokens.scope.trim() ? tokens.scope.split(/[\s,]+/) : spec.scopes,
    );
    const missing = missingScopes(spec, granted);
    if (missing.length) {
      throw new AppError(
        'INSUFFICIENT_SCOPE',
        `Junction was not allowed to ${missing.map(describeScope).join(', ')}. Connect again and leave every permission ticked. Nothing was changed.`,
        { provider: spec.provider, integrationType: spec.integrationType, missingScopes: missing },
      );
    }

    const me = await this.d.fetchAccount({
      provider: spec.stored,
      operation: 'account.me',
      url: resolved.endpoints.userinfoUrl,
      accessToken: tokens.access_token,
    });
    const account = resolved.identity.parseAccount(me);
    const existing = await this.#accounts.findByProvider(this.d.ctx.organizerId, spec.integrationType, spec.stored);
    const expiresAt = typeof tokens.expires_in === 'number' ? now + tokens.expires_in * 1000 : null;
    const { id, created } = await this.#accounts.upsertOAuth(
      {
        organizerId: this.d.ctx.organizerId,
        kind: spec.integrationType,
        provider: spec.stored,
        accessToken: this.d.vault.seal(tokens.access_token),
        // Google sends a refresh token only on first consent: keep the one we have when none comes back.
        refreshToken: tokens.refresh_token ? this.d.vault.seal(tokens.refresh_token) : (existing?.refreshToken ?? null),
        tokenExpiresAt: expiresAt,
        providerUserId: account.id,
        providerEmail: account.email,
        scopes: granted,
        missingScopes: [],
        calendarId: spec.integrationType === 'calendar' ? 'primary' : null,
      },
      now,
    );

    const status = created ? 'connected' : 'reconnected';
    await this.d.logs.append({
      logType: 'account',
      integrationType: spec.integrationType,
      integrationId: id,
      success: true,
      message: `${created ? 'Connected' : 'Reconnected'} ${spec.label}${account.email ? ` as ${account.email}` : ''}`,
      details: { provider: spec.stored, scopes: granted },
    });
    if (spec.integrationType === 'calendar') await this.#enqueueInitialSync(id, spec);
    this.d.ctx.pushes.emit('integration:changed', {
      integrationType: spec.integrationType,
      id,
      provider: spec.stored,
      change: created ? 'created' : 'updated',
    });
    return {
      status,
      integrationType: spec.integrationType,
      integrationId: id,
      provider: spec.stored,
      email: account.email,
      grantedScopes: granted,
      missingScopes: [],
    };
  }

  async #exchange(
    spec: ProviderSpec,
    p: ResolvedProvider,
    callback: URL,
    redirectUri: string,
    verifier: string,
  ): Promise<oauth.TokenEndpointResponse> {
    const as = authorizationServer(p);
    const client = oauthClient(p);
    const fetchImpl = this.d.fetch ?? fetch;
    try {
      // The state was checked above against the stored hash; oauth4webapi checks the rest (iss, code present).
      const params = oauth.validateAuthResponse(as, client, callback.searchParams, oauth.skipStateCheck);
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth(p),
        params,
        redirectUri,
        verifier,
        requestOptions(p, fetchImpl),
      );
      return await oauth.processAuthorizationCodeResponse(as, client, response);
    } catch (err) {
      const code = oauthErrorCode(err);
      if (code === 'invalid_grant') {
        throw new AppError(
          'OAUTH_FAILED',
          `${spec.label} refused the sign-in code: it was already used or has expired. Start connecting again. Nothing was changed.`,
          { provider: spec.provider, integrationType: spec.integrationType, error: code },
        );
      }
      if (code) {
        throw new AppError('OAUTH_FAILED', `${spec.label} refused the sign-in (${code}). Nothing was changed.`, {
          provider: spec.provider, integrationType: spec.integrationType,
          error: code,
        });
      }
      if (err instanceof AppError) throw err;
      const name = err instanceof Error ? err.name : 'Error';
      if (name === 'TimeoutError' || name === 'TypeError' || name === 'AbortError') {
        throw new AppError('PROVIDER_UNAVAILABLE', `Junction could not reach ${spec.label} to finish signing in. Try again.`);
      }
      throw new AppError('OAUTH_FAILED', `${spec.label} sent an answer Junction could not use. Nothing was changed.`, {
        provider: spec.provider, integrationType: spec.integrationType,
        reason: err instanceof Error ? err.message.slice(0, 200) : undefined,
      });
    }
  }

  async #enqueueInitialSync(integrationId: string, spec: ProviderSpec): Promise<void> {
    // Calendar sync registers this job type (Calendar issue); until then say so instead of pretending.
    if (this.d.scheduler.isRegistered(INITIAL_SYNC_JOB)) {
      await this.d.scheduler.enqueue(INITIAL_SYNC_JOB, { integrationId }, { uniqueKey: `sync:${integrationId}` });
    } else {
      await this.d.logs.append({
        logType: 'calendar_sync',
        integrationType: 'calendar',
        integrationId,
        success: true,
        message: `${spec.label} is connected; its first sync will run once calendar sync is available in this version.`,
      });
    }
  }

  /**
   * Desktop flows (loopback listener, deep link) have no page waiting for the answer: a failure is also written
   * as an `account` log entry with its code, which the renderer's waiting screen turns into the error.
   */
  async completeFromDesktop(callbackUrl: string): Promise<OAuthResult> {
    try {
      return await this.complete(callbackUrl);
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('INTERNAL', 'Junction could not finish signing in.');
      await this.d.logs
        .append({
          logType: 'account',
          success: false,
          message: e.message,
          details: { code: e.code, ...(e.details && typeof e.details === 'object' ? e.details : {}) },
        })
        .catch(() => undefined);
      throw e;
    }
  }

  /** Frees loopback listeners of flows that never came back. */
  dispose(): void {
    for (const t of this.#pending.values()) t.release();
    this.#pending.clear();
  }
}
