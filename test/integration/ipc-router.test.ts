import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlockedTime, Booking, LogEntry, Overview, Page, Settings } from '../../shared/domain';
import { CHANNELS, contract } from '../../shared/ipc/contract';
import { call, makeCore, type TestCore } from '../support/core';

const HOUR = 3_600_000;

describe('IPC router over a real core', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await makeCore();
  });
  afterEach(async () => {
    await t.close();
  });

  const booking = (over: Record<string, unknown> = {}) => ({
    title: 'Intro call',
    attendeeName: 'Ada Lovelace',
    attendeeEmail: 'ada@example.com',
    startUtc: t.clock.now() + 24 * HOUR,
    endUtc: t.clock.now() + 25 * HOUR,
    timeZone: 'Europe/Berlin',
    ...over,
  });

  it('creates, lists, reschedules, completes and cancels bookings', async () => {
    const b = await call<Booking>(t.core, 'bookings:create', booking());
    expect(b).toMatchObject({ title: 'Intro call', status: 'scheduled', timeZone: 'Europe/Berlin' });
    const moved = await call<Booking>(t.core, 'bookings:reschedule', {
      id: b.id,
      startUtc: b.startUtc + HOUR,
      endUtc: b.endUtc + HOUR,
    });
    expect(moved.startUtc).toBe(b.startUtc + HOUR);
    expect((await call<Booking>(t.core, 'bookings:complete', { id: b.id })).status).toBe('completed');
    const again = await t.core.router.invoke('bookings:cancel', { id: b.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const c = await call<Booking>(t.core, 'bookings:create', booking({ title: 'Second' }));
    expect((await call<Booking>(t.core, 'bookings:cancel', { id: c.id, reason: 'ill' })).status).toBe('cancelled');
    const list = await call<Page<Booking>>(t.core, 'bookings:list', {});
    // Ordered by start: the first booking was moved an hour later than the second.
    expect(list.items.map((x) => x.title)).toEqual(['Second', 'Intro call']);
    const onlyCancelled = await call<Page<Booking>>(t.core, 'bookings:list', { status: 'cancelled' });
    expect(onlyCancelled.items.map((x) => x.id)).toEqual([c.id]);
  });

  it('rejects a bad bookings:create body with VALIDATION and writes nothing', async () => {
    for (const bad of [
      booking({ attendeeEmail: 'not-an-email' }),
      booking({ endUtc: t.clock.now() }),
      booking({ timeZone: 'Mars/Olympus' }),
      { ...booking(), extra: 1 },
      null,
      'text',
    ]) {
      const r = await t.core.router.invoke('bookings:create', bad);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('VALIDATION');
        expect(r.error.message).toMatch(/check the input/i);
      }
    }
    expect((await call<Page<Booking>>(t.core, 'bookings:list')).items).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown id and an unknown channel, NOT_IMPLEMENTED for unbuilt channels', async () => {
    expect(await t.core.router.invoke('bookings:complete', { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await t.core.router.invoke('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const unbuilt = CHANNELS.filter((c) => !contract[c].implemented);
    expect(unbuilt.length).toBeGreaterThan(0);
    for (const c of unbuilt) {
      expect(await t.core.router.invoke(c, {})).toMatchObject({ ok: false, error: { code: 'NOT_IMPLEMENTED' } });
    }
  });

  it('pages bookings by key, not offset', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      created.push((await call<Booking>(t.core, 'bookings:create', booking({ title: `B${i}`, startUtc: t.clock.now() + i * HOUR, endUtc: t.clock.now() + i * HOUR + 1 }))).id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<Booking> = await call(t.core, 'bookings:list', { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((b) => b.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(created);
    expect(await t.core.router.invoke('bookings:list', { cursor: 'garbage' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('creates, lists and deletes manual blocked times', async () => {
    const b = await call<BlockedTime>(t.core, 'blocks:create', {
      title: 'Dentist',
      startUtc: t.clock.now(),
      endUtc: t.clock.now() + HOUR,
      timeZone: 'UTC',
    });
    expect(b).toMatchObject({ source: 'manual', busy: true, allDay: false, title: 'Dentist' });
    expect((await call<Page<BlockedTime>>(t.core, 'blocks:list')).items).toHaveLength(1);
    expect(await call(t.core, 'blocks:delete', { id: b.id })).toEqual({ id: b.id });
    expect((await call<Page<BlockedTime>>(t.core, 'blocks:list')).items).toHaveLength(0);
    expect(await t.core.router.invoke('blocks:delete', { id: b.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('reads and updates settings, validating the time zone', async () => {
    const s = await call<Settings>(t.core, 'settings:get');
    expect(s).toMatchObject({ organizerName: 'Me', theme: 'system', conflictPreference: 'warn', schedulerPaused: false });
    const u = await call<Settings>(t.core, 'settings:update', {
      organizerName: 'Grace',
      timeZone: 'America/New_York',
      theme: 'dark',
      schedulerPaused: true,
    });
    expect(u).toMatchObject({ organizerName: 'Grace', timeZone: 'America/New_York', theme: 'dark', schedulerPaused: true });
    expect(await t.core.services.settings.isSchedulerPaused()).toBe(true);
    expect(await t.core.router.invoke('settings:update', { timeZone: 'Nowhere/Land' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect((await call<Settings>(t.core, 'settings:get')).timeZone).toBe('America/New_York');
  });

  it('lists logs newest first with keyset cursor, filters and search, and pushes log:appended', async () => {
    const pushed: LogEntry[] = [];
    t.core.pushes.subscribe((name, payload) => {
      if (name === 'log:appended') pushed.push(payload as LogEntry);
    });
    for (let i = 0; i < 5; i++) {
      await t.core.services.logs.append({
        logType: i % 2 ? 'error' : 'calendar_sync',
        message: `Entry ${i}${i === 3 ? ' Needle' : ''}`,
        success: i % 2 === 0,
        integrationType: 'calendar',
        details: { i },
      });
      if (i < 4) t.clock.advance(i === 1 ? 0 : 1000); // two rows share a timestamp
    }
    expect(pushed.map((p) => p.message)).toHaveLength(5);
    const all: LogEntry[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<LogEntry> = await call(t.core, 'logs:list', { limit: 2, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all.map((l) => l.message)).toEqual(['Entry 4', 'Entry 3 Needle', 'Entry 2', 'Entry 1', 'Entry 0']);
    const errors = await call<Page<LogEntry>>(t.core, 'logs:list', { logType: 'error' });
    expect(errors.items.map((l) => l.message)).toEqual(['Entry 3 Needle', 'Entry 1']);
    const ok = await call<Page<LogEntry>>(t.core, 'logs:list', { success: true, integrationType: 'calendar' });
    expect(ok.items).toHaveLength(3);
    const search = await call<Page<LogEntry>>(t.core, 'logs:list', { q: 'needle' });
    expect(search.items.map((l) => l.details)).toEqual([{ i: 3 }]);
  });

  it('counts everything on the overview', async () => {
    const a = await call<Booking>(t.core, 'bookings:create', booking());
    await call<Booking>(t.core, 'bookings:create', booking({ startUtc: t.clock.now() - 5 * HOUR, endUtc: t.clock.now() - 4 * HOUR }));
    await call(t.core, 'bookings:cancel', { id: a.id });
    await call(t.core, 'blocks:create', { startUtc: 0, endUtc: HOUR, timeZone: 'UTC' });
    await t.core.services.logs.append({ logType: 'error', message: 'x', success: false });
    const o = await call<Overview>(t.core, 'overview:get');
    expect(o).toEqual({
      bookings: { scheduled: 1, cancelled: 1, completed: 0, upcoming: 0 },
      blockedTimes: { manual: 1, synced: 0 },
      integrations: { calendar: 0, video: 0, webhooks: 0 },
      logs: { total: 1, errorsLast24h: 1 },
    });
  });
});
