// availability:get / availability:explain and the busy check bookings make before writing.
import { DateTime } from 'luxon';
import { AppError } from '../../../shared/errors';
import type { Availability, AvailabilityExplanation, BusyItem, ConflictPreference } from '../../../shared/domain';
import type { ChannelParsed } from '../../../shared/ipc/contract';
import { AvailabilityRepo, type BusyRow } from '../../db/repos/availability';
import { OrganizersRepo } from '../../db/repos/organizers';
import { SettingsRepo } from '../../db/repos/settings';
import { SETTING_CONFLICT_PREFERENCE } from '../settings-service';
import type { ServiceContext } from '../context';
import { freeSlots } from './free-slots';
import type { LiveBusySource } from './live-busy';

const MINUTE = 60_000;

export class AvailabilityService {
  readonly #repo: AvailabilityRepo;
  readonly #organizers: OrganizersRepo;
  readonly #settings: SettingsRepo;
  #live: LiveBusySource | null = null;

  constructor(private readonly ctx: ServiceContext) {
    this.#repo = new AvailabilityRepo(ctx.db);
    this.#organizers = new OrganizersRepo(ctx.db);
    this.#settings = new SettingsRepo(ctx.db);
  }

  /** Bound by the core once calendar sync exists: the live check of `availability:get` with `live: true`. */
  useLiveBusy(source: LiveBusySource | null): void {
    this.#live = source;
  }

  async get(q: ChannelParsed<'availability:get'>): Promise<Availability> {
    const zone = await this.#zone();
    const rows = await this.#repo.busyItems({ organizerId: this.ctx.organizerId, from: q.rangeStart, to: q.rangeEnd });
    const busy = rows.map((r) => ({ start: r.start_utc, end: r.end_utc }));
    // Live busy times count in addition to the stored blocks and bookings; a calendar that could not be asked
    // keeps counting through its synced events.
    const live = q.live ? await (this.#live?.({ start: q.rangeStart, end: q.rangeEnd }) ?? { busy: [], checked: [], errors: [] }) : null;
    if (live) busy.push(...live.busy);
    const slots = freeSlots({
      rangeStart: q.rangeStart,
      rangeEnd: q.rangeEnd,
      durationMs: q.durationMinutes * MINUTE,
      ...(q.stepMinutes ? { stepMs: q.stepMinutes * MINUTE } : {}),
      busy,
      zone,
    });
    return {
      slots: slots.map((s) => ({ startUtc: s.start, endUtc: s.end })),
      zone,
      ...(live ? { liveChecked: live.checked, liveErrors: live.errors } : {}),
    };
  }

  async explain(q: ChannelParsed<'availability:explain'>): Promise<AvailabilityExplanation> {
    const items = await this.blocking(q.startUtc, q.endUtc);
    return { busy: items.length > 0, items };
  }

  /** What overlaps [startUtc, endUtc); a reschedule leaves its own booking out. */
  async blocking(startUtc: number, endUtc: number, excludeBookingId?: string): Promise<BusyItem[]> {
    const rows = await this.#repo.busyItems({
      organizerId: this.ctx.organizerId,
      from: startUtc,
      to: endUtc,
      ...(excludeBookingId ? { excludeBookingId } : {}),
    });
    return rows.map(toBusyItem);
  }

  /**
   * Throws CONFLICT naming the blocking items when the time is busy, per the organizer's conflict preference:
   * 'warn' lets `override` through, 'block' never does, 'allow' skips the check.
   */
  async assertFree(startUtc: number, endUtc: number, opts: { override?: boolean | undefined; excludeBookingId?: string }): Promise<void> {
    const preference = (await this.#settings.get<ConflictPreference>(SETTING_CONFLICT_PREFERENCE)) ?? 'warn';
    if (preference === 'allow' || (preference === 'warn' && opts.override)) return;
    const items = await this.blocking(startUtc, endUtc, opts.excludeBookingId);
    if (!items.length) return;
    const zone = await this.#zone();
    const named = items.slice(0, 3).map((i) => describeBusyItem(i, zone));
    const more = items.length > 3 ? ` and ${items.length - 3} more` : '';
    const busy = `That time is busy: ${named.join('; ')}${more}.`;
    if (preference === 'block') {
      throw new AppError(
        'CONFLICT',
        `${busy} Your conflict preference forbids double-booking; change it in Settings to book over busy time.`,
        { blocking: items, conflictPreference: preference },
      );
    }
    throw new AppError('CONFLICT', busy, { blocking: items, conflictPreference: preference });
  }

  async #zone(): Promise<string> {
    return (await this.#organizers.getDefault())?.time_zone ?? 'UTC';
  }
}

function toBusyItem(r: BusyRow): BusyItem {
  return {
    kind: r.kind,
    id: r.id,
    title: r.title,
    startUtc: r.start_utc,
    endUtc: r.end_utc,
    allDay: r.all_day === 1,
    integrationId: r.integration_id,
    provider: r.provider,
    accountEmail: r.provider_email,
    calendarName: r.calendar_name ?? r.external_calendar_id,
  };
}

const PROVIDER_WORD = { google: 'Google', outlook: 'Outlook', apple: 'CalDAV' } as const;

/** "event “Dentist” in Google calendar Work (10:00–11:00)": what a person needs to recognise it. */
export function describeBusyItem(i: BusyItem, zone: string): string {
  const fmt = (t: number) => DateTime.fromMillis(t, { zone }).toFormat('d LLL HH:mm');
  const when = i.allDay ? 'all day' : `${fmt(i.startUtc)}–${DateTime.fromMillis(i.endUtc, { zone }).toFormat('HH:mm')}`;
  const title = i.title.trim() ? `“${i.title.trim()}”` : '(no title)';
  switch (i.kind) {
    case 'manual':
      return `blocked time ${title} (${when})`;
    case 'booking':
      return `booking ${title} (${when})`;
    case 'synced': {
      const where = [i.provider ? PROVIDER_WORD[i.provider] : null, i.calendarName ? `calendar ${i.calendarName}` : 'calendar']
        .filter(Boolean)
        .join(' ');
      return `event ${title} in ${where} (${when})`;
    }
  }
}
