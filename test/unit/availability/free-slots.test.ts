// freeSlots against a brute force that shares none of its tricks: every minute of the range, the local wall
// time read back with luxon, and every busy block checked one by one (no merge, no pointer).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { freeSlots, instantsAtWallTime, mergeIntervals, type Interval, type WorkingHours } from '../../../main/services/availability/free-slots';
import { IANAZone } from 'luxon';

const MIN = 60_000;

function bruteForce(a: {
  rangeStart: number;
  rangeEnd: number;
  durationMs: number;
  stepMs: number;
  busy: Interval[];
  zone: string;
  workingHours?: WorkingHours;
}): Interval[] {
  const out: Interval[] = [];
  const stepMin = a.stepMs / MIN;
  for (let t = Math.ceil(a.rangeStart / MIN) * MIN; t + a.durationMs <= a.rangeEnd; t += MIN) {
    const local = DateTime.fromMillis(t, { zone: a.zone });
    const minuteOfDay = local.hour * 60 + local.minute;
    if (local.second !== 0 || minuteOfDay % stepMin !== 0) continue;
    const end = t + a.durationMs;
    if (a.busy.some((b) => b.end > b.start && b.start < end && b.end > t)) continue;
    if (a.workingHours) {
      const wh = a.workingHours;
      if (!wh.weekdays.includes(local.weekday) || minuteOfDay < wh.startMinute) continue;
      const endLocal = DateTime.fromMillis(end, { zone: a.zone });
      const dayDiff = Math.round(endLocal.startOf('day').diff(local.startOf('day'), 'days').days);
      if (dayDiff * 1440 + endLocal.hour * 60 + endLocal.minute > wh.endMinute) continue;
    }
    out.push({ start: t, end });
  }
  return out;
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC', 'America/St_Johns'];
// Ranges around DST changes too (Berlin: 29 Mar and 25 Oct 2026; New York: 8 Mar and 1 Nov; Lord Howe: 30-minute shifts).
const ANCHORS = [
  Date.UTC(2026, 2, 28),
  Date.UTC(2026, 9, 24),
  Date.UTC(2026, 2, 7),
  Date.UTC(2026, 9, 31),
  Date.UTC(2026, 3, 4, 12),
  Date.UTC(2026, 5, 15),
];

describe('freeSlots', () => {
  it('equals the brute-force computation on random blocks, zones, steps and DST ranges', () => {
    const block = fc.record({ s: fc.integer({ min: -600, max: 4 * 1440 }), len: fc.integer({ min: 0, max: 600 }) });
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.constantFrom(...ANCHORS),
        fc.integer({ min: 0, max: 1440 }),
        fc.integer({ min: 60, max: 3 * 1440 }),
        fc.constantFrom(5, 10, 15, 20, 30, 45, 60, 90),
        fc.constantFrom(5, 15, 30, 45, 60, 120, 480),
        fc.array(block, { maxLength: 25 }),
        fc.option(
          fc.record({
            weekdays: fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }),
            startMinute: fc.integer({ min: 0, max: 720 }),
            endMinute: fc.integer({ min: 720, max: 1440 }),
          }),
          { nil: undefined },
        ),
        (zone, anchor, offsetMin, lenMin, stepMin, durMin, blocks, workingHours) => {
          const rangeStart = anchor + offsetMin * MIN;
          const rangeEnd = rangeStart + lenMin * MIN;
          const busy = blocks.map((b) => ({ start: anchor + b.s * MIN, end: anchor + (b.s + b.len) * MIN }));
          const args = { rangeStart, rangeEnd, durationMs: durMin * MIN, stepMs: stepMin * MIN, busy, zone };
          const withWh = workingHours ? { ...args, workingHours } : args;
          expect(freeSlots(withWh)).toEqual(bruteForce(withWh));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on the spring-forward day in Europe/Berlin there is no 02:xx slot and 23 hours of hourly slots', () => {
    const zone = 'Europe/Berlin';
    const day = DateTime.fromISO('2026-03-29T00:00', { zone });
    const slots = freeSlots({
      rangeStart: day.toMillis(),
      rangeEnd: day.plus({ days: 1 }).toMillis(),
      durationMs: 60 * MIN,
      stepMs: 60 * MIN,
      busy: [],
      zone,
    });
    const labels = slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat('HH:mm'));
    expect(labels).toHaveLength(23);
    expect(labels).not.toContain('02:00');
    expect(labels.slice(0, 4)).toEqual(['00:00', '01:00', '03:00', '04:00']);
    // 01:00 CET → 03:00 CEST is one real hour.
    expect(slots[2]!.start - slots[1]!.start).toBe(60 * MIN);
  });

  it('on the fall-back day in Europe/Berlin 02:00 happens twice and both are offered', () => {
    const zone = 'Europe/Berlin';
    const day = DateTime.fromISO('2026-10-25T00:00', { zone });
    const slots = freeSlots({
      rangeStart: day.toMillis(),
      rangeEnd: day.plus({ days: 1 }).toMillis(),
      durationMs: 30 * MIN,
      stepMs: 60 * MIN,
      busy: [],
      zone,
    });
    const labels = slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat('HH:mm ZZZZ'));
    expect(labels).toHaveLength(25);
    expect(labels.filter((l) => l.startsWith('02:00'))).toEqual(['02:00 GMT+2', '02:00 GMT+1']);
  });

  it('aligns to local wall time, not UTC (Asia/Kolkata is UTC+5:30)', () => {
    const zone = 'Asia/Kolkata';
    const start = DateTime.fromISO('2026-06-01T09:10', { zone }).toMillis();
    const slots = freeSlots({ rangeStart: start, rangeEnd: start + 2 * 3600_000, durationMs: 30 * MIN, stepMs: 30 * MIN, busy: [], zone });
    expect(slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat('HH:mm'))).toEqual(['09:30', '10:00', '10:30']);
  });

  it('a busy block removes exactly the slots it overlaps (half-open: touching is free)', () => {
    const zone = 'UTC';
    const t0 = Date.UTC(2026, 0, 5, 9);
    const slots = freeSlots({
      rangeStart: t0,
      rangeEnd: t0 + 4 * 3600_000,
      durationMs: 60 * MIN,
      stepMs: 60 * MIN,
      busy: [{ start: t0 + 3600_000, end: t0 + 2 * 3600_000 }],
      zone,
    });
    expect(slots.map((s) => (s.start - t0) / 3600_000)).toEqual([0, 2, 3]);
  });

  it('rejects an unknown zone', () => {
    expect(() => freeSlots({ rangeStart: 0, rangeEnd: 3600_000, durationMs: MIN, busy: [], zone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});

describe('mergeIntervals', () => {
  it('merges overlapping and touching intervals and drops empty ones', () => {
    expect(
      mergeIntervals([
        { start: 10, end: 20 },
        { start: 0, end: 5 },
        { start: 5, end: 7 },
        { start: 15, end: 30 },
        { start: 40, end: 40 },
        { start: 31, end: 32 },
      ]),
    ).toEqual([
      { start: 0, end: 7 },
      { start: 10, end: 30 },
      { start: 31, end: 32 },
    ]);
  });

  it('covers exactly the same points as its input, with sorted disjoint non-touching parts', () => {
    const iv = fc.record({ start: fc.integer({ min: 0, max: 200 }), len: fc.integer({ min: 0, max: 30 }) }).map((r) => ({ start: r.start, end: r.start + r.len }));
    fc.assert(
      fc.property(fc.array(iv, { maxLength: 40 }), (ivs) => {
        const merged = mergeIntervals(ivs);
        for (let i = 1; i < merged.length; i++) expect(merged[i]!.start).toBeGreaterThan(merged[i - 1]!.end);
        for (let p = 0; p < 240; p++) {
          const inInput = ivs.some((x) => x.start <= p && p < x.end);
          const inMerged = merged.some((x) => x.start <= p && p < x.end);
          expect(inMerged).toBe(inInput);
        }
      }),
    );
  });

  it('does not modify its input', () => {
    const input = [{ start: 0, end: 10 }, { start: 5, end: 20 }];
    mergeIntervals(input);
    expect(input).toEqual([{ start: 0, end: 10 }, { start: 5, end: 20 }]);
  });
});

describe('instantsAtWallTime', () => {
  it('gives none in a gap, two in a repeat and one otherwise', () => {
    const z = IANAZone.create('Europe/Berlin');
    expect(instantsAtWallTime(z, 2026, 3, 29, 150)).toEqual([]);
    expect(instantsAtWallTime(z, 2026, 10, 25, 150)).toHaveLength(2);
    expect(instantsAtWallTime(z, 2026, 6, 1, 600)).toEqual([DateTime.fromISO('2026-06-01T10:00', { zone: 'Europe/Berlin' }).toMillis()]);
  });
});
