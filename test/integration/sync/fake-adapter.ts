// A real in-memory calendar provider behind the CalendarAdapter interface: versioned change log, paged
// results, cursors, stale cursors, revoked calendars and injected failures. Not a mock: answers come from its data.
import { AppError } from '../../../shared/errors';
import type {
  BookingEvent,
  CalendarAdapter,
  CalendarInfo,
  SyncedEvent,
  SyncPage,
  SyncWindow,
} from '../../../main/providers/calendar/types';
import { StaleCursorError } from '../../../main/providers/calendar/types';

interface Change {
  version: number;
  calendarId: string;
  id: string;
}

export class FakeProvider {
  readonly calendars = new Map<string, { info: CalendarInfo; events: Map<string, SyncedEvent> }>();
  #version = 0;
  readonly #changes: Change[] = [];
  /** Cursors older than this version are stale (the provider's 410). */
  minValidVersion = 0;
  pageSize = 2;
  revoked = new Set<string>();
  /** Throws this (once per sync) after yielding `afterPages` pages. */
  failAfter: { afterPages: number; error: Error } | null = null;
  /** Every pull fails at once with this error (provider down). */
  failAll: Error | null = null;
  /** Called between pages (after the engine took page n). */
  betweenPages: ((n: number) => Promise<void>) | null = null;
  /** The next createEvent stores the event, then "loses" the response. */
  loseCreateResponse = false;
  /** Report deletions as `${id before '#'}#*` (CalDAV resource deletes). */
  prefixDeletes = false;
  readonly calls = { listCalendars: 0, pull: [] as { calendarId: string; cursor: string | null; window: SyncWindow }[], create: 0, update: 0, delete: 0 };

  addCalendar(info: Partial<CalendarInfo> & { id: string }): void {
    this.calendars.set(info.id, {
      info: { name: info.id, primary: false, readOnly: false, timeZone: 'UTC', ...info },
      events: new Map(),
    });
  }

  put(calendarId: string, e: Partial<SyncedEvent> & { externalId: string; startUtc: number; endUtc: number }): void {
    this.calendars.get(calendarId)!.events.set(e.externalId, { title: e.externalId, timeZone: 'UTC', allDay: false, busy: true, ...e });
    this.#changes.push({ version: ++this.#version, calendarId, id: e.externalId });
  }

  remove(calendarId: string, id: string): void {
    this.calendars.get(calendarId)!.events.delete(id);
    this.#changes.push({ version: ++this.#version, calendarId, id });
  }

  truth(calendarId: string): SyncedEvent[] {
    return [...this.calendars.get(calendarId)!.events.values()].sort((a, b) => a.externalId.localeCompare(b.externalId));
  }

  adapter(): CalendarAdapter {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const p = this;
    return {
      async listCalendars() {
        p.calls.listCalendars++;
        return [...p.calendars.values()].map((c) => c.info);
      },
      async *pullChanges(calendarId: string, cursor: string | null, window: SyncWindow): AsyncIterable<SyncPage> {
        p.calls.pull.push({ calendarId, cursor, window });
        if (p.failAll) throw p.failAll;
        if (p.revoked.has(calendarId)) {
          throw new AppError('FORBIDDEN', 'Fake refused', { status: 403, provider: 'google' });
        }
        const cal = p.calendars.get(calendarId);
        if (!cal) throw new AppError('NOT_FOUND', 'Fake: no calendar', { status: 404 });
        const version = p.#version;
        let upserted: SyncedEvent[] = [];
        let deleted: string[] = [];
        if (cursor === null) {
          upserted = [...cal.events.values()].filter((e) => e.endUtc > window.start && e.startUtc < window.end);
        } else {
          const since = Number(cursor.slice(2));
          if (since < p.minValidVersion) throw new StaleCursorError();
          const ids = new Set(p.#changes.filter((c) => c.calendarId === calendarId && c.version > since).map((c) => c.id));
          for (const id of ids) {
            const e = cal.events.get(id);
            if (e) upserted.push(e);
            else deleted.push(p.prefixDeletes ? `${id.split('#')[0]}#*` : id);
          }
          deleted = [...new Set(deleted)];
        }
        upserted.sort((a, b) => a.externalId.localeCompare(b.externalId));
        const items: ({ kind: 'u'; e: SyncedEvent } | { kind: 'd'; id: string })[] = [
          ...deleted.map((id) => ({ kind: 'd' as const, id })),
          ...upserted.map((e) => ({ kind: 'u' as const, e })),
        ];
        const pages = Math.max(1, Math.ceil(items.length / p.pageSize));
        for (let i = 0; i < pages; i++) {
          if (p.failAfter && i === p.failAfter.afterPages) {
            const err = p.failAfter.error;
            p.failAfter = null;
            throw err;
          }
          const slice = items.slice(i * p.pageSize, (i + 1) * p.pageSize);
          yield {
            upserted: slice.flatMap((x) => (x.kind === 'u' ? [{ ...x.e }] : [])),
            deleted: slice.flatMap((x) => (x.kind === 'd' ? [x.id] : [])),
            resetLocal: cursor === null && i === 0,
            nextCursor: i === pages - 1 ? `v:${version}` : null,
          };
          if (p.betweenPages && i < pages - 1) await p.betweenPages(i + 1);
        }
      },
      async createEvent(calendarId: string, event: BookingEvent) {
        p.calls.create++;
        const id = `bk-${event.bookingId}`;
        p.put(calendarId, { externalId: id, title: event.title, startUtc: event.startUtc, endUtc: event.endUtc });
        if (p.loseCreateResponse) {
          p.loseCreateResponse = false;
          throw new AppError('PROVIDER_UNAVAILABLE', 'Fake: connection reset', { status: null });
        }
        return { externalId: id };
      },
      async updateEvent(calendarId: string, externalId: string, event: BookingEvent) {
        p.calls.update++;
        if (!p.calendars.get(calendarId)!.events.has(externalId)) throw new AppError('NOT_FOUND', 'gone', { status: 404 });
        p.put(calendarId, { externalId, title: event.title, startUtc: event.startUtc, endUtc: event.endUtc });
      },
      async deleteEvent(calendarId: string, externalId: string) {
        p.calls.delete++;
        if (!p.calendars.get(calendarId)!.events.has(externalId)) return 'missing';
        p.remove(calendarId, externalId);
        return 'deleted';
      },
    };
  }
}
