import type { Kysely } from 'kysely';
import type { CalendarIntegrationRow, Database, VideoIntegrationRow } from '../schema';

/** Reads and the sync-health updates of the three integration tables. */
export class IntegrationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  listCalendars(organizerId: string): Promise<CalendarIntegrationRow[]> {
    return this.db
      .selectFrom('calendar_integrations')
      .selectAll()
      .where('organizer_id', '=', organizerId)
      .orderBy('created_at')
      .execute();
  }

  getCalendar(id: string): Promise<CalendarIntegrationRow | undefined> {
    return this.db.selectFrom('calendar_integrations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listVideo(organizerId: string): Promise<VideoIntegrationRow[]> {
    return this.db
      .selectFrom('video_integrations')
      .selectAll()
      .where('organizer_id', '=', organizerId)
      .orderBy('created_at')
      .execute();
  }

  async setSyncState(
    id: string,
    state: { sync_errors: number; sync_enabled: number; last_sync_at: number | null },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('calendar_integrations')
      .set({ ...state, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async counts(organizerId: string): Promise<{ calendar: number; video: number; webhooks: number }> {
    const count = async (table: 'calendar_integrations' | 'video_integrations' | 'webhook_integrations') => {
      const r = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organizer_id', '=', organizerId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    };
    return {
      calendar: await count('calendar_integrations'),
      video: await count('video_integrations'),
      webhooks: await count('webhook_integrations'),
    };
  }
}
