// Busy items (the CONFLICT answer of bookings:create/reschedule, availability:explain) in words.
import type { BusyItem } from '../../shared/domain';
import { ClientError } from '../api/client';
import { formatDayRange, formatRange } from './time';

const PROVIDER = { google: 'Google', outlook: 'Outlook', apple: 'CalDAV' } as const;

/** The blocking items of a busy-time CONFLICT, or null for any other error. */
export function busyItemsOf(err: unknown): BusyItem[] | null {
  if (!(err instanceof ClientError) || err.code !== 'CONFLICT') return null;
  const blocking = (err.details as { blocking?: unknown } | null | undefined)?.blocking;
  return Array.isArray(blocking) && blocking.length ? (blocking as BusyItem[]) : null;
}

/** False when the organizer's conflict preference is 'block': no "Book anyway" then. */
export function busyOverridable(err: unknown): boolean {
  return (err instanceof ClientError ? (err.details as { conflictPreference?: unknown } | null | undefined)?.conflictPreference : undefined) !== 'block';
}

export function busyKindLabel(i: BusyItem): string {
  switch (i.kind) {
    case 'manual':
      return 'Blocked time';
    case 'booking':
      return 'Booking';
    case 'synced':
      return i.provider ? `${PROVIDER[i.provider]} event` : 'Calendar event';
  }
}

/** Where a synced event comes from: "calendar Work · me@example.com". */
export function busySource(i: BusyItem): string | null {
  if (i.kind !== 'synced') return null;
  return [i.calendarName ? `calendar ${i.calendarName}` : null, i.accountEmail].filter(Boolean).join(' · ') || null;
}

export function busyWhen(i: BusyItem, zone: string): string {
  return i.allDay ? formatDayRange(i.startUtc, i.endUtc, zone) : formatRange(i.startUtc, i.endUtc, zone);
}
