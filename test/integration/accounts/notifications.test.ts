// NotificationService over a real database: notify (record, push, native port), keyset paging newest first,
// unread filter, markRead by ids or all, and a failing native port that must not break anything.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppNotification } from '../../../shared/domain';
import { openDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import type { StoredAccount } from '../../../main/db/repos/accounts';
import { OrganizersRepo } from '../../../main/db/repos/organizers';
import type { Database } from '../../../main/db/schema';
import { ManualClock } from '../../../main/lib/clock';
import { PushBus } from '../../../main/lib/push-bus';
import type { ServiceContext } from '../../../main/services/context';
import { LogsService } from '../../../main/services/logs-service';
import { noopNotificationPort } from '../../../main/services/notification-port';
import { NotificationService, reconnectRoute } from '../../../main/services/notifications-service';
import { tempDir } from '../../support/temp';

describe('NotificationService', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Kysely<Database>;
  let clock: ManualClock;
  let ctx: ServiceContext;
  let logs: LogsService;
  let pushed: { name: string; payload: unknown }[];
  let shown: AppNotification[];
  let service: NotificationService;

  beforeEach(async () => {
    t = tempDir('junction-notifications-');
    ({ db } = openDatabase(join(t.dir, 'junction.db')));
    await migrateToLatest(db as unknown as Kysely<unknown>);
    clock = new ManualClock();
    const organizer = await new OrganizersRepo(db).ensureDefault({ name: 'Me', timeZone: 'UTC' }, clock.now());
    const pushes = new PushBus();
    pushed = [];
    pushes.subscribe((name, payload) => pushed.push({ name, payload }));
    ctx = { db, clock, pushes, organizerId: organizer.id };
    logs = new LogsService(ctx);
    shown = [];
    service = new NotificationService(ctx, logs, { show: (n) => shown.push(n) });
  });
  afterEach(async () => {
    await db.destroy();
    t.cleanup();
  });

  it('notify records it, pushes notification:added and shows it natively', async () => {
    const n = await service.notify({ kind: 'test', severity: 'warning', title: 'Heads up', body: 'Something happened.' });
    expect(n).toMatchObject({
      kind: 'test',
      severity: 'warning',
      title: 'Heads up',
      body: 'Something happened.',
      integrationType: null,
      integrationId: null,
      actionRoute: null,
      createdAt: clock.now(),
      readAt: null,
    });
    expect(pushed).toEqual([{ name: 'notification:added', payload: n }]);
    expect(shown).toEqual([n]);
    expect((await service.list()).items).toEqual([n]);
  });

  it('a failing native port never breaks notify', async () => {
    const broken = new NotificationService(ctx, logs, {
      show: () => {
        throw new Error('no notification daemon');
      },
    });
    const n = await broken.notify({ kind: 'test', severity: 'info', title: 'Still here', body: '' });
    expect((await broken.list()).items).toEqual([n]);
    // And the no-op port of Node hosts is just that.
    expect(() => noopNotificationPort.show(n)).not.toThrow();
  });

  it('lists newest first with a keyset cursor, ties broken by id, and filters unread', async () => {
    const made: AppNotification[] = [];
    for (let i = 0; i < 7; i++) {
      if (i !== 3) clock.advance(1000); // two share a timestamp
      made.push(await service.notify({ kind: 'k', severity: 'info', title: `n${i}`, body: '' }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await service.list({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((n) => n.title));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const expected = [...made].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((n) => n.title);
    expect(seen).toEqual(expected);

    expect(await service.markRead({ ids: [made[6]!.id, made[5]!.id] })).toEqual({ updated: 2 });
    // Marking again changes nothing (read time kept).
    expect(await service.markRead({ ids: [made[6]!.id] })).toEqual({ updated: 0 });
    const unread = await service.list({ unreadOnly: true, limit: 10 });
    expect(unread.items.map((n) => n.title)).toEqual(expected.filter((x) => x !== 'n6' && x !== 'n5'));
    expect(await service.unreadCount()).toBe(5);

    clock.advance(5);
    expect(await service.markRead({ all: true })).toEqual({ updated: 5 });
    expect((await service.list({ unreadOnly: true })).items).toEqual([]);
    const all = await service.list({ limit: 10 });
    expect(all.items.find((n) => n.title === 'n6')?.readAt).toBe(made[6]!.createdAt);
    expect(all.items.find((n) => n.title === 'n0')?.readAt).toBe(clock.now());
  });

  it('refuses a forged cursor with VALIDATION', async () => {
    await expect(service.list({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('notifyIntegrationDisconnected: error notification with the reconnect route, error log, integration:changed', async () => {
    const account: StoredAccount = {
      kind: 'video',
      id: 'vid-1',
      organizerId: ctx.organizerId,
      provider: 'google_meet',
      accessToken: null,
      refreshToken: null,
      tokenExpiresAt: null,
      providerUserId: 'u1',
      providerEmail: 'me@example.com',
      connectionStatus: 'disconnected',
      statusReason: 'Google no longer accepts Junction’s access.',
      scopes: [],
      missingScopes: [],
      isActive: false,
    };
    const n = await service.notifyIntegrationDisconnected(account, 'Google no longer accepts Junction’s access.');
    expect(reconnectRoute('video', 'google_meet', 'vid-1')).toBe('/integrations/connect/video/google_meet?reconnect=vid-1');
    expect(n).toMatchObject({
      kind: 'integration_disconnected',
      severity: 'error',
      title: 'Google Meet was disconnected',
      integrationType: 'video',
      integrationId: 'vid-1',
      actionRoute: '/integrations/connect/video/google_meet?reconnect=vid-1',
    });
    expect(n.body).toMatch(/^Google no longer accepts Junction’s access\. Open Integrations → Google Meet \(me@example.com\) and press Reconnect/);
    const [log] = (await logs.list({})).items;
    expect(log).toMatchObject({ logType: 'error', success: false, integrationType: 'video', integrationId: 'vid-1' });
    expect(log!.message).toMatch(/^Google Meet \(me@example.com\) was disconnected: .* To reconnect: Open Integrations/);
    expect(log!.details).toMatchObject({ reconnect: { route: n.actionRoute } });
    expect(pushed.map((p) => p.name)).toEqual(['notification:added', 'log:appended', 'integration:changed']);
    expect(pushed[2]!.payload).toEqual({ integrationType: 'video', id: 'vid-1', provider: 'google_meet', change: 'disconnected' });
    expect(shown).toHaveLength(1);
  });
});
