import { randomUUID } from 'node:crypto';
import { createCore, type Core } from '../../../main/core';
import { ManualClock } from '../../../main/lib/clock';
import type { SyncProgress } from '../../../shared/ipc/push';
import { tempDir } from '../../support/temp';
import { FakeProvider } from './fake-adapter';

export interface SyncHarness {
  core: Core;
  clock: ManualClock;
  providers: Map<string, FakeProvider>;
  progress: SyncProgress[];
  addIntegration(opts?: { provider?: 'google' | 'outlook' | 'apple'; calendars?: string[] }): Promise<{ id: string; fake: FakeProvider }>;
  blocks(integrationId: string, calendarId: string): Promise<{ externalId: string; startUtc: number; endUtc: number; title: string; busy: boolean }[]>;
  close(): Promise<void>;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export async function makeSyncHarness(opts: { breaker?: { failureThreshold?: number; coolDownMs?: number } } = {}): Promise<SyncHarness> {
  const t = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const providers = new Map<string, FakeProvider>();
  const core = await createCore({
    dataDir: t.dir,
    clock,
    startScheduler: false,
    calendarAdapters: async (row) => providers.get(row.id)!.adapter(),
    ...(opts.breaker ? { breaker: opts.breaker } : {}),
  });
  const progress: SyncProgress[] = [];
  core.pushes.subscribe((name, payload) => {
    if (name === 'sync:progress') progress.push(payload as SyncProgress);
  });
  const organizerId = (await core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;
  return {
    core,
    clock,
    providers,
    progress,
    async addIntegration({ provider = 'google', calendars = ['primary'] } = {}) {
      const id = randomUUID();
      await core.db
        .insertInto('calendar_integrations')
        .values({
          id,
          organizer_id: organizerId,
          provider,
          access_token: core.vault.seal('tok'),
          refresh_token: null,
          token_expires_at: clock.now() + HOUR,
          provider_user_id: 'u1',
          provider_email: 'me@example.com',
          calendar_id: calendars[0]!,
          last_sync_at: null,
          sync_token: null,
          created_at: clock.now(),
          updated_at: clock.now(),
        })
        .execute();
      const fake = new FakeProvider();
      calendars.forEach((c, i) => fake.addCalendar({ id: c, name: c, primary: i === 0 }));
      providers.set(id, fake);
      return { id, fake };
    },
    async blocks(integrationId, calendarId) {
      const rows = await core.db
        .selectFrom('blocked_times')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('external_calendar_id', '=', calendarId)
        .orderBy('external_id')
        .execute();
      for (const r of rows) if (r.source !== 'synced') throw new Error('not a synced block');
      return rows.map((r) => ({ externalId: r.external_id!, startUtc: r.start_utc, endUtc: r.end_utc, title: r.title, busy: r.busy === 1 }));
    },
    close: async () => {
      await core.dispose();
      t.cleanup();
    },
  };
}

export const asBlocks = (events: { externalId: string; startUtc: number; endUtc: number; title: string; busy: boolean }[]) =>
  events.map(({ externalId, startUtc, endUtc, title, busy }) => ({ externalId, startUtc, endUtc, title, busy }));
