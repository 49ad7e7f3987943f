// Shared set-up for the Google adapter tests: the Calendar emulator on the Google OAuth emulator, a real access
// token from a PKCE grant, and a fetch that adds it (what the engine's fetch over ProviderHttp will do).
import { createGoogleCalendarAdapter } from '../../../../main/providers/calendar/google';
import type { CalendarAdapter, FetchLike, SyncPage, SyncWindow } from '../../../../main/providers/calendar/types';
import { type GoogleCalendarEmulator, grantAccessToken, startGoogleCalendarEmulator } from '../../../emulators/google-calendar';

export const NOW = Date.parse('2026-12-01T00:00:00Z');
export const DAY = 86_400_000;
export const CAL = 'ada.lovelace@gmail.test';
export const WINDOW: SyncWindow = { start: NOW - 30 * DAY, end: NOW + 365 * DAY };

export interface Setup {
  em: GoogleCalendarEmulator;
  adapter: CalendarAdapter;
  fetch: FetchLike;
  token: string;
}

export async function setup(opts: { timeZone?: string } = {}): Promise<Setup> {
  const em = await startGoogleCalendarEmulator({ clock: { now: () => NOW }, timeZone: opts.timeZone ?? 'Europe/Berlin' });
  const token = await grantAccessToken(em.oauth);
  const f: FetchLike = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  return { em, token, fetch: f, adapter: createGoogleCalendarAdapter({ fetch: f, apiRoot: em.apiRoot }) };
}

export async function collect(it: AsyncIterable<SyncPage>): Promise<SyncPage[]> {
  const pages: SyncPage[] = [];
  for await (const p of it) pages.push(p);
  return pages;
}

/** Applies pages the way the engine will (reset on resetLocal), returning the local state by externalId. */
export function apply(state: Map<string, SyncPage['upserted'][number]>, pages: SyncPage[]): string | null {
  let cursor: string | null = null;
  for (const p of pages) {
    if (p.resetLocal) state.clear();
    for (const id of p.deleted) state.delete(id);
    for (const e of p.upserted) state.set(e.externalId, e);
    if (p.nextCursor) cursor = p.nextCursor;
  }
  return cursor;
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const timed = (id: string, startMs: number, minutes: number, extra: Record<string, unknown> = {}) => ({
  id,
  summary: `Event ${id}`,
  start: { dateTime: iso(startMs) },
  end: { dateTime: iso(startMs + minutes * 60_000) },
  ...extra,
});
