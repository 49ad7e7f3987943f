// Disconnect: revoke the grant at the provider where it offers revocation (Google, Zoom), delete the
// integration row with its sealed secrets (synced busy times go with it by cascade), keep the history in the
// logs, and say plainly what happened — including where to remove access by hand when the provider offers
// apps no way to do it (Microsoft, Webex) and for CalDAV's app-specific password.
import type { Kysely } from 'kysely';
import * as oauth from 'oauth4webapi';
import type { CalendarProvider, DisconnectResult, IdentityProvider, VideoProvider } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { AccountsRepo, type IntegrationRef, type StoredAccount } from '../db/repos/accounts';
import { ApiCallsRepo } from '../db/repos/api-calls';
import type { Database } from '../db/schema';
import type { Clock } from '../lib/clock';
import type { PushBus } from '../lib/push-bus';
import type { Vault } from '../secrets/vault';
import type { LogsService } from '../services/logs-service';
import { INTEGRATION_LABEL } from '../services/notifications-service';
import { authorizationServer, clientAuth, type FetchLike, oauthClient, requestOptions } from './client';
import type { ProviderConfigService, ResolvedProvider } from './provider-config';
import { IDENTITIES, specForStored } from './providers';

export interface DisconnectDeps {
  db: Kysely<Database>;
  clock: Clock;
  vault: Vault;
  config: ProviderConfigService;
  logs: LogsService;
  pushes: PushBus;
  /** When given, a refresh in flight finishes first, so the newest (possibly rotated) grant is the one revoked. */
  tokens?: { whenIdle(ref: IntegrationRef): Promise<void> };
  fetch?: FetchLike;
  timeoutMs?: number;
  monotonic?: () => number;
}

/**
 * Identities whose users' grants an app can revoke itself (RFC 7009-style POST with `token=`), and the token that
 * revokes the whole grant. Google: the refresh token revokes it with its access tokens. Zoom documents revoking
 * with the access token. Microsoft has no revocation endpoint; Webex's only one is the admin Authorizations API
 * (scope identity:tokens_write, which Junction does not ask for): neither is called, even if a URL is configured.
 */
const REVOCABLE: Partial<Record<IdentityProvider, 'refresh' | 'access'>> = { google: 'refresh', zoom: 'access' };

const APPLE_NOTE =
  'Junction signed in with an app-specific password and has deleted it from this computer. If it was an Apple ' +
  'app-specific password, you can also revoke it at https://appleid.apple.com (Sign-In and Security → App-Specific Passwords).';

interface Revocation {
  revoked: boolean;
  /** What happened at the provider, one or two plain sentences. */
  note: string;
  outcome: 'revoked' | 'not_offered' | 'failed' | 'already_invalid' | 'no_token' | 'not_configured';
}

export async function disconnectIntegration(deps: DisconnectDeps, ref: IntegrationRef): Promise<DisconnectResult> {
  const accounts = new AccountsRepo(deps.db);
  if (!(await accounts.get(ref))) {
    throw new AppError('NOT_FOUND', 'That integration no longer exists; it may have been disconnected already.', {
      integrationId: ref.id,
    });
  }
  await deps.tokens?.whenIdle(ref);
  const account = await accounts.get(ref);
  if (!account) return { id: ref.id, revoked: false, message: 'That integration was already disconnected.' };
  const label = INTEGRATION_LABEL[account.provider as CalendarProvider | VideoProvider] ?? account.provider;

  const revocation = await revoke(deps, account);
  // Deleting the row deletes its sealed tokens/password; synced busy times go by ON DELETE CASCADE.
  await accounts.delete(ref);
  const who = account.providerEmail ? ` (${account.providerEmail})` : '';
  const message = `${label}${who} is disconnected and its saved sign-in was deleted from this computer. ${revocation.note}`;
  await deps.logs.append({
    logType: 'account',
    integrationType: account.kind,
    integrationId: account.id,
    success: true,
    message,
    details: { event: 'integration_deleted', provider: account.provider, revocation: revocation.outcome },
  });
  deps.pushes.emit('integration:changed', {
    integrationType: account.kind,
    id: account.id,
    provider: account.provider,
    change: 'deleted',
  });
  return { id: account.id, revoked: revocation.revoked, message };
}

