// Free slots: pure, no I/O. Times are UTC epoch ms; alignment and working hours are in the organizer's IANA zone.
// Wall-clock arithmetic goes through luxon's zone data (DST gaps skipped, repeated hours give both instants).
import { DateTime, IANAZone } from 'luxon';

export interface Interval {
  start: number;
  end: number;
}

export interface WorkingHours {
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  weekdays: readonly number[];
  /** Local minutes since midnight: slots start at or after this… */
  startMinute: number;
  /** …and end at or before this (1440 = midnight at the end of the day). */
  endMinute: number;
}

export interface FreeSlotsInput {
  rangeStart: number;
  rangeEnd: number;
  durationMs: number;
  /** Slot starts are local wall times at multiples of this since local midnight. Default 30 minutes. */
  stepMs?: number;
  busy: readonly Interval[];
  zone: string;
  workingHours?: WorkingHours;
}

export const DEFAULT_STEP_MS = 30 * 60_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Sorts and merges overlapping or touching intervals (O(n log n)); drops empty ones. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/**
 * Every instant whose local wall time in `zone` is the given date and minute of day: none in a
 * spring-forward gap, two in a fall-back repeat. Offsets come from luxon's zone data, not our own rules.
 */
export function instantsAtWallTime(zone: IANAZone, year: number, month: number, day: number, minuteOfDay: number): number[] {
  const naive = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE;
  // The real instant lies within ±14 h of the naive one; only offsets in force around it can match.
  const offsets = new Set([zone.offset(naive - 14 * HOUR), zone.offset(naive), zone.offset(naive + 14 * HOUR)]);
  const out: number[] = [];
  for (const off of offsets) {
    const t = naive - off * MINUTE;
    if (zone.offset(t) === off) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/** The free slots of `durationMs` inside [rangeStart, rangeEnd) that overlap no busy interval. */
export function freeSlots(input: FreeSlotsInput): Interval[] {
  const { rangeStart, rangeEnd, durationMs, zone: zoneName, workingHours } = input;
  const stepMs = input.stepMs ?? DEFAULT_STEP_MS;
  if (!(durationMs > 0) || !(stepMs >= MINUTE) || rangeEnd - rangeStart < durationMs) return [];
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid) throw new RangeError(`Unknown time zone: ${zoneName}`);
  const stepMinutes = Math.round(stepMs / MINUTE);
  const busy = mergeIntervals(input.busy);

  // Candidate starts: each local day touching the range (one day of margin each side), each step of the day.
  const candidates: { t: number; y: number; m: number; d: number; weekday: number; minute: number }[] = [];
  let day = DateTime.fromMillis(rangeStart, { zone }).startOf('day').minus({ days: 1 });
  const lastDay = DateTime.fromMillis(rangeEnd, { zone }).startOf('day').plus({ days: 1 });
  while (day <= lastDay) {
    const { year, month, day: d, weekday } = day;
    if (!workingHours || workingHours.weekdays.includes(weekday)) {
      const from = workingHours ? Math.ceil(workingHours.startMinute / stepMinutes) * stepMinutes : 0;
      // Most days have one offset from (naive) midnight-14h to midnight+38h: then each wall time is one instant.
      const naiveDay = Date.UTC(year, month - 1, d);
      const off = zone.offset(naiveDay - 14 * HOUR);
      const steady = off === zone.offset(naiveDay + 38 * HOUR) && off === zone.offset(naiveDay + 12 * HOUR);
      for (let minute = from; minute < 1440; minute += stepMinutes) {
        const instants = steady ? [naiveDay + minute * MINUTE - off * MINUTE] : instantsAtWallTime(zone, year, month, d, minute);
        for (const t of instants) {
          if (t >= rangeStart && t + durationMs <= rangeEnd) candidates.push({ t, y: year, m: month, d, weekday, minute });
        }
      }
    }
    day = day.plus({ days: 1 });
  }
  candidates.sort((a, b) => a.t - b.t);

  const slots: Interval[] = [];
  let i = 0;
  for (const c of candidates) {
    const end = c.t + durationMs;
    if (workingHours && end > dayLimit(zone, c.y, c.m, c.d, workingHours.endMinute)) continue;
    while (i < busy.length && busy[i]!.end <= c.t) i++;
    const b = busy[i];
    if (b && b.start < end) continue;
    slots.push({ start: c.t, end });
  }
  return slots;
}

/** The instant the working day ends (a wall time inside a DST gap resolves to the instant after the gap). */
function dayLimit(zone: IANAZone, y: number, m: number, d: number, endMinute: number): number {
  return DateTime.fromObject({ year: y, month: m, day: d }, { zone })
    .plus({ days: Math.floor(endMinute / 1440) })
    .set({ hour: Math.floor((endMinute % 1440) / 60), minute: endMinute % 60 })
    .toMillis();
}
