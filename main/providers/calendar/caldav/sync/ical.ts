// iCalendar → Junction instances with ical.js (RFC 5545): VTIMEZONEs registered in ical.js' TimezoneService,
// RRULE/RDATE/EXDATE expanded inside the window, RECURRENCE-ID overrides (also moved ones) replacing their
// instance, STATUS:CANCELLED dropped, TRANSP:TRANSPARENT not busy. Dates and floating times have no zone of their
// own: they are read in the calendar's zone (CalDAV calendar-timezone) when it has one, else in UTC.
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { BookingEvent, SyncWindow } from '../../types';

export interface ExpandOptions {
  window: SyncWindow;
  /** The calendar's IANA zone (from calendar-timezone); null → UTC. Used for all-day dates and floating times. */
  calendarZone: string | null;
  /** Guard against pathological rules (e.g. FREQ=SECONDLY from years ago). */
  maxIterations?: number;
}

/** One instance before it gets its href: the adapter prefixes `${href}#`. */
export interface ExpandedInstance {
  /** `${UID}` for a single event, `${UID}::${recurrence-id in UTC}` (basic format, `Z`; a date for all-day) for instances. */
  instanceKey: string;
  title: string;
  startUtc: number;
  endUtc: number;
  timeZone: string;
  allDay: boolean;
  busy: boolean;
}

const DEFAULT_MAX_ITERATIONS = 100_000;

export function isIanaZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The TZID of a calendar-timezone value (a VCALENDAR holding one VTIMEZONE), when it is an IANA zone. */
export function zoneFromCalendarTimezone(value: string | null | undefined): string | null {
  if (!value || !value.includes('BEGIN:VCALENDAR')) return isIanaZone(value?.trim()) ? value!.trim() : null;
  try {
    const comp = new ICAL.Component(ICAL.parse(value));
    const tz = comp.getFirstSubcomponent('vtimezone');
    const tzid = tz?.getFirstPropertyValue('tzid');
    return typeof tzid === 'string' && isIanaZone(tzid) ? tzid : null;
  } catch {
    return null;
  }
}

interface Resolved {
  ms: number;
  zone: string;
  allDay: boolean;
}

/**
 * One ical.js time → epoch ms and the zone it was read in. A TZID ical.js does not know (no VTIMEZONE in the
 * object) comes back as a floating time: read it in that TZID when it is an IANA name, else in the calendar's zone.
 */
function resolveTime(t: ICAL.Time, tzidParam: string | null, fallbackZone: string): Resolved {
  if (t.isDate) {
    const ms = DateTime.fromObject({ year: t.year, month: t.month, day: t.day }, { zone: fallbackZone }).toMillis();
    return { ms, zone: fallbackZone, allDay: true };
  }
  const tzid = t.zone?.tzid;
  if (tzid === 'UTC' || tzid === 'Z') return { ms: t.toUnixTime() * 1000, zone: 'UTC', allDay: false };
  if (tzid && tzid !== 'floating') {
    return { ms: t.toUnixTime() * 1000, zone: isIanaZone(tzid) ? tzid : fallbackZone, allDay: false };
  }
  const zone = isIanaZone(tzidParam) ? tzidParam : fallbackZone;
  const ms = DateTime.fromObject(
    { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second },
    { zone },
  ).toMillis();
  return { ms, zone, allDay: false };
}

const basicUtc = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function recurrenceKey(t: ICAL.Time, tzidParam: string | null, fallbackZone: string): string {
  if (t.isDate) return `${String(t.year).padStart(4, '0')}${String(t.month).padStart(2, '0')}${String(t.day).padStart(2, '0')}`;
  return basicUtc(resolveTime(t, tzidParam, fallbackZone).ms);
}

const tzidOf = (comp: ICAL.Component, prop: string): string | null => {
  const p = comp.getFirstProperty(prop);
  const v = p?.getParameter('tzid');
  return typeof v === 'string' ? v : null;
};

