import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createCore, DATABASE_FILE } from '../../main/core';
import { openDatabase } from '../../main/db/connection';
import { MigrationError, migrateToLatest } from '../../main/db/migrate';
import { migrations } from '../../main/db/migrations';
import { tempDir } from '../support/temp';

const tables = (file: string): string[] => {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    db.close();
  }
};

describe('core lifecycle', () => {
  it('opens the database in WAL mode with foreign keys on and every table of the spec', async () => {
    const t = tempDir();
    const core = await createCore({ dataDir: t.dir, startScheduler: false });
    const { sqlite } = { sqlite: new SqliteDatabase(join(t.dir, DATABASE_FILE)) };
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    sqlite.close();
    const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(core.db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    await core.dispose();
    for (const table of [
      'organizers',
      'settings',
      'calendar_integrations',
      'video_integrations',
      'webhook_integrations',
      'integration_logs',
      'bookings',
      'blocked_times',
      'jobs',
    ]) {
      expect(tables(join(t.dir, DATABASE_FILE))).toContain(table);
    }
    t.cleanup();
  });

  it('stops start-up with a clear message when a migration fails, and changes nothing', async () => {
    const t = tempDir();
    // A database someone else created with a conflicting table: the initial migration cannot run.
    const file = join(t.dir, DATABASE_FILE);
    const raw = new SqliteDatabase(file);
    raw.exec('CREATE TABLE bookings (x TEXT)');
    raw.close();
    const err = await createCore({ dataDir: t.dir, startScheduler: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/could not update its database \(migration "2026-11-25-initial" failed.*Nothing was changed/);
    expect(tables(file)).toEqual(['bookings']);
    t.cleanup();
  });

  it('rolls back a later failing migration and keeps the earlier schema intact', async () => {
    const t = tempDir();
    const file = join(t.dir, 'x.db');
    const { db } = openDatabase(file);
    await migrateToLatest(db as never);
    const failing = {
      ...migrations,
      '2026-12-01-broken': {
        up: async (d: typeof db) => {
          await d.schema.createTable('half_done').addColumn('a', 'text').execute();
          throw new Error('disk full');
        },
      },
    };
    await expect(migrateToLatest(db as never, failing as never)).rejects.toThrow(/"2026-12-01-broken" failed: disk full/);
    await db.destroy();
    expect(tables(file)).not.toContain('half_done');
    expect(tables(file)).toContain('bookings');
    t.cleanup();
  });

  it('dispose() leaves no timer, socket or handle behind and closes the database', async () => {
    const t = tempDir();
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    const core = await createCore({ dataDir: t.dir }); // scheduler loop running
    await core.services.logs.append({ logType: 'error', message: 'x', success: false });
    await core.dispose();
    await new Promise((r) => setImmediate(r));
    const after = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort();
    expect(after).toEqual(before);
    await expect(core.db.selectFrom('organizers').selectAll().execute()).rejects.toThrow();
    expect(existsSync(join(t.dir, 'vault.key'))).toBe(true);
    await core.dispose(); // idempotent
    t.cleanup();
  });
});
