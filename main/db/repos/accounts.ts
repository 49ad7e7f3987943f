// Connected accounts across the calendar and video tables: tokens (sealed), connection status, scopes.
// The one place that writes secret columns of integrations.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CalendarProvider, ConnectionStatus, VideoProvider } from '../../../shared/domain';
import type { Sealed } from '../../secrets/vault';
import type { Database } from '../schema';

export type IntegrationKind = 'calendar' | 'video';
export interface IntegrationRef {
  kind: IntegrationKind;
  id: string;
}

/** An integration row of either table, normalised. Secrets stay sealed. */
export interface StoredAccount {
  kind: IntegrationKind;
  id: string;
  organizerId: string;
  provider: CalendarProvider | VideoProvider;
  accessToken: Sealed | null;
  refreshToken: Sealed | null;
  tokenExpiresAt: number | null;
  providerUserId: string | null;
  providerEmail: string | null;
  connectionStatus: ConnectionStatus;
  statusReason: string | null;
  scopes: string[];
  missingScopes: string[];
  isActive: boolean;
}

const TABLE = { calendar: 'calendar_integrations', video: 'video_integrations' } as const;

const parseList = (json: string): string[] => {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

export interface OAuthAccountInput {
  organizerId: string;
  kind: IntegrationKind;
  provider: CalendarProvider | VideoProvider;
  accessToken: Sealed;
  refreshToken: Sealed | null;
  tokenExpiresAt: number | null;
  providerUserId: string | null;
  providerEmail: string | null;
  scopes: string[];
  missingScopes: string[];
  /** Calendars: the primary calendar's id, when known. */
  calendarId?: string | null;
}

export class AccountsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(ref: IntegrationRef): Promise<StoredAccount | undefined> {
    const row = await this.db.selectFrom(TABLE[ref.kind]).selectAll().where('id', '=', ref.id).executeTakeFirst();
    return row ? this.#normalise(ref.kind, row) : undefined;
  }

  async findByProvider(
    organizerId: string,
    kind: IntegrationKind,
    provider: CalendarProvider | VideoProvider,
  ): Promise<StoredAccount | undefined> {
    const row = await this.db
      .selectFrom(TABLE[kind])
      .selectAll()
      .where('organizer_id', '=', organizerId)
      .where('provider', '=', provider as never)
      .executeTakeFirst();
    return row ? this.#normalise(kind, row) : undefined;
  }

  /** Creates the integration, or updates it in place (unique per organizer + provider): reconnect keeps its id. */
  async upsertOAuth(input: OAuthAccountInput, now: number): Promise<{ id: string; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const repo = new AccountsRepo(trx);
      const existing = await repo.findByProvider(input.organizerId, input.kind, input.provider);
      const common = {
        access_token: input.accessToken,
        refresh_token: input.refreshToken,
        token_expires_at: input.tokenExpiresAt,
        provider_user_id: input.providerUserId,
        provider_email: input.providerEmail,
        scopes: JSON.stringify(input.scopes),
        missing_scopes: JSON.stringify(input.missingScopes),
        connection_status: 'connected' as const,
        status_reason: null,
        is_active: 1,
        updated_at: now,
      };
      if (existing) {
        if (input.kind === 'calendar') {
          await trx
            .updateTable('calendar_integrations')
            .set({ ...common, sync_errors: 0, ...(input.calendarId ? { calendar_id: input.calendarId } : {}) })
            .where('id', '=', existing.id)
            .execute();
        } else {
          await trx.updateTable('video_integrations').set(common).where('id', '=', existing.id).execute();
        }
        return { id: existing.id, created: false };
      }
      const id = randomUUID();
      if (input.kind === 'calendar') {
        await trx
          .insertInto('calendar_integrations')
          .values({
            ...common,
            id,
            organizer_id: input.organizerId,
            provider: input.provider as CalendarProvider,
            calendar_id: input.calendarId ?? null,
            last_sync_at: null,
            sync_token: null,
            server_url: null,
            username: null,
            password: null,
            created_at: now,
          })
          .execute();
      } else {
        await trx
          .insertInto('video_integrations')
          .values({
            ...common,
            id,
            organizer_id: input.organizerId,
            provider: input.provider as VideoProvider,
            last_api_call: null,
            rate_limit_reset_at: null,
            created_at: now,
          })
          .execute();
      }
      return { id, created: true };
    });
  }

  /** CalDAV sign-in (Apple iCloud or any server): one per organizer, updated in place on reconnect. */
  async upsertCalDav(
    input: {
      organizerId: string;
      serverUrl: string;
      username: string;
      password: Sealed;
      calendarId: string | null;
      providerUserId: string | null;
    },
    now: number,
  ): Promise<{ id: string; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await new AccountsRepo(trx).findByProvider(input.organizerId, 'calendar', 'apple');
      const values = {
        server_url: input.serverUrl,
        username: input.username,
        password: input.password,
        provider_email: input.username,
        provider_user_id: input.providerUserId,
        calendar_id: input.calendarId,
        connection_status: 'connected' as const,
        status_reason: null,
        is_active: 1,
        sync_errors: 0,
        updated_at: now,
      };
      if (existing) {
        await trx.updateTable('calendar_integrations').set(values).where('id', '=', existing.id).execute();
        return { id: existing.id, created: false };
      }
      const id = randomUUID();
      await trx
        .insertInto('calendar_integrations')
        .values({
          ...values,
          id,
          organizer_id: input.organizerId,
          provider: 'apple',
          access_token: null,
          refresh_token: null,
          token_expires_at: null,
          last_sync_at: null,
          sync_token: null,
          created_at: now,
        })
        .execute();
      return { id, created: true };
    });
  }

  /** Stores refreshed tokens in one statement; `refreshToken: undefined` keeps the current one. */
  async storeTokens(
    ref: IntegrationRef,
    tokens: { accessToken: Sealed; refreshToken?: Sealed | null; tokenExpiresAt: number | null },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable(TABLE[ref.kind])
      .set({
        access_token: tokens.accessToken,
        ...(tokens.refreshToken !== undefined ? { refresh_token: tokens.refreshToken } : {}),
        token_expires_at: tokens.tokenExpiresAt,
        updated_at: now,
      })
      .where('id', '=', ref.id)
      .execute();
  }

  /** Refresh failed for good (revoked, invalid_grant): kept, not deleted, so Reconnect restores it in place. */
  async markDisconnected(ref: IntegrationRef, reason: string, now: number): Promise<void> {
    await this.db
      .updateTable(TABLE[ref.kind])
      .set({ connection_status: 'disconnected', status_reason: reason, is_active: 0, updated_at: now })
      .where('id', '=', ref.id)
      .execute();
  }

  /** Removes the integration (and, by cascade, its synced busy times). Logs keep the history. */
  async delete(ref: IntegrationRef): Promise<number> {
    const r = await this.db.deleteFrom(TABLE[ref.kind]).where('id', '=', ref.id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Connected OAuth integrations whose access token expires before `before` and that can be refreshed. */
  async listExpiring(before: number): Promise<IntegrationRef[]> {
    const refs: IntegrationRef[] = [];
    for (const kind of ['calendar', 'video'] as const) {
      const rows = await this.db
        .selectFrom(TABLE[kind])
        .select('id')
        .where('connection_status', '=', 'connected')
        .where('refresh_token', 'is not', null)
        .where('token_expires_at', 'is not', null)
        .where('token_expires_at', '<', before)
        .execute();
      refs.push(...rows.map((r) => ({ kind, id: r.id })));
    }
    return refs;
  }

  #normalise(
    kind: IntegrationKind,
    r: {
      id: string;
      organizer_id: string;
      provider: string;
      access_token: Sealed | null;
      refresh_token: Sealed | null;
      token_expires_at: number | null;
      provider_user_id: string | null;
      provider_email: string | null;
      connection_status: ConnectionStatus;
      status_reason: string | null;
      scopes: string;
      missing_scopes: string;
      is_active: number;
    },
  ): StoredAccount {
    return {
      kind,
      id: r.id,
      organizerId: r.organizer_id,
      provider: r.provider as CalendarProvider | VideoProvider,
      accessToken: r.access_token,
      refreshToken: r.refresh_token,
      tokenExpiresAt: r.token_expires_at,
      providerUserId: r.provider_user_id,
      providerEmail: r.provider_email,
      connectionStatus: r.connection_status,
      statusReason: r.status_reason,
      scopes: parseList(r.scopes),
      missingScopes: parseList(r.missing_scopes),
      isActive: r.is_active === 1,
    };
  }
}
