// availability:get / availability:explain and the busy warning of bookings:create/reschedule, through the router.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Availability, AvailabilityExplanation, BlockedTime, Booking, BusyItem } from '../../../shared/domain';
import { call, makeCore, type TestCore } from '../../support/core';

const ZONE = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const local = (t: number) => DateTime.fromMillis(t, { zone: ZONE }).toFormat('HH:mm');

describe('availability through the router', () => {
  let t: TestCore;
  let organizerId: string;
  let integrationId: string;

  beforeEach(async () => {
    t = await makeCore();
    organizerId = (await t.core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;
    await call(t.core, 'settings:update', { timeZone: ZONE });
    integrationId = randomUUID();
    const now = t.clock.now();
    await t.core.db
      .insertInto('calendar_integrations')
      .values({
        id: integrationId,
        organizer_id: organizerId,
        provider: 'google',
        access_token: null,
        refresh_token: null,
        token_expires_at: null,
        provider_user_id: 'u1',
        provider_email: 'me@example.com',
        calendar_id: 'primary',
        last_sync_at: null,
        sync_token: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const [ext, name, selected] of [['work', 'Work', 1], ['family', 'Family', 0]] as const) {
      await t.core.db
        .insertInto('calendar_sources')
        .values({ id: randomUUID(), integration_id: integrationId, external_calendar_id: ext, name, selected, created_at: now, updated_at: now })
        .execute();
    }
  });
  afterEach(async () => {
    await t.close();
  });

  async function synced(ext: string, title: string, start: string, end: string, busy = 1) {
    const id = randomUUID();
    await t.core.db
      .insertInto('blocked_times')
      .values({
        id,
        organizer_id: organizerId,
        source: 'synced',
        integration_id: integrationId,
        external_id: randomUUID(),
        external_calendar_id: ext,
        title,
        start_utc: at(start),
        end_utc: at(end),
        time_zone: ZONE,
        all_day: 0,
        busy,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    return id;
  }

  const booking = (start: string, end: string, extra: Record<string, unknown> = {}) => ({
    title: 'Intro call',
    attendeeName: 'Ada',
    attendeeEmail: 'ada@example.com',
    startUtc: at(start),
    endUtc: at(end),
    timeZone: ZONE,
    ...extra,
  });

  it('availability:get leaves out manual blocks, busy synced events and scheduled bookings — not free events, unticked calendars or cancelled bookings', async () => {
    await call(t.core, 'blocks:create', { title: 'Lunch', startUtc: at('2026-01-12T12:00'), endUtc: at('2026-01-12T13:00'), timeZone: ZONE });
    await synced('work', 'Standup', '2026-01-12T09:00', '2026-01-12T09:30');
    await synced('work', 'Focus (free)', '2026-01-12T10:00', '2026-01-12T11:00', 0);
    await synced('family', 'School run', '2026-01-12T15:00', '2026-01-12T16:00');
    await call(t.core, 'bookings:create', booking('2026-01-12T14:00', '2026-01-12T15:00'));
    const cancelled = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T16:00', '2026-01-12T17:00'));
    await call(t.core, 'bookings:cancel', { id: cancelled.id });

    const r = await call<Availability>(t.core, 'availability:get', {
      rangeStart: at('2026-01-12T08:00'),
      rangeEnd: at('2026-01-12T18:00'),
      durationMinutes: 60,
      stepMinutes: 60,
    });
    expect(r.zone).toBe(ZONE);
    expect(r.slots.map((s) => local(s.startUtc))).toEqual(['08:00', '10:00', '11:00', '13:00', '15:00', '16:00', '17:00']);
    expect(r.slots.every((s) => s.endUtc - s.startUtc === 3_600_000)).toBe(true);
  });

  it('availability:get validates the range and the duration', async () => {
    const bad = async (input: unknown) => {
      const r = await t.core.router.invoke('availability:get', input);
      expect(r.ok ? 'ok' : r.error.code).toBe('VALIDATION');
    };
    const s = at('2026-01-12T00:00');
    await bad({ rangeStart: s, rangeEnd: s + 63 * 86_400_000, durationMinutes: 30 });
    await bad({ rangeStart: s, rangeEnd: s, durationMinutes: 30 });
    await bad({ rangeStart: s, rangeEnd: s + 86_400_000, durationMinutes: 4 });
    await bad({ rangeStart: s, rangeEnd: s + 86_400_000, durationMinutes: 481 });
    const ok = await call<Availability>(t.core, 'availability:get', { rangeStart: s, rangeEnd: s + 62 * 86_400_000, durationMinutes: 480 });
    expect(ok.slots.length).toBeGreaterThan(0);
  });

  it('availability:explain names the blocking items with calendar and title', async () => {
    const block = await call<BlockedTime>(t.core, 'blocks:create', { title: 'Lunch', startUtc: at('2026-01-12T12:00'), endUtc: at('2026-01-12T13:00'), timeZone: ZONE });
    await synced('work', 'Design review', '2026-01-12T12:30', '2026-01-12T13:30');
    await synced('family', 'Hidden', '2026-01-12T12:30', '2026-01-12T13:30');
    const r = await call<AvailabilityExplanation>(t.core, 'availability:explain', { startUtc: at('2026-01-12T12:45'), endUtc: at('2026-01-12T13:15') });
    expect(r.busy).toBe(true);
    expect(r.items.map((i) => [i.kind, i.title])).toEqual([
      ['manual', 'Lunch'],
      ['synced', 'Design review'],
    ]);
    expect(r.items[0]!.id).toBe(block.id);
    expect(r.items[1]).toMatchObject({ provider: 'google', calendarName: 'Work', accountEmail: 'me@example.com', integrationId });
    const free = await call<AvailabilityExplanation>(t.core, 'availability:explain', { startUtc: at('2026-01-12T13:30'), endUtc: at('2026-01-12T14:00') });
    expect(free).toEqual({ busy: false, items: [] });
  });

  it('bookings:create over a busy time answers CONFLICT naming the items and writes nothing; overrideBusy books it', async () => {
    await call(t.core, 'blocks:create', { title: 'Dentist', startUtc: at('2026-01-12T10:00'), endUtc: at('2026-01-12T11:00'), timeZone: ZONE });
    await synced('work', 'Team sync', '2026-01-12T10:30', '2026-01-12T11:30');
    const before = await t.core.db.selectFrom('bookings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

    const r = await t.core.router.invoke('bookings:create', booking('2026-01-12T10:15', '2026-01-12T10:45'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.message).toBe('That time is busy: blocked time “Dentist” (12 Jan 10:00–11:00); event “Team sync” in Google calendar Work (12 Jan 10:30–11:30).');
    const blocking = (r.error.details as { blocking: BusyItem[] }).blocking;
    expect(blocking.map((b) => b.title)).toEqual(['Dentist', 'Team sync']);
    const after = await t.core.db.selectFrom('bookings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const booked = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T10:15', '2026-01-12T10:45', { overrideBusy: true }));
    expect(booked.status).toBe('scheduled');
    // Touching a block is not overlapping it.
    await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T11:30', '2026-01-12T12:00'));
  });

  it('bookings:reschedule warns over a busy time, ignores the booking itself, and proceeds with overrideBusy', async () => {
    const b = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T09:00', '2026-01-12T10:00'));
    const other = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T14:00', '2026-01-12T15:00', { title: 'Coaching' }));
    // Moving within its own old time is not a conflict with itself.
    await call(t.core, 'bookings:reschedule', { id: b.id, startUtc: at('2026-01-12T09:30'), endUtc: at('2026-01-12T10:30') });

    const r = await t.core.router.invoke('bookings:reschedule', { id: b.id, startUtc: at('2026-01-12T14:30'), endUtc: at('2026-01-12T15:30') });
    expect(r.ok ? null : r.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('booking “Coaching”') });
    expect((r.ok ? null : (r.error.details as { blocking: BusyItem[] }))?.blocking).toMatchObject([{ kind: 'booking', id: other.id }]);
    const unchanged = await t.core.db.selectFrom('bookings').selectAll().where('id', '=', b.id).executeTakeFirstOrThrow();
    expect(unchanged.start_utc).toBe(at('2026-01-12T09:30'));

    const moved = await call<Booking>(t.core, 'bookings:reschedule', { id: b.id, startUtc: at('2026-01-12T14:30'), endUtc: at('2026-01-12T15:30'), overrideBusy: true });
    expect(moved.startUtc).toBe(at('2026-01-12T14:30'));
  });
});
