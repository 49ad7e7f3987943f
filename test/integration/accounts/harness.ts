// A small world for the token, HTTP, notification and disconnect tests: a real migrated SQLite database in a temp
// dir, the vault, a manual clock shared with the OAuth emulators, recorded pushes and native notifications, and
// integrations connected through a real authorization-code + PKCE grant at the emulator.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { AppNotification, CalendarProvider, VideoProvider } from '../../../shared/domain';
import type { PushEvents, PushName } from '../../../shared/ipc/push';
import { openDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import { AccountsRepo, type IntegrationKind, type IntegrationRef } from '../../../main/db/repos/accounts';
import { OrganizersRepo } from '../../../main/db/repos/organizers';
import type { Database } from '../../../main/db/schema';
import { ManualClock } from '../../../main/lib/clock';
import { PushBus } from '../../../main/lib/push-bus';
import { ProviderConfigService } from '../../../main/oauth/provider-config';
import { IDENTITIES } from '../../../main/oauth/providers';
import { TokenManager } from '../../../main/oauth/tokens';
import { AesGcmCipher } from '../../../main/secrets/aes-gcm-cipher';
import { Vault } from '../../../main/secrets/vault';
import type { ServiceContext } from '../../../main/services/context';
import { LogsService } from '../../../main/services/logs-service';
import { NotificationService } from '../../../main/services/notifications-service';
import {
  type AllOAuthEmulators,
  JUNCTION_SCOPES,
  junctionEnvFor,
  LOOPBACK_CALLBACK,
  type OAuthFlavor,
  startAllOAuthEmulators,
} from '../../emulators/oauth';
import { tempDir } from '../../support/temp';

export interface Pushed {
  name: PushName;
  payload: PushEvents[PushName];
}

export interface Harness {
  db: Kysely<Database>;
  clock: ManualClock;
  vault: Vault;
  ctx: ServiceContext;
  pushes: PushBus;
  pushed: Pushed[];
  shown: AppNotification[];
  logs: LogsService;
  notifications: NotificationService;
  config: ProviderConfigService;
  emulators: AllOAuthEmulators;
  accounts: AccountsRepo;
  tokens: TokenManager;
  dataDir: string;
  /** Connects an integration through a real code grant at the emulator; returns its ref and the issued tokens. */
  connect(
    flavor: OAuthFlavor,
    kind: IntegrationKind,
    provider: CalendarProvider | VideoProvider,
  ): Promise<{ ref: IntegrationRef; accessToken: string; refreshToken: string | null; expiresAt: number | null }>;
  pushesOf<P extends PushName>(name: P): PushEvents[P][];
  close(): Promise<void>;
}

const b64url = (b: Buffer) => b.toString('base64url');

export async function makeHarness(opts: { tokenPrefix?: string } = {}): Promise<Harness> {
  const t = tempDir('junction-accounts-');
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const { db } = openDatabase(join(t.dir, 'junction.db'));
  await migrateToLatest(db as unknown as Kysely<unknown>);
  const vault = new Vault(AesGcmCipher.fromKeyFile(join(t.dir, 'vault.key')));
  const organizer = await new OrganizersRepo(db).ensureDefault({ name: 'Me', timeZone: 'UTC' }, clock.now());
  const pushes = new PushBus();
  const pushed: Pushed[] = [];
  pushes.subscribe((name, payload) => pushed.push({ name, payload }));
  const ctx: ServiceContext = { db, clock, pushes, organizerId: organizer.id };
  const logs = new LogsService(ctx);
  const shown: AppNotification[] = [];
  const notifications = new NotificationService(ctx, logs, { show: (n) => shown.push(n) });
  const emulators = await startAllOAuthEmulators({
    clock,
    ...(opts.tokenPrefix ? { tokenPrefix: opts.tokenPrefix } : {}),
  });
  const config = new ProviderConfigService(ctx, vault, junctionEnvFor(emulators));
  const accounts = new AccountsRepo(db);
  const tokens = new TokenManager({ db, clock, vault, config, notifications, logs, pushes });

  async function connect(flavor: OAuthFlavor, kind: IntegrationKind, provider: CalendarProvider | VideoProvider) {
    const em = emulators[flavor];
    const client = em.clients[0]!;
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    const redirectUri = flavor === 'webex' ? LOOPBACK_CALLBACK : 'http://127.0.0.1:49152/oauth/callback';
    const auth = new URL(em.endpoints.authUrl);
    auth.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: JUNCTION_SCOPES[flavor].join(' '),
      state: b64url(randomBytes(16)),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(flavor === 'google' ? { access_type: 'offline', prompt: 'consent' } : {}),
    }).toString();
    const location = new URL(await em.authorize(auth.toString()));
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code from ${flavor}: ${location.toString()}`);
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const method = IDENTITIES[flavor].clientAuth;
    if (method === 'client_secret_basic') {
      headers.authorization = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    } else {
      form.set('client_id', client.clientId);
      if (method === 'client_secret_post' && client.clientSecret) form.set('client_secret', client.clientSecret);
    }
    const res = await fetch(em.endpoints.tokenUrl, { method: 'POST', headers, body: form });
    const json = (await res.json()) as { access_token: string; refresh_token?: string; expires_in?: number };
    if (!res.ok) throw new Error(`token exchange failed: ${JSON.stringify(json)}`);
    const expiresAt = json.expires_in ? clock.now() + json.expires_in * 1000 : null;
    const { id } = await accounts.upsertOAuth(
      {
        organizerId: organizer.id,
        kind,
        provider,
        accessToken: vault.seal(json.access_token),
        refreshToken: json.refresh_token ? vault.seal(json.refresh_token) : null,
        tokenExpiresAt: expiresAt,
        providerUserId: em.accounts[0]?.id ?? null,
        providerEmail: em.accounts[0]?.email ?? null,
        scopes: JUNCTION_SCOPES[flavor],
        missingScopes: [],
      },
      clock.now(),
    );
    return { ref: { kind, id }, accessToken: json.access_token, refreshToken: json.refresh_token ?? null, expiresAt };
  }

  return {
    db,
    clock,
    vault,
    ctx,
    pushes,
    pushed,
    shown,
    logs,
    notifications,
    config,
    emulators,
    accounts,
    tokens,
    dataDir: t.dir,
    connect,
    pushesOf: <P extends PushName>(name: P) => pushed.filter((p) => p.name === name).map((p) => p.payload as PushEvents[P]),
    close: async () => {
      await emulators.close();
      await db.destroy();
      t.cleanup();
    },
  };
}
