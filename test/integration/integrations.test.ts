import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CalendarIntegrationView, VideoIntegrationView, WebhookView } from '../../shared/domain';
import type { IntegrationChanged } from '../../shared/ipc/push';
import { call, makeCore, type TestCore } from '../support/core';

describe('integration lists and sync health', () => {
  let t: TestCore;
  let organizerId: string;
  beforeEach(async () => {
    t = await makeCore();
    organizerId = (await t.core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;
  });
  afterEach(async () => {
    await t.close();
  });

  async function addCalendar(): Promise<string> {
    const id = randomUUID();
    await t.core.db
      .insertInto('calendar_integrations')
      .values({
        id,
        organizer_id: organizerId,
        provider: 'google',
        access_token: t.core.vault.seal('ACCESS-TOKEN-MARK'),
        refresh_token: t.core.vault.seal('REFRESH-TOKEN-MARK'),
        token_expires_at: t.clock.now() + 3_600_000,
        provider_user_id: 'u1',
        provider_email: 'me@example.com',
        calendar_id: 'primary',
        last_sync_at: null,
        sync_token: null,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .execute();
    return id;
  }

  it('lists calendar, video and webhook integrations without any secret', async () => {
    const id = await addCalendar();
    await t.core.db
      .insertInto('video_integrations')
      .values({
        id: randomUUID(),
        organizer_id: organizerId,
        provider: 'zoom',
        access_token: t.core.vault.seal('ZOOM-ACCESS-MARK'),
        refresh_token: null,
        token_expires_at: null,
        provider_user_id: null,
        provider_email: 'z@example.com',
        last_api_call: null,
        rate_limit_reset_at: null,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await t.core.db
      .insertInto('webhook_integrations')
      .values({
        id: randomUUID(),
        organizer_id: organizerId,
        name: 'CRM',
        webhook_url: 'https://example.com/hook',
        events: JSON.stringify(['booking_created']),
        secret_key: t.core.vault.seal('whsec_SECRET-MARK'),
        created_at: 1,
        updated_at: 1,
      })
      .execute();

    const cals = await call<CalendarIntegrationView[]>(t.core, 'calendar:list');
    expect(cals).toEqual([
      expect.objectContaining({ id, provider: 'google', providerEmail: 'me@example.com', syncErrors: 0, syncEnabled: true }),
    ]);
    const video = await call<VideoIntegrationView[]>(t.core, 'video:list');
    expect(video[0]).toMatchObject({ provider: 'zoom', apiCallsToday: 0, autoGenerateLinks: true });
    const hooks = await call<WebhookView[]>(t.core, 'webhooks:list');
    expect(hooks[0]).toMatchObject({ name: 'CRM', events: ['booking_created'], maxRetries: 3, retryFailed: true });
    const wire = JSON.stringify([cals, video, hooks]);
    for (const mark of ['ACCESS-TOKEN-MARK', 'REFRESH-TOKEN-MARK', 'ZOOM-ACCESS-MARK', 'SECRET-MARK', 'v1:aesgcm']) {
      expect(wire).not.toContain(mark);
    }
  });

  it('markSyncError disables sync on the fifth consecutive error; markSyncSuccess resets; both push integration:changed', async () => {
    const id = await addCalendar();
    const pushes: IntegrationChanged[] = [];
    t.core.pushes.subscribe((name, p) => {
      if (name === 'integration:changed') pushes.push(p as IntegrationChanged);
    });
    const s = t.core.services.integrations;
    for (let i = 1; i <= 4; i++) expect(await s.markSyncError(id)).toMatchObject({ syncErrors: i, syncEnabled: true });
    t.clock.advance(1000);
    const ok = await s.markSyncSuccess(id);
    expect(ok).toMatchObject({ syncErrors: 0, lastSyncAt: t.clock.now(), syncEnabled: true });
    // Concurrent failures are all counted (read-modify-write is transactional).
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => s.markSyncError(id)));
    expect(results.map((r) => r.syncErrors).sort()).toEqual([1, 2, 3, 4, 5]);
    const after = (await call<CalendarIntegrationView[]>(t.core, 'calendar:list'))[0]!;
    expect(after).toMatchObject({ syncErrors: 5, syncEnabled: false });
    expect(pushes).toHaveLength(10);
    expect(pushes[0]).toEqual({ integrationType: 'calendar', id, provider: 'google', change: 'updated' });
  });
});
