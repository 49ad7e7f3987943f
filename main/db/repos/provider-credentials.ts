import type { Kysely, Updateable } from 'kysely';
import type { Database, ProviderCredentialsRow, ProviderCredentialsTable } from '../schema';

export class ProviderCredentialsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  get(provider: ProviderCredentialsRow['provider']): Promise<ProviderCredentialsRow | undefined> {
    return this.db.selectFrom('provider_credentials').selectAll().where('provider', '=', provider).executeTakeFirst();
  }

  async upsert(
    provider: ProviderCredentialsRow['provider'],
    patch: Omit<Updateable<ProviderCredentialsTable>, 'provider' | 'updated_at'>,
    now: number,
  ): Promise<void> {
    await this.db
      .insertInto('provider_credentials')
      .values({
        provider,
        client_id: null,
        client_secret: null,
        auth_url: null,
        token_url: null,
        api_root: null,
        userinfo_url: null,
        revoke_url: null,
        ...patch,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('provider').doUpdateSet({ ...patch, updated_at: now }))
      .execute();
  }
}
