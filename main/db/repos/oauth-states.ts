import type { Kysely } from 'kysely';
import type { Database, OAuthStateRow } from '../schema';

export class OAuthStatesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: OAuthStateRow): Promise<void> {
    await this.db.insertInto('oauth_states').values(row).execute();
  }

  /**
   * Marks a state used and returns it, atomically: of two concurrent callbacks with the same state only one
   * gets the row. Returns the row as it was when already used (so the caller can say "already used").
   */
  async consume(stateHash: string, now: number): Promise<{ row: OAuthStateRow; firstUse: boolean } | undefined> {
    const claimed = await this.db
      .updateTable('oauth_states')
      .set({ used_at: now })
      .where('state_hash', '=', stateHash)
      .where('used_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (claimed) return { row: claimed, firstUse: true };
    const row = await this.db.selectFrom('oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
    return row ? { row, firstUse: false } : undefined;
  }

  /** Forgets flows older than `before` (used or expired): the verifier has no use after that. */
  async purge(before: number): Promise<number> {
    const r = await this.db.deleteFrom('oauth_states').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
