import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, OrganizerRow } from '../schema';

export class OrganizersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async getDefault(): Promise<OrganizerRow | undefined> {
    return this.db.selectFrom('organizers').selectAll().where('is_default', '=', 1).executeTakeFirst();
  }

  /** Creates the one local profile on first start; returns the existing one otherwise. */
  async ensureDefault(defaults: { name: string; timeZone: string }, now: number): Promise<OrganizerRow> {
    const existing = await this.getDefault();
    if (existing) return existing;
    const row: OrganizerRow = {
      id: randomUUID(),
      name: defaults.name,
      email: null,
      time_zone: defaults.timeZone,
      is_default: 1,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('organizers').values(row).execute();
    return row;
  }

  async update(
    id: string,
    patch: Partial<Pick<OrganizerRow, 'name' | 'email' | 'time_zone'>>,
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('organizers')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .execute();
  }
}
