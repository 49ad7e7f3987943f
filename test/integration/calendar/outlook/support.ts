// Graph calendar emulator + a token from the Microsoft OAuth emulator's real flow, and a fetch that carries it
// (what the engine's ProviderHttp-backed fetch does in production).
import { ManualClock } from '../../../../main/lib/clock';
import type { FetchLike } from '../../../../main/providers/calendar/types';
import { defaultClient, LOOPBACK_CALLBACK } from '../../../emulators/oauth';
import { type GraphCalendarEmulator, startGraphCalendarEmulator } from '../../../emulators/graph-calendar';
import { connect } from '../../emulators/oauth-helpers';

export interface GraphHarness {
  em: GraphCalendarEmulator;
  clock: ManualClock;
  token: string;
  fetch: FetchLike;
  calendarId: string;
  close(): Promise<void>;
}

export async function startGraphHarness(): Promise<GraphHarness> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const client = defaultClient('microsoft');
  const em = await startGraphCalendarEmulator({ clock, oauthOptions: { clients: [client] } });
  const { tokens } = await connect(em.oauth, client, LOOPBACK_CALLBACK.replace('127.0.0.1', '127.0.0.1:53682'));
  const token = tokens.access_token;
  const authed: FetchLike = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const calendarId = em.calendars()[0]?.id ?? '';
  return { em, clock, token, fetch: authed, calendarId, close: () => em.close() };
}

/** Collects every page of a pull. */
export async function pages<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of it) out.push(p);
  return out;
}