async function revoke(deps: DisconnectDeps, account: StoredAccount): Promise<Revocation> {
  const spec = specForStored(account.kind, account.provider);
  if (!spec) return { revoked: false, note: APPLE_NOTE, outcome: 'not_offered' };
  const identity = IDENTITIES[spec.identity];
  const companyName = identity.label;
  const prefer = REVOCABLE[spec.identity];
  if (!prefer) {
    const hint = identity.manualRevokeHint ?? `Remove Junction from your ${companyName} account's connected apps if you want to.`;
    const why =
      spec.identity === 'webex'
        ? 'Webex offers apps no way to withdraw their own access (its Authorizations API is for administrators only). '
        : '';
    return { revoked: false, note: `${why}${hint}`, outcome: 'not_offered' };
  }
  let provider: ResolvedProvider;
  try {
    provider = await deps.config.resolve(spec.identity);
  } catch {
    return {
      revoked: false,
      note: `Junction could not withdraw its access at ${companyName} because no OAuth client is configured for it; remove Junction from your ${companyName} account's connected apps if you want to.`,
      outcome: 'not_configured',
    };
  }
  if (!provider.endpoints.revokeUrl) {
    return {
      revoked: false,
      note: `No revocation address is configured for ${companyName}; remove Junction from your ${companyName} account's connected apps if you want to.`,
      outcome: 'not_configured',
    };
  }
  const sealed =
    prefer === 'access' ? (account.accessToken ?? account.refreshToken) : (account.refreshToken ?? account.accessToken);
  if (!sealed) {
    return {
      revoked: false,
      note: `Junction held no token for ${companyName} to withdraw; remove Junction from your ${companyName} account's connected apps if it is still listed.`,
      outcome: 'no_token',
    };
  }

  const calls = new ApiCallsRepo(deps.db);
  const monotonic = deps.monotonic ?? (() => performance.now());
  const started = monotonic();
  let status: number | null = null;
  const fetchImpl = deps.fetch ?? fetch;
  const recording: FetchLike = async (input, init) => {
    const res = await fetchImpl(input, init);
    status = res.status;
    return res;
  };
  const record = (errorCode: string | null) =>
    calls
      .insert({
        provider: account.provider,
        operation: 'oauth.revoke',
        integrationId: account.id,
        status,
        errorCode,
        latencyMs: monotonic() - started,
        retried: false,
        createdAt: deps.clock.now(),
      })
      .catch(() => undefined);
  try {
    const as = authorizationServer(provider);
    const client = oauthClient(provider);
    // Google's revoke endpoint takes no client authentication: its secret is not sent where it is not needed.
    const auth = spec.identity === 'google' ? oauth.None() : clientAuth(provider);
    const res = await oauth.revocationRequest(
      as,
      client,
      auth,
      deps.vault.open(sealed),
      requestOptions(provider, recording, deps.timeoutMs ?? 15_000),
    );
    await oauth.processRevocationResponse(res);
    await record(null);
    return { revoked: true, note: `${companyName} confirmed that Junction's access was withdrawn.`, outcome: 'revoked' };
  } catch (err) {
    const oauthCode = err instanceof oauth.ResponseBodyError ? err.error : null;
    await record(oauthCode === 'invalid_token' || oauthCode === 'invalid_grant' ? 'DISCONNECTED' : 'PROVIDER_UNAVAILABLE');
    if (oauthCode === 'invalid_token' || oauthCode === 'invalid_grant') {
      return {
        revoked: false,
        note: `${companyName} says Junction's access was already no longer valid there, so there was nothing left to withdraw.`,
        outcome: 'already_invalid',
      };
    }
    const what = status === null ? `could not reach ${companyName}` : `${companyName} did not confirm it (HTTP ${status})`;
    return {
      revoked: false,
      note:
        `Junction tried to withdraw its access at ${companyName}, but ${what}; it is disconnected here anyway. ` +
        `Remove Junction from your ${companyName} account's connected apps if you want to be sure.`,
      outcome: 'failed',
    };
  }
}
