// Wall-clock ↔ UTC conversions in an IANA zone, through luxon (no hand-rolled offsets).
import { DateTime } from 'luxon';

export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

let zonesCache: string[] | null = null;
/** Every IANA zone the runtime knows, sorted, always including `extra` (e.g. the current value). */
export function timeZones(...extra: (string | null | undefined)[]): string[] {
  if (!zonesCache) {
    let list: string[];
    try {
      list = Intl.supportedValuesOf('timeZone');
    } catch {
      list = []; // very old runtimes: the select still offers UTC and the current value
    }
    zonesCache = [...new Set(['UTC', ...list])].sort();
  }
  const add = extra.filter((z): z is string => !!z && !zonesCache!.includes(z));
  return add.length ? [...zonesCache, ...add].sort() : zonesCache;
}

/** `date` = yyyy-MM-dd, `time` = HH:mm, read in `zone`. Null when it is not a real date/time. */
export function wallToUtc(date: string, time: string, zone: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  return dt.isValid ? dt.toMillis() : null;
}

/** Start of the day `date` (yyyy-MM-dd) in `zone`, plus `addDays`. */
export function dayStartUtc(date: string, zone: string, addDays = 0): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const dt = DateTime.fromISO(date, { zone }).startOf('day').plus({ days: addDays });
  return dt.isValid ? dt.toMillis() : null;
}

export function utcToWall(ms: number, zone: string): { date: string; time: string } {
  const dt = DateTime.fromMillis(ms, { zone });
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm') };
}

export function todayIn(zone: string, addDays = 0): string {
  return DateTime.now().setZone(zone).plus({ days: addDays }).toFormat('yyyy-MM-dd');
}

/** "Tue 2 Dec 2025, 09:00–09:30 CET" in the given zone. */
export function formatRange(startMs: number, endMs: number, zone: string): string {
  const s = DateTime.fromMillis(startMs, { zone });
  const e = DateTime.fromMillis(endMs, { zone });
  const sameDay = s.hasSame(e, 'day');
  const day = s.toFormat('ccc d LLL yyyy');
  if (sameDay) return `${day}, ${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')} ${s.toFormat('ZZZZ')}`;
  return `${day} ${s.toFormat('HH:mm')} – ${e.toFormat('ccc d LLL yyyy HH:mm')} ${e.toFormat('ZZZZ')}`;
}

/** Two lines for tables: the day, then the times with the zone's short name. */
export function whenParts(startMs: number, endMs: number, zone: string): { day: string; time: string } {
  const s = DateTime.fromMillis(startMs, { zone });
  const e = DateTime.fromMillis(endMs, { zone });
  if (s.hasSame(e, 'day')) return { day: s.toFormat('ccc d LLL yyyy'), time: `${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')} ${s.toFormat('ZZZZ')}` };
  return { day: `${s.toFormat('ccc d LLL yyyy HH:mm')} –`, time: `${e.toFormat('ccc d LLL yyyy HH:mm')} ${e.toFormat('ZZZZ')}` };
}

/** Two lines for all-day ranges (exclusive end at midnight). */
export function dayParts(startMs: number, endMs: number, zone: string): { day: string; time: string } {
  const s = DateTime.fromMillis(startMs, { zone });
  const last = DateTime.fromMillis(endMs, { zone }).minus({ milliseconds: 1 });
  if (s.hasSame(last, 'day')) return { day: s.toFormat('ccc d LLL yyyy'), time: 'All day' };
  return { day: `${s.toFormat('ccc d LLL yyyy')} –`, time: `${last.toFormat('ccc d LLL yyyy')}, all day` };
}

/** All-day ranges have an exclusive end at midnight; show the inclusive last day. */
export function formatDayRange(startMs: number, endMs: number, zone: string): string {
  const s = DateTime.fromMillis(startMs, { zone });
  const last = DateTime.fromMillis(endMs, { zone }).minus({ milliseconds: 1 });
  if (s.hasSame(last, 'day')) return `${s.toFormat('ccc d LLL yyyy')} (all day)`;
  return `${s.toFormat('ccc d LLL yyyy')} – ${last.toFormat('ccc d LLL yyyy')} (all day)`;
}

export function formatDateTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('d LLL yyyy, HH:mm:ss');
}

export function durationMinutes(startMs: number, endMs: number): number {
  return Math.round((endMs - startMs) / 60_000);
}

/** "in 52 minutes", "3 hours ago", relative to `now`. */
export function relativeTime(ms: number, now: number = Date.now()): string {
  if (Math.abs(ms - now) < 45_000) return ms >= now ? 'in less than a minute' : 'just now';
  return DateTime.fromMillis(ms).toRelative({ base: DateTime.fromMillis(now), locale: 'en' }) ?? formatDateTime(ms, 'UTC');
}

/** "14:32" in the zone. */
export function formatClock(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
}
