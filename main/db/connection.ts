// Opens the SQLite database (WAL, foreign keys) behind kysely.
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import type { Database } from './schema';

/** SQLite does run DDL inside transactions; kysely's adapter says it does not, which would let a failed
 * migration leave a half-migrated database. Saying so makes the migrator run all pending migrations
 * in one transaction: a failure changes nothing. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
class JunctionSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: SqliteDatabase.Database;
}

/** The better-sqlite3 handle behind each Kysely opened here (WeakMap: no lifetime of its own). */
const handles = new WeakMap<Kysely<Database>, SqliteDatabase.Database>();

/**
 * The raw better-sqlite3 handle behind a Kysely opened by openDatabase, for repositories (main/db/** only) whose
 * hot paths run prepared statements. It is the same single connection, so such a statement joins whatever
 * transaction kysely has open on it: run them only inside a transaction of your own.
 */
export function sqliteHandle(db: Kysely<Database>): SqliteDatabase.Database {
  const sqlite = handles.get(db);
  if (!sqlite) throw new Error('This database was not opened by openDatabase: it has no raw handle.');
  return sqlite;
}

export function openDatabase(file: string): OpenedDatabase {
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new JunctionSqliteDialect({ database: sqlite }) });
  handles.set(db, sqlite);
  return { db, sqlite };
}
