// OAuth client and endpoints per identity provider: environment variables win over saved settings, which
// win over the real providers' defaults (DESIGN.md §9).
import {
  IDENTITY_PROVIDERS,
  type IdentityProvider,
  type ProviderEndpoints,
  type ProviderSettingsView,
} from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { ChannelParsed } from '../../shared/ipc/contract';
import { ProviderCredentialsRepo } from '../db/repos/provider-credentials';
import type { Vault } from '../secrets/vault';
import type { ServiceContext } from '../services/context';
import { IDENTITIES, type IdentitySpec } from './providers';

type Field = 'clientId' | 'clientSecret' | keyof ProviderEndpoints;
const ENV_KEYS: Record<Field, string> = {
  clientId: 'CLIENT_ID',
  clientSecret: 'CLIENT_SECRET',
  authUrl: 'AUTH_URL',
  tokenUrl: 'TOKEN_URL',
  apiRoot: 'API_ROOT',
  userinfoUrl: 'USERINFO_URL',
  revokeUrl: 'REVOKE_URL',
};
const ENV_PROVIDER: Record<IdentityProvider, string> = {
  google: 'GOOGLE',
  microsoft: 'MICROSOFT',
  zoom: 'ZOOM',
  webex: 'WEBEX',
};

export const envName = (p: IdentityProvider, f: Field): string => `JUNCTION_${ENV_PROVIDER[p]}_${ENV_KEYS[f]}`;

export interface ResolvedProvider {
  identity: IdentitySpec;
  clientId: string;
  /** Plaintext, in memory only for the duration of a token request. */
  clientSecret: string | null;
  endpoints: ProviderEndpoints;
}

export class ProviderConfigService {
  readonly #repo: ProviderCredentialsRepo;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly vault: Vault,
    private readonly env: Record<string, string | undefined>,
  ) {
    this.#repo = new ProviderCredentialsRepo(ctx.db);
  }

  #env(p: IdentityProvider, f: Field): string | undefined {
    const v = this.env[envName(p, f)];
    return v && v.trim() ? v.trim() : undefined;
  }

  async #merged(p: IdentityProvider): Promise<{
    clientId: string | null;
    clientSecret: string | null;
    hasSavedSecret: boolean;
    endpoints: ProviderEndpoints;
  }> {
    const row = await this.#repo.get(p);
    const d = IDENTITIES[p].defaults;
    const pick = (f: keyof ProviderEndpoints, saved: string | null | undefined): string | null =>
      this.#env(p, f) ?? saved ?? d[f];
    const envSecret = this.#env(p, 'clientSecret');
    return {
      clientId: this.#env(p, 'clientId') ?? row?.client_id ?? null,
      clientSecret: envSecret ?? (row?.client_secret ? this.vault.open(row.client_secret) : null),
      hasSavedSecret: Boolean(envSecret ?? row?.client_secret),
      endpoints: {
        authUrl: pick('authUrl', row?.auth_url)!,
        tokenUrl: pick('tokenUrl', row?.token_url)!,
        apiRoot: pick('apiRoot', row?.api_root)!,
        userinfoUrl: pick('userinfoUrl', row?.userinfo_url)!,
        revokeUrl: pick('revokeUrl', row?.revoke_url),
      },
    };
  }

  /** The client and endpoints for a flow; NOT_CONFIGURED when no client id is known. */
  async resolve(p: IdentityProvider): Promise<ResolvedProvider> {
    const m = await this.#merged(p);
    if (!m.clientId) {
      throw new AppError(
        'NOT_CONFIGURED',
        `Junction has no OAuth client for ${IDENTITIES[p].label} yet. Add its client ID in Settings → Providers (or set ${envName(p, 'clientId')}).`,
        { provider: p },
      );
    }
    return { identity: IDENTITIES[p], clientId: m.clientId, clientSecret: m.clientSecret, endpoints: m.endpoints };
  }

  async view(p: IdentityProvider): Promise<ProviderSettingsView> {
    const m = await this.#merged(p);
    const fromEnv: ProviderSettingsView['fromEnv'] = {};
    for (const f of Object.keys(ENV_KEYS) as Field[]) if (this.#env(p, f)) fromEnv[f] = envName(p, f);
    return {
      provider: p,
      clientId: m.clientId,
      hasClientSecret: m.hasSavedSecret,
      endpoints: m.endpoints,
      defaults: IDENTITIES[p].defaults,
      fromEnv,
    };
  }

  async list(): Promise<ProviderSettingsView[]> {
    return Promise.all(IDENTITY_PROVIDERS.map((p) => this.view(p)));
  }

  /** Saves what the user entered. `undefined` keeps a field, `null` clears it (back to the default). */
  async update(input: ChannelParsed<'providers:update'>): Promise<ProviderSettingsView> {
    const { provider, clientSecret, ...rest } = input;
    await this.#repo.upsert(
      provider,
      {
        ...(rest.clientId !== undefined ? { client_id: rest.clientId || null } : {}),
        ...(clientSecret !== undefined ? { client_secret: clientSecret ? this.vault.seal(clientSecret) : null } : {}),
        ...(rest.authUrl !== undefined ? { auth_url: rest.authUrl } : {}),
        ...(rest.tokenUrl !== undefined ? { token_url: rest.tokenUrl } : {}),
        ...(rest.apiRoot !== undefined ? { api_root: rest.apiRoot } : {}),
        ...(rest.userinfoUrl !== undefined ? { userinfo_url: rest.userinfoUrl } : {}),
        ...(rest.revokeUrl !== undefined ? { revoke_url: rest.revokeUrl } : {}),
      },
      this.ctx.clock.now(),
    );
    return this.view(provider);
  }
}