const statusOf = (comp: ICAL.Component) => String(comp.getFirstPropertyValue('status') ?? '').toUpperCase();
const transparent = (comp: ICAL.Component) =>
  String(comp.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT';

function instanceOf(
  item: ICAL.Event,
  start: ICAL.Time,
  end: ICAL.Time,
  instanceKey: string,
  fallbackZone: string,
): ExpandedInstance | null {
  if (statusOf(item.component) === 'CANCELLED') return null;
  const s = resolveTime(start, tzidOf(item.component, 'dtstart'), fallbackZone);
  const e = resolveTime(end, tzidOf(item.component, 'dtend') ?? tzidOf(item.component, 'dtstart'), fallbackZone);
  return {
    instanceKey,
    title: String(item.summary ?? ''),
    startUtc: s.ms,
    // A DTEND before DTSTART is malformed: keep a zero-length instance rather than a negative one.
    endUtc: Math.max(e.ms, s.ms),
    timeZone: s.zone,
    allDay: s.allDay,
    busy: !transparent(item.component),
  };
}

const overlaps = (i: ExpandedInstance, w: SyncWindow) =>
  (i.endUtc > w.start && i.startUtc < w.end) || (i.startUtc === i.endUtc && i.startUtc >= w.start && i.startUtc < w.end);

/** Parses one calendar object resource (one UID, maybe with overrides) into its instances inside the window. */
export function expandCalendarObject(ics: string, options: ExpandOptions): ExpandedInstance[] {
  const fallbackZone = options.calendarZone && isIanaZone(options.calendarZone) ? options.calendarZone : 'UTC';
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const root = new ICAL.Component(ICAL.parse(ics));
  // Registered before any time is read: ical.js binds a TZID to its zone when the value is first decoded.
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tz = new ICAL.Timezone(vtz);
    if (tz.tzid) ICAL.TimezoneService.register(tz, tz.tzid);
  }
  const vevents = root.getAllSubcomponents('vevent');
  const masters = vevents.filter((c) => !c.hasProperty('recurrence-id'));
  const overrides = vevents.filter((c) => c.hasProperty('recurrence-id'));
  const out: ExpandedInstance[] = [];
  const push = (i: ExpandedInstance | null) => {
    if (i && overlaps(i, options.window)) out.push(i);
  };

  for (const masterComp of masters) {
    const uid = String(masterComp.getFirstPropertyValue('uid') ?? '');
    const mine = overrides.filter((o) => String(o.getFirstPropertyValue('uid') ?? '') === uid);
    const event = new ICAL.Event(masterComp, { exceptions: mine });
    if (statusOf(masterComp) === 'CANCELLED') continue;
    if (!event.isRecurring()) {
      push(instanceOf(event, event.startDate, event.endDate, uid, fallbackZone));
      continue;
    }
    const masterTzid = tzidOf(masterComp, 'dtstart');
    const seen = new Set<string>();
    const it = event.iterator();
    let next: ICAL.Time | null;
    let n = 0;
    while ((next = it.next()) && n++ < maxIterations) {
      const rid = resolveTime(next, masterTzid, fallbackZone);
      if (rid.ms >= options.window.end) break;
      const details = event.getOccurrenceDetails(next);
      const key = `${uid}::${recurrenceKey(next, masterTzid, fallbackZone)}`;
      seen.add(details.recurrenceId.toString());
      push(instanceOf(details.item, details.startDate, details.endDate, key, fallbackZone));
    }
    // Overrides whose original slot lies past the window's end may have been moved into it.
    for (const [id, ex] of Object.entries(event.exceptions)) {
      if (seen.has(id)) continue;
      const rid = ex.recurrenceId;
      if (resolveTime(rid, tzidOf(ex.component, 'recurrence-id'), fallbackZone).ms < options.window.end) continue;
      const key = `${uid}::${recurrenceKey(rid, tzidOf(ex.component, 'recurrence-id'), fallbackZone)}`;
      push(instanceOf(ex, ex.startDate, ex.endDate, key, fallbackZone));
    }
  }
  // Overrides without their master (an invitation to one instance only): each stands alone.
  const masterUids = new Set(masters.map((m) => String(m.getFirstPropertyValue('uid') ?? '')));
  for (const o of overrides) {
    const uid = String(o.getFirstPropertyValue('uid') ?? '');
    if (masterUids.has(uid)) continue;
    const ev = new ICAL.Event(o);
    const key = `${uid}::${recurrenceKey(ev.recurrenceId, tzidOf(o, 'recurrence-id'), fallbackZone)}`;
    push(instanceOf(ev, ev.startDate, ev.endDate, key, fallbackZone));
  }
  return out;
}

export const bookingUid = (bookingId: string) => `${bookingId}@junction`;

/** The booking's VCALENDAR. DTSTART/DTEND are written in UTC (unambiguous everywhere, no VTIMEZONE needed). */
export function buildBookingIcs(event: BookingEvent, nowMs: number): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.addPropertyWithValue('prodid', '-//Junction//Junction Calendar Sync//EN');
  cal.addPropertyWithValue('version', '2.0');
  const ev = new ICAL.Component('vevent');
  const utc = (ms: number) => ICAL.Time.fromJSDate(new Date(ms), true);
  ev.addPropertyWithValue('uid', bookingUid(event.bookingId));
  ev.addPropertyWithValue('dtstamp', utc(nowMs));
  ev.addPropertyWithValue('dtstart', utc(event.startUtc));
  ev.addPropertyWithValue('dtend', utc(event.endUtc));
  ev.addPropertyWithValue('summary', event.title);
  const description = event.meetingLink
    ? `${event.description ? `${event.description}\n\n` : ''}Join: ${event.meetingLink}`
    : event.description;
  if (description) ev.addPropertyWithValue('description', description);
  if (event.meetingLink) {
    ev.addPropertyWithValue('url', event.meetingLink);
    ev.addPropertyWithValue('location', event.meetingLink);
  }
  // The booker's zone, for clients that show it (the times themselves are UTC).
  ev.addPropertyWithValue('x-junction-timezone', event.timeZone);
  for (const a of event.attendees) {
    const p = new ICAL.Property('attendee');
    p.setParameter('cn', a.name);
    p.setParameter('role', 'REQ-PARTICIPANT');
    p.setParameter('partstat', 'NEEDS-ACTION');
    p.setValue(`mailto:${a.email}`);
    ev.addProperty(p);
  }
  ev.addPropertyWithValue('transp', 'OPAQUE');
  ev.addPropertyWithValue('status', 'CONFIRMED');
  cal.addSubcomponent(ev);
  return cal.toString();
}
