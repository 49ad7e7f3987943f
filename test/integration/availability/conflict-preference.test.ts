// The organizer's conflict preference (warn / block / allow) for bookings over busy time, through the router.
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core';
import { ManualClock } from '../../../main/lib/clock';
import type { AvailabilityExplanation, Booking, BusyItem, Settings } from '../../../shared/domain';
import { call, makeCore, type TestCore } from '../../support/core';
import { tempDir } from '../../support/temp';

const ZONE = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const booking = (start: string, end: string, extra: Record<string, unknown> = {}) => ({
  title: 'Intro call',
  attendeeName: 'Ada',
  attendeeEmail: 'ada@example.com',
  startUtc: at(start),
  endUtc: at(end),
  timeZone: ZONE,
  ...extra,
});
const count = async (t: TestCore) =>
  Number((await t.core.db.selectFrom('bookings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('conflict preference through the router', () => {
  let t: TestCore;

  beforeEach(async () => {
    t = await makeCore();
    await call(t.core, 'settings:update', { timeZone: ZONE });
    await call(t.core, 'blocks:create', { title: 'Dentist', startUtc: at('2026-01-12T10:00'), endUtc: at('2026-01-12T11:00'), timeZone: ZONE });
  });
  afterEach(async () => {
    await t.close();
  });

  it("defaults to 'warn': CONFLICT naming the items, overrideBusy books it", async () => {
    expect((await call<Settings>(t.core, 'settings:get')).conflictPreference).toBe('warn');
    const r = await t.core.router.invoke('bookings:create', booking('2026-01-12T10:15', '2026-01-12T10:45'));
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'That time is busy: blocked time “Dentist” (12 Jan 10:00–11:00).' } });
    expect(await count(t)).toBe(0);
    const b = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T10:15', '2026-01-12T10:45', { overrideBusy: true }));
    expect(b.status).toBe('scheduled');
  });

  it("'block' refuses busy time even with overrideBusy, on create and reschedule, and says where to change it", async () => {
    const u = await call<Settings>(t.core, 'settings:update', { conflictPreference: 'block' });
    expect(u.conflictPreference).toBe('block');
    const r = await t.core.router.invoke('bookings:create', booking('2026-01-12T10:15', '2026-01-12T10:45', { overrideBusy: true }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('CONFLICT');
    expect(r.error.message).toContain('blocked time “Dentist”');
    expect(r.error.message).toContain('forbids double-booking');
    expect(r.error.message).toContain('Settings');
    expect(r.error.details).toMatchObject({ conflictPreference: 'block' });
    expect((r.error.details as { blocking: BusyItem[] }).blocking.map((i) => i.title)).toEqual(['Dentist']);
    expect(await count(t)).toBe(0);

    // Free time still books; moving it onto busy time is refused too.
    const b = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T12:00', '2026-01-12T12:30'));
    const moved = await t.core.router.invoke('bookings:reschedule', { id: b.id, startUtc: at('2026-01-12T10:30'), endUtc: at('2026-01-12T11:00'), overrideBusy: true });
    expect(moved).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const row = await t.core.db.selectFrom('bookings').select('start_utc').where('id', '=', b.id).executeTakeFirstOrThrow();
    expect(row.start_utc).toBe(at('2026-01-12T12:00'));
  });

  it("'allow' books over busy time without overrideBusy; availability still reports it busy", async () => {
    await call(t.core, 'settings:update', { conflictPreference: 'allow' });
    const b = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T10:15', '2026-01-12T10:45'));
    expect(b.status).toBe('scheduled');
    const other = await call<Booking>(t.core, 'bookings:create', booking('2026-01-12T14:00', '2026-01-12T15:00'));
    const moved = await call<Booking>(t.core, 'bookings:reschedule', { id: other.id, startUtc: at('2026-01-12T10:00'), endUtc: at('2026-01-12T10:30') });
    expect(moved.startUtc).toBe(at('2026-01-12T10:00'));
    const ex = await call<AvailabilityExplanation>(t.core, 'availability:explain', { startUtc: at('2026-01-12T10:00'), endUtc: at('2026-01-12T10:30') });
    expect(ex.busy).toBe(true);
  });

  it('rejects an unknown preference with VALIDATION and keeps the old one', async () => {
    await call(t.core, 'settings:update', { conflictPreference: 'block' });
    expect(await t.core.router.invoke('settings:update', { conflictPreference: 'sometimes' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await call<Settings>(t.core, 'settings:get')).conflictPreference).toBe('block');
  });
});

describe('conflict preference persistence', () => {
  it('survives a core restart on the same data dir', async () => {
    const dir = tempDir();
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
    try {
      const first = await createCore({ dataDir: dir.dir, clock, startScheduler: false });
      await call(first, 'settings:update', { conflictPreference: 'allow' });
      await first.dispose();
      const second = await createCore({ dataDir: dir.dir, clock, startScheduler: false });
      try {
        expect((await call<Settings>(second, 'settings:get')).conflictPreference).toBe('allow');
      } finally {
        await second.dispose();
      }
    } finally {
      dir.cleanup();
    }
  });
});
