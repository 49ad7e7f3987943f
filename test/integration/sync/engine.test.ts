import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { ROLL_FORWARD_DRIFT_MS } from '../../../main/sync';
import { asBlocks, DAY, HOUR, makeSyncHarness, type SyncHarness } from './support';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const ev = (id: string, startH: number, durH = 1) => ({ externalId: id, startUtc: T0 + startH * HOUR, endUtc: T0 + (startH + durH) * HOUR });

describe('calendar sync engine (in-memory provider)', () => {
  let h: SyncHarness;
  beforeEach(async () => {
    h = await makeSyncHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const source = (integrationId: string, cal = 'primary') =>
    h.core.db
      .selectFrom('calendar_sources')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('external_calendar_id', '=', cal)
      .executeTakeFirstOrThrow();

  it('full sync in pages, then incremental; reconcile is idempotent', async () => {
    const { id, fake } = await h.addIntegration();
    for (let i = 0; i < 5; i++) fake.put('primary', ev(`e${i}`, i * 2));
    fake.put('primary', { ...ev('free', 3), busy: false });
    const r1 = await h.core.calendarSync.engine.syncCalendar(id);
    expect(r1.status).toBe('done');
    expect(r1.pages).toBe(3);
    expect(asBlocks(await h.blocks(id, 'primary'))).toEqual(asBlocks(fake.truth('primary')));
    expect((await h.blocks(id, 'primary')).find((b) => b.externalId === 'free')!.busy).toBe(false);
    const idsBefore = await h.core.db.selectFrom('blocked_times').select(['id', 'external_id']).orderBy('id').execute();
    expect((await source(id)).sync_cursor).toMatch(/^v:/);

    // No change: one pull with the cursor, nothing written differently.
    const r2 = await h.core.calendarSync.engine.syncCalendar(id);
    expect(r2.changes).toBe(0);
    expect(fake.calls.pull.at(-1)!.cursor).toMatch(/^v:/);
    // Forced full sync twice: same rows as the truth each time (upsert by key, reset replaces).
    await h.core.calendarSync.engine.syncCalendar(id, { force: true });
    await h.core.calendarSync.engine.syncCalendar(id, { force: true });
    expect(asBlocks(await h.blocks(id, 'primary'))).toEqual(asBlocks(fake.truth('primary')));
    expect(await h.core.db.selectFrom('blocked_times').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 6 });

    // Incremental: update, move, delete, add.
    fake.put('primary', { ...ev('e1', 30), title: 'moved' });
    fake.remove('primary', 'e2');
    fake.put('primary', ev('new', 50));
    const r3 = await h.core.calendarSync.engine.syncCalendar(id);
    expect(r3.changes).toBe(3);
    expect(asBlocks(await h.blocks(id, 'primary'))).toEqual(asBlocks(fake.truth('primary')));
    expect(idsBefore.length).toBe(6);

    // The run left its trace: log with counts, progress pushes, success recorded.
    const logs = await h.core.db.selectFrom('integration_logs').selectAll().where('log_type', '=', 'calendar_sync').execute();
    expect(logs.length).toBe(5);
    expect(JSON.parse(logs.at(-1)!.details!)).toMatchObject({ upserted: 2, deleted: 1, pages: 2 });
    expect(h.progress.at(-1)).toMatchObject({ integrationId: id, state: 'done' });
    expect(h.progress.some((p) => p.state === 'running' && p.pages > 0)).toBe(true);
    const row = await h.core.db.selectFrom('calendar_integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.last_sync_at).toBe(h.clock.now());
    expect(row.sync_errors).toBe(0);
  });

  it('saves the cursor only with the last page; a sync killed between pages leaves whole pages and converges', async () => {
    const { id, fake } = await h.addIntegration();
    for (let i = 0; i < 5; i++) fake.put('primary', ev(`e${i}`, i));
    // Between pages the stored cursor is still absent (full sync) …
    const seen: (string | null)[] = [];
    fake.betweenPages = async () => {
      seen.push((await source(id)).sync_cursor);
    };
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(seen).toEqual([null, null]);
    const cursor1 = (await source(id)).sync_cursor;
    expect(cursor1).not.toBeNull();

    // … and during an incremental sync it stays the old one until the last page.
    seen.length = 0;
    for (let i = 0; i < 5; i++) fake.put('primary', { ...ev(`e${i}`, i + 10), title: `v2-${i}` });
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(seen).toEqual([cursor1, cursor1]);
    fake.betweenPages = null;

    // Killed after one page of an incremental sync: page 1 applied whole, cursor unchanged.
    const cursor2 = (await source(id)).sync_cursor;
    for (let i = 0; i < 5; i++) fake.put('primary', { ...ev(`e${i}`, i + 20), title: `v3-${i}` });
    fake.failAfter = { afterPages: 1, error: new Error('process killed') };
    const killed = await h.core.calendarSync.engine.syncCalendar(id);
    expect(killed.status).toBe('failed');
    expect((await source(id)).sync_cursor).toBe(cursor2);
    const mid = await h.blocks(id, 'primary');
    expect(mid.filter((b) => b.title.startsWith('v3-')).length).toBe(2); // exactly the first page
    expect(mid.length).toBe(5);
    const ok = await h.core.calendarSync.engine.syncCalendar(id);
    expect(ok.status).toBe('done');
    expect(asBlocks(await h.blocks(id, 'primary'))).toEqual(asBlocks(fake.truth('primary')));

    // Killed during a full sync (after its reset): no cursor is left, so the next run is a full one again.
    fake.failAfter = { afterPages: 1, error: new Error('process killed') };
    await h.core.calendarSync.engine.syncCalendar(id, { force: true });
    expect((await source(id)).sync_cursor).toBeNull();
    expect((await h.blocks(id, 'primary')).length).toBe(2);
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(fake.calls.pull.at(-1)!.cursor).toBeNull();
    expect(asBlocks(await h.blocks(id, 'primary'))).toEqual(asBlocks(fake.truth('primary')));
  });

  it('a stale cursor gives exactly one full resync that replaces local state (resetLocal)', async () => {
    const { id, fake } = await h.addIntegration();
    fake.put('primary', ev('a', 1));
    fake.put('primary', ev('b', 2));
    await h.core.calendarSync.engine.syncCalendar(id);
    // A block the provider no longer knows about (e.g. deleted while the token was stale).
    fake.remove('primary', 'b');
    fake.minValidVersion = 1_000;
    const pullsBefore = fake.calls.pull.length;
    const r = await h.core.calendarSync.engine.syncCalendar(id);
    expect(r.status).toBe('done');
    expect(fake.calls.pull.slice(pullsBefore).map((c) => c.cursor === null)).toEqual([false, true]);
    expect(asBlocks(await h.blocks(id, 'primary'))).toEqual(asBlocks(fake.truth('primary')));
  });

  it('prefix deletes (`href#*`) remove every expanded instance of a resource', async () => {
    const { id, fake } = await h.addIntegration({ provider: 'apple' });
    fake.prefixDeletes = true;
    fake.put('primary', ev('/cal/a.ics#1', 1));
    fake.put('primary', ev('/cal/a.ics#2', 30));
    fake.put('primary', ev('/cal/ab.ics#1', 5));
    await h.core.calendarSync.engine.syncCalendar(id);
    fake.remove('primary', '/cal/a.ics#1');
    fake.remove('primary', '/cal/a.ics#2');
    await h.core.calendarSync.engine.syncCalendar(id);
    expect((await h.blocks(id, 'primary')).map((b) => b.externalId)).toEqual(['/cal/ab.ics#1']);
  });

  it('rolls the window forward by the stated rule when the clock advances', async () => {
    const { id, fake } = await h.addIntegration();
    await h.core.calendarSync.engine.syncCalendar(id);
    const first = fake.calls.pull.at(-1)!;
    expect(first.cursor).toBeNull();
    expect(first.window).toEqual({ start: T0 - 30 * DAY, end: T0 + 365 * DAY });
    h.clock.advance(ROLL_FORWARD_DRIFT_MS - HOUR);
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(fake.calls.pull.at(-1)!.cursor).not.toBeNull();
    expect(fake.calls.pull.at(-1)!.window).toEqual(first.window); // incremental keeps its baseline
    h.clock.advance(2 * HOUR);
    await h.core.calendarSync.engine.syncCalendar(id);
    const rolled = fake.calls.pull.at(-1)!;
    expect(rolled.cursor).toBeNull();
    expect(rolled.window).toEqual({ start: h.clock.now() - 30 * DAY, end: h.clock.now() + 365 * DAY });
    expect((await source(id)).window_start).toBe(rolled.window.start);
  });

  it('the 5th consecutive failure disables sync and notifies; later automatic runs skip it', async () => {
    const { id, fake } = await h.addIntegration();
    fake.failAll = new AppError('PROVIDER_UNAVAILABLE', 'Google Calendar is having problems right now (HTTP 503).', { status: 503 });
    for (let i = 1; i <= 5; i++) {
      const r = await h.core.calendarSync.engine.syncCalendar(id);
      expect(r.status).toBe('failed');
    }
    const row = await h.core.db.selectFrom('calendar_integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.sync_enabled).toBe(0);
    expect(row.sync_errors).toBe(5);
    const notes = await h.core.db.selectFrom('notifications').selectAll().where('kind', '=', 'calendar_sync_disabled').execute();
    expect(notes.length).toBe(1);
    expect(notes[0]!.body).toContain('HTTP 503');
    expect((await source(id)).access_state).toBe('failing');
    expect(h.progress.at(-1)!.state).toBe('failed');
    const pulls = fake.calls.pull.length;
    expect((await h.core.calendarSync.engine.syncCalendar(id)).status).toBe('skipped');
    expect(fake.calls.pull.length).toBe(pulls);
  });

  it('a calendar whose access was revoked (403, token fine) is marked with what to do and not retried', async () => {
    const { id, fake } = await h.addIntegration({ calendars: ['primary', 'team'] });
    await h.core.calendarSync.engine.refreshCalendars(id);
    const team = (await h.core.db.selectFrom('calendar_sources').selectAll().where('external_calendar_id', '=', 'team').executeTakeFirstOrThrow()).id;
    const primary = (await source(id)).id;
    await h.core.calendarSync.service.update({ id, selectedCalendarIds: [primary, team] });
    fake.put('primary', ev('p', 1));
    fake.revoked.add('team');
    const r = await h.core.calendarSync.engine.syncCalendar(id);
    expect(r.status).toBe('done'); // the other calendar synced; this one is reported, not a sync error
    const s = await source(id, 'team');
    expect(s.access_state).toBe('revoked');
    expect(s.last_error).toMatch(/Refresh calendars/);
    expect((await h.core.db.selectFrom('notifications').selectAll().where('kind', '=', 'calendar_access_revoked').execute()).length).toBe(1);
    const teamPulls = () => fake.calls.pull.filter((c) => c.calendarId === 'team').length;
    const before = teamPulls();
    await h.core.calendarSync.engine.syncCalendar(id);
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(teamPulls()).toBe(before);
    const row = await h.core.db.selectFrom('calendar_integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.sync_errors).toBe(0);
    // Refreshing the list (user action) lets it be tried again.
    fake.revoked.delete('team');
    await h.core.calendarSync.service.listCalendars(id);
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(teamPulls()).toBe(before + 1);
    expect((await source(id, 'team')).access_state).toBe('ok');
  });

  it('calls onBlocksChanged with the changed range', async () => {
    const { id, fake } = await h.addIntegration();
    const ranges: { start: number; end: number }[] = [];
    h.core.calendarSync.engine.onBlocksChanged((r) => {
      ranges.push({ start: r.start, end: r.end });
    });
    fake.put('primary', ev('a', 1));
    await h.core.calendarSync.engine.syncCalendar(id);
    fake.put('primary', ev('a', 10));
    ranges.length = 0;
    await h.core.calendarSync.engine.syncCalendar(id);
    expect(ranges).toEqual([{ start: T0 + HOUR, end: T0 + 11 * HOUR }]); // old and new place of the moved event
  });
});
