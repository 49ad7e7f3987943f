import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CREATE_EVENT_JOB, SYNC_ALL_INTERVAL_MS, SYNC_JOB } from '../../../main/sync';
import type { Booking, CalendarIntegrationDetail, CalendarSourceView } from '../../../shared/domain';
import { call } from '../../support/core';
import { DAY, HOUR, makeSyncHarness, type SyncHarness } from './support';

describe('calendar jobs, booking writes and channels', () => {
  let h: SyncHarness;
  beforeEach(async () => {
    h = await makeSyncHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const jobs = (type: string) => h.core.db.selectFrom('jobs').selectAll().where('type', '=', type).execute();

  it('booking create → one create job per calendar; the adapter creates once even when the job runs again', async () => {
    const { id, fake } = await h.addIntegration();
    const booking = await call<Booking>(h.core, 'bookings:create', {
      title: 'Intro call',
      attendeeName: 'Ada',
      attendeeEmail: 'ada@example.com',
      startUtc: h.clock.now() + DAY,
      endUtc: h.clock.now() + DAY + HOUR,
      timeZone: 'UTC',
    });
    expect((await jobs(CREATE_EVENT_JOB)).length).toBe(1);
    await h.core.scheduler.runDue();
    expect(fake.calls.create).toBe(1);
    expect(fake.truth('primary').map((e) => e.externalId)).toEqual([`bk-${booking.id}`]);
    const stored = await h.core.db.selectFrom('booking_calendar_events').selectAll().execute();
    expect(stored).toMatchObject([{ booking_id: booking.id, integration_id: id, external_calendar_id: 'primary', state: 'created' }]);
    // The same job again (a retry after a lost acknowledgement, a double enqueue): nothing new.
    await h.core.scheduler.enqueue(CREATE_EVENT_JOB, { bookingId: booking.id, integrationId: id, change: 'created' });
    await h.core.scheduler.runDue();
    expect(fake.calls.create).toBe(1);

    // Reschedule moves it; cancel removes it; removing again (already gone) is logged, not an error.
    await call(h.core, 'bookings:reschedule', { id: booking.id, startUtc: h.clock.now() + 2 * DAY, endUtc: h.clock.now() + 2 * DAY + HOUR });
    await h.core.scheduler.runDue();
    expect(fake.calls.update).toBe(1);
    expect(fake.truth('primary')[0]!.startUtc).toBe(h.clock.now() + 2 * DAY);
    fake.remove('primary', `bk-${booking.id}`); // deleted by hand on the provider's side
    await call(h.core, 'bookings:cancel', { id: booking.id });
    await h.core.scheduler.runDue();
    expect(fake.calls.delete).toBe(1);
    const failed = await h.core.db.selectFrom('jobs').selectAll().where('status', '=', 'failed').execute();
    expect(failed).toEqual([]);
    const log = await h.core.db.selectFrom('integration_logs').selectAll().where('booking_id', '=', booking.id).orderBy('id').execute();
    expect(log.at(-1)!.message).toMatch(/already gone/);
    expect(log.at(-1)!.success).toBe(1);
    expect((await h.core.db.selectFrom('booking_calendar_events').select('state').executeTakeFirstOrThrow()).state).toBe('removed');
  });

  it('a create whose response was lost is retried without a duplicate event', async () => {
    const { fake } = await h.addIntegration();
    fake.loseCreateResponse = true;
    await call<Booking>(h.core, 'bookings:create', {
      title: 'Call',
      attendeeName: 'Bob',
      attendeeEmail: 'bob@example.com',
      startUtc: h.clock.now() + DAY,
      endUtc: h.clock.now() + DAY + HOUR,
      timeZone: 'UTC',
    });
    await h.core.scheduler.runDue();
    expect((await jobs(CREATE_EVENT_JOB))[0]!.status).toBe('queued');
    h.clock.advance(HOUR);
    await h.core.scheduler.runDue();
    expect((await jobs(CREATE_EVENT_JOB))[0]!.status).toBe('done');
    expect(fake.calls.create).toBe(2);
    expect(fake.truth('primary').length).toBe(1);
  });

  it('sync_all enqueues due integrations staggered across the interval; auto frequency', async () => {
    const a = await h.addIntegration();
    const b = await h.addIntegration({ provider: 'outlook' });
    await h.core.scheduler.every('sync_all_calendar_integrations', 'sync_all_calendar_integrations', SYNC_ALL_INTERVAL_MS, null, {});
    h.clock.advance(2 * 60_000); // the schedule's first run is a minute after start
    await h.core.scheduler.runDue();
    expect(a.fake.calls.pull.length + b.fake.calls.pull.length).toBeGreaterThanOrEqual(1);
    const syncs = await jobs(SYNC_JOB);
    expect(syncs.length).toBe(2);
    const runAts = syncs.map((j) => j.run_at).sort();
    expect(runAts[1]! - runAts[0]!).toBe(SYNC_ALL_INTERVAL_MS / 2);
    h.clock.advance(SYNC_ALL_INTERVAL_MS);
    await h.core.scheduler.runDue();
    expect(a.fake.calls.pull.length).toBe(1);
    expect(b.fake.calls.pull.length).toBe(1);
    // Quiet calendars (no changes, no booking soon) are not due again after 5 minutes under 'auto'.
    h.clock.advance(SYNC_ALL_INTERVAL_MS);
    await h.core.scheduler.runDue();
    h.clock.advance(SYNC_ALL_INTERVAL_MS);
    await h.core.scheduler.runDue();
    expect(a.fake.calls.pull.length).toBe(1);
    // A fixed 5-minute frequency is.
    await call(h.core, 'calendar:update', { id: a.id, syncFrequency: 5 });
    h.clock.advance(SYNC_ALL_INTERVAL_MS);
    await h.core.scheduler.runDue();
    h.clock.advance(SYNC_ALL_INTERVAL_MS);
    await h.core.scheduler.runDue();
    expect(a.fake.calls.pull.length).toBeGreaterThanOrEqual(2);
    expect(b.fake.calls.pull.length).toBe(1);
  });

  it('calendar channels: get, listCalendars, update selection/frequency/sync, sync and forceSync', async () => {
    const { id, fake } = await h.addIntegration({ calendars: ['primary', 'team'] });
    fake.put('team', { externalId: 't1', startUtc: h.clock.now() + HOUR, endUtc: h.clock.now() + 2 * HOUR });
    const listed = await call<CalendarSourceView[]>(h.core, 'calendar:listCalendars', { id });
    expect(listed.map((c) => [c.externalCalendarId, c.selected, c.primary])).toEqual([
      ['primary', true, true],
      ['team', false, false],
    ]);
    const s1 = await call<{ jobId: number | null }>(h.core, 'calendar:sync', { id });
    expect(s1.jobId).not.toBeNull();
    expect((await call<{ jobId: number | null }>(h.core, 'calendar:sync', { id })).jobId).toBeNull(); // already queued
    await h.core.scheduler.runDue();
    const team = listed.find((c) => c.externalCalendarId === 'team')!;
    const updated = await call<CalendarIntegrationDetail>(h.core, 'calendar:update', {
      id,
      selectedCalendarIds: listed.map((c) => c.id),
      syncFrequency: 15,
    });
    expect(updated.syncFrequency).toBe(15);
    expect(updated.calendars.find((c) => c.id === team.id)!.selected).toBe(true);
    await h.core.scheduler.runDue(); // the selection change queued a sync
    expect((await h.blocks(id, 'team')).map((b) => b.externalId)).toEqual(['t1']);
    // Deselecting stops it blocking at once.
    await call(h.core, 'calendar:update', { id, selectedCalendarIds: [listed[0]!.id] });
    expect(await h.blocks(id, 'team')).toEqual([]);
    const f = await call<{ jobId: number | null }>(h.core, 'calendar:forceSync', { id });
    expect(f.jobId).not.toBeNull();
    await h.core.scheduler.runDue();
    expect(fake.calls.pull.at(-1)!.cursor).toBeNull();
    const detail = await call<CalendarIntegrationDetail>(h.core, 'calendar:get', { id });
    expect(detail.history.length).toBeGreaterThanOrEqual(3);
    expect(detail.history[0]!.logType).toBe('calendar_sync');
    expect(detail.calendars[0]!.lastSyncAt).toBe(h.clock.now());
    await call(h.core, 'calendar:update', { id, syncEnabled: false });
    expect((await call<CalendarIntegrationDetail>(h.core, 'calendar:get', { id })).syncEnabled).toBe(false);
    const bad = await h.core.router.invoke('calendar:update', { id, syncFrequency: 7 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const missing = await h.core.router.invoke('calendar:get', { id: '00000000-0000-4000-8000-000000000000' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
