// The emulator's own recurrence expansion (RFC 5545 subset Google Calendar uses for events it creates: FREQ
// DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT, UNTIL, BYDAY for weekly, EXDATE). Wall-clock arithmetic in the
// event's zone with luxon, so an instance keeps its local time across DST. This is the tests' "truth": it is
// independent of Junction's adapters, which only read the instances Google-style expansion produces.
import { DateTime } from 'luxon';

export interface Rule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  interval: number;
  count: number | null;
  /** Epoch ms, inclusive. */
  until: number | null;
  byDay: number[] | null;
}

const DAYS: Record<string, number> = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 };

export class RecurrenceError extends Error {}

function parseIcalDateTime(v: string, zone: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(v.trim());
  if (!m) throw new RecurrenceError(`Invalid date-time ${v}`);
  const [, y, mo, d, h, mi, s, z] = m;
  const parts = { year: +y!, month: +mo!, day: +d!, hour: h ? +h : 0, minute: mi ? +mi : 0, second: s ? +s : 0 };
  const dt = DateTime.fromObject(parts, { zone: z ? 'UTC' : zone });
  if (!dt.isValid) throw new RecurrenceError(`Invalid date-time ${v}`);
  return dt.toMillis();
}

export interface ParsedRecurrence {
  rule: Rule | null;
  /** EXDATE instants (epoch ms), matched against the instance's original start. */
  exdates: Set<number>;
}

export function parseRecurrence(lines: string[], zone: string): ParsedRecurrence {
  let rule: Rule | null = null;
  const exdates = new Set<number>();
  for (const line of lines) {
    const idx = line.indexOf(':');
    if (idx < 0) throw new RecurrenceError(`Invalid recurrence line ${line}`);
    const [name, ...params] = line.slice(0, idx).split(';');
    const value = line.slice(idx + 1);
    if (name === 'RRULE') {
      const kv = new Map(value.split(';').map((p) => p.split('=') as [string, string]));
      const freq = kv.get('FREQ');
      if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') throw new RecurrenceError(`Unsupported FREQ ${freq ?? ''}`);
      const byDay = kv.get('BYDAY')?.split(',').map((d) => {
        const n = DAYS[d];
        if (!n) throw new RecurrenceError(`Unsupported BYDAY ${d}`);
        return n;
      });
      rule = {
        freq,
        interval: kv.has('INTERVAL') ? Math.max(1, Number(kv.get('INTERVAL'))) : 1,
        count: kv.has('COUNT') ? Number(kv.get('COUNT')) : null,
        until: kv.has('UNTIL') ? parseIcalDateTime(kv.get('UNTIL')!, zone) : null,
        byDay: byDay ?? null,
      };
    } else if (name === 'EXDATE') {
      const tzid = params.find((p) => p.startsWith('TZID='))?.slice(5) ?? zone;
      for (const v of value.split(',')) exdates.add(parseIcalDateTime(v, tzid));
    } else if (name === 'RDATE' || name === 'EXRULE') {
      throw new RecurrenceError(`${name} is not supported by the emulator`);
    }
  }
  return { rule, exdates };
}

/**
 * Occurrence starts (epoch ms) of a series starting at `dtstart` (a luxon DateTime in the series' zone), in
 * order, up to `until` (exclusive) or `max` occurrences. EXDATEs are removed after COUNT is applied (RFC 5545).
 */
export function occurrences(dtstart: DateTime, rec: ParsedRecurrence, until: number, max = 10_000): number[] {
  const out: number[] = [];
  const rule = rec.rule;
  if (!rule) {
    if (!rec.exdates.has(dtstart.toMillis())) out.push(dtstart.toMillis());
    return out;
  }
  let generated = 0;
  const emit = (dt: DateTime): boolean => {
    const ms = dt.toMillis();
    if (ms < dtstart.toMillis()) return true;
    if (rule.until !== null && ms > rule.until) return false;
    if (rule.count !== null && generated >= rule.count) return false;
    if (ms >= until) return false;
    generated++;
    if (!rec.exdates.has(ms)) out.push(ms);
    return out.length < max;
  };
  const time = { hour: dtstart.hour, minute: dtstart.minute, second: dtstart.second };
  for (let period = 0; period < 100_000; period++) {
    const n = period * rule.interval;
    if (rule.freq === 'DAILY') {
      if (!emit(dtstart.plus({ days: n }))) break;
    } else if (rule.freq === 'WEEKLY') {
      const weekStart = dtstart.startOf('week').plus({ weeks: n });
      const days = [...(rule.byDay ?? [dtstart.weekday])].sort((a, b) => a - b);
      let go = true;
      for (const d of days) {
        if (!emit(weekStart.plus({ days: d - 1 }).set(time))) {
          go = false;
          break;
        }
      }
      if (!go) break;
    } else if (rule.freq === 'MONTHLY') {
      const first = dtstart.startOf('month').plus({ months: n });
      // A month without that day has no occurrence (RFC 5545 §3.3.10).
      if (dtstart.day > (first.daysInMonth ?? 31)) continue;
      if (!emit(first.set({ day: dtstart.day, ...time }))) break;
    } else {
      const first = dtstart.startOf('year').plus({ years: n }).set({ month: dtstart.month });
      if (dtstart.day > (first.daysInMonth ?? 31)) continue;
      if (!emit(first.set({ day: dtstart.day, ...time }))) break;
    }
  }
  return out;
}
