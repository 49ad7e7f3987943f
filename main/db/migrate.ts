// Runs pending migrations at start-up. All pending migrations run in one transaction (see connection.ts):
// a failure rolls everything back and start-up stops with a message that names the migration.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { migrations as defaultMigrations } from './migrations';

export class MigrationError extends Error {
  constructor(
    readonly migration: string | null,
    override readonly cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      migration
        ? `Junction could not update its database (migration "${migration}" failed: ${why}). Nothing was changed; the app cannot start with this database.`
        : `Junction could not update its database (${why}). Nothing was changed; the app cannot start with this database.`,
    );
    this.name = 'MigrationError';
  }
}

export async function migrateToLatest(
  db: Kysely<unknown>,
  record: Record<string, Migration> = defaultMigrations,
): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => record };
  const migrator = new Migrator({ db, provider });
  // The migrator creates its bookkeeping tables before its transaction; on a database that had none, a
  // failure must not leave them behind either.
  const hadBookkeeping = (await db.introspection.getTables({ withInternalKyselyTables: true })).some(
    (t) => t.name === 'kysely_migration',
  );
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    if (!hadBookkeeping) {
      await sql`DROP TABLE IF EXISTS kysely_migration_lock`.execute(db);
      await sql`DROP TABLE IF EXISTS kysely_migration`.execute(db);
    }
    const failed = results?.find((r) => r.status === 'Error');
    throw new MigrationError(failed?.migrationName ?? null, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
