// availability:get with `live: true`: asks the connected calendars that can answer (adapters with getBusy, i.e.
// Google freeBusy) for their busy times right now, on top of what is synced. Nothing is stored. Each calendar is
// asked on its own so one that fails is named, and its synced events still count (the caller keeps them).
// Adapters come from the same factory the sync engine uses, so every request goes through ProviderHttp
// (token refresh, retries, api_calls, circuit breaker).
import type { CalendarProvider, LiveCalendarError, LiveCalendarRef } from '../../../shared/domain';
import type { Kysely } from 'kysely';
import { CalendarSourcesRepo } from '../../db/repos/calendar-sources';
import { IntegrationsRepo } from '../../db/repos/integrations';
import type { CalendarIntegrationRow, Database } from '../../db/schema';
import type { CalendarAdapter } from '../../providers/calendar/types';
import { classifyFailure } from '../../sync/errors';

export interface LiveBusyResult {
  busy: { start: number; end: number }[];
  checked: LiveCalendarRef[];
  errors: LiveCalendarError[];
}

/** What AvailabilityService calls for a live check of [start, end). */
export type LiveBusySource = (range: { start: number; end: number }) => Promise<LiveBusyResult>;

export interface LiveBusyDeps {
  db: Kysely<Database>;
  organizerId: string;
  adapterFor: (row: CalendarIntegrationRow) => Promise<CalendarAdapter>;
}

const PROVIDER_WORD: Record<CalendarProvider, string> = { google: 'Google', outlook: 'Outlook', apple: 'The CalDAV server' };
const ACCOUNT_WORD: Record<CalendarProvider, string> = { google: 'Google', outlook: 'Outlook', apple: 'CalDAV' };
const FALLBACK = 'Its last synced events were used instead.';

/** Why a live check of one calendar failed, in words a person understands. */
export function liveFailureMessage(provider: CalendarProvider, err: unknown): string {
  const who = PROVIDER_WORD[provider];
  switch (classifyFailure(err)) {
    case 'auth':
      return `Junction could not sign in to this ${ACCOUNT_WORD[provider]} account; reconnect it in Calendars. ${FALLBACK}`;
    case 'revoked':
      return `${who} refused access to this calendar. ${FALLBACK}`;
    case 'rate-limited':
      return `${who} is limiting requests right now; try again in a few minutes. ${FALLBACK}`;
    default:
      return `${who} did not answer (it may be down or unreachable). ${FALLBACK}`;
  }
}

export function createLiveBusySource(d: LiveBusyDeps): LiveBusySource {
  return async (range) => {
    const result: LiveBusyResult = { busy: [], checked: [], errors: [] };
    const rows = (await new IntegrationsRepo(d.db).listCalendars(d.organizerId)).filter(
      (r) => r.connection_status === 'connected' && r.sync_enabled === 1,
    );
    const sources = new CalendarSourcesRepo(d.db);
    await Promise.all(
      rows.map(async (row) => {
        const selected = (await sources.list(row.id)).filter((s) => s.selected === 1);
        if (selected.length === 0) return;
        const refOf = (s: (typeof selected)[number]): LiveCalendarRef => ({
          integrationId: row.id,
          provider: row.provider,
          accountEmail: row.provider_email,
          calendar: s.name || s.external_calendar_id,
        });
        let adapter: CalendarAdapter;
        try {
          adapter = await d.adapterFor(row);
        } catch (err) {
          const message = liveFailureMessage(row.provider, err);
          for (const s of selected) result.errors.push({ ...refOf(s), message });
          return;
        }
        const getBusy = adapter.getBusy?.bind(adapter);
        if (!getBusy) return; // This provider has no live busy query: its synced data is all there is.
        // One calendar after another: a provider that is down fails fast after the first (circuit breaker).
        for (const s of selected) {
          if (s.access_state === 'revoked') {
            result.errors.push({ ...refOf(s), message: `${PROVIDER_WORD[row.provider]} refused access to this calendar at the last sync. ${FALLBACK}` });
            continue;
          }
          try {
            const busy = await getBusy([s.external_calendar_id], range);
            for (const b of busy) result.busy.push({ start: b.startUtc, end: b.endUtc });
            result.checked.push(refOf(s));
          } catch (err) {
            result.errors.push({ ...refOf(s), message: liveFailureMessage(row.provider, err) });
          }
        }
      }),
    );
    return result;
  };
}
