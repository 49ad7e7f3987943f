// Contract of the Google Calendar v3 emulator itself, over plain HTTP: what Google documents, so adapters tested
// against it meet the real protocol.
import { afterEach, describe, expect, it } from 'vitest';
import { CAL, DAY, iso, NOW, type Setup, setup, timed } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are checked with matchers
type Json = Record<string, any>;

let s: Setup;
afterEach(async () => {
  await s?.em.close();
});

const eventsUrl = (q: Record<string, string> = {}) => {
  const u = new URL(`calendar/v3/calendars/${encodeURIComponent(CAL)}/events`, s.em.apiRoot);
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  return u;
};
async function get(u: URL, token: string | null = s.token) {
  const res = await fetch(u, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}
async function send(method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, s.em.apiRoot), {
    method,
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json | null };
}
const googleError = (code: number, reason: string) => ({
  error: { code, message: expect.any(String), errors: [{ domain: expect.any(String), reason, message: expect.any(String) }] },
});

describe('Google Calendar emulator contract', () => {
  it('pages: default 250, maxResults capped at 2500, nextSyncToken only on the last page', async () => {
    s = await setup();
    s.em.seed(CAL, Array.from({ length: 2600 }, (_, i) => timed(`ev${String(i).padStart(5, '0')}`, NOW + i * 60_000, 30)));
    const first = await get(eventsUrl({ singleEvents: 'true' }));
    expect(first.body.items).toHaveLength(250);
    expect(first.body).toHaveProperty('nextPageToken');
    expect(first.body).not.toHaveProperty('nextSyncToken');
    const big = await get(eventsUrl({ singleEvents: 'true', maxResults: '9999' }));
    expect(big.body.items).toHaveLength(2500);
    const last = await get(eventsUrl({ singleEvents: 'true', maxResults: '9999', pageToken: big.body.nextPageToken as string }));
    expect(last.body.items).toHaveLength(100);
    expect(last.body).toHaveProperty('nextSyncToken');
    expect(last.body).not.toHaveProperty('nextPageToken');
    expect(last.body).toMatchObject({ kind: 'calendar#events', timeZone: 'Europe/Berlin' });
  });

  it('a sync token forbids timeMin/timeMax/q/orderBy/updatedMin/iCalUID (400), must keep singleEvents, and goes stale with 410 fullSyncRequired', async () => {
    s = await setup();
    s.em.seed(CAL, [timed('aaaaa1', NOW, 30)]);
    const full = await get(eventsUrl({ singleEvents: 'true' }));
    const token = full.body.nextSyncToken as string;
    for (const [k, v] of Object.entries({ timeMin: iso(NOW), timeMax: iso(NOW + DAY), q: 'x', orderBy: 'updated', updatedMin: iso(NOW), iCalUID: 'x@google.com' })) {
      const r = await get(eventsUrl({ singleEvents: 'true', syncToken: token, [k]: v }));
      expect(r.status, k).toBe(400);
      expect(r.body).toMatchObject(googleError(400, 'invalid'));
    }
    expect((await get(eventsUrl({ syncToken: token }))).status).toBe(400);
    s.em.deleteEvent(CAL, 'aaaaa1');
    const inc = await get(eventsUrl({ singleEvents: 'true', syncToken: token }));
    expect(inc.body.items).toEqual([{ kind: 'calendar#event', etag: expect.any(String), id: 'aaaaa1', status: 'cancelled' }]);
    s.em.invalidateSyncTokens();
    const gone = await get(eventsUrl({ singleEvents: 'true', syncToken: token }));
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject(googleError(410, 'fullSyncRequired'));
  });

  it('insert: client ids must be base32hex of 5–1024 chars, a duplicate is 409; delete: 204, then 410, unknown 404; times validated', async () => {
    s = await setup();
    const path = `calendar/v3/calendars/${encodeURIComponent(CAL)}/events`;
    const ev = timed('abcdef123', NOW, 30);
    expect((await send('POST', path, ev)).status).toBe(200);
    expect(await send('POST', path, ev)).toMatchObject({ status: 409, body: googleError(409, 'duplicate') });
    for (const bad of ['abc', 'has-dash1', 'wxyz12345', 'A1234567']) {
      expect((await send('POST', path, { ...ev, id: bad })).status, bad).toBe(400);
    }
    expect(await send('POST', path, { ...ev, id: 'abcdef999', end: ev.start })).toMatchObject({ status: 400, body: googleError(400, 'timeRangeEmpty') });
    expect((await send('DELETE', `${path}/abcdef123`)).status).toBe(204);
    expect(await send('DELETE', `${path}/abcdef123`)).toMatchObject({ status: 410, body: googleError(410, 'deleted') });
    expect(await send('DELETE', `${path}/nosuchevent`)).toMatchObject({ status: 404, body: googleError(404, 'notFound') });
    expect(await send('PATCH', `${path}/nosuchevent`, { summary: 'x' })).toMatchObject({ status: 404 });
  });

  it('auth: no or bad token → 401 in Google’s API format; a token without calendar scopes → 403', async () => {
    s = await setup();
    const none = await get(eventsUrl(), null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] } });
    expect((await get(eventsUrl(), 'ya29.bogus')).status).toBe(401);
    const { grantAccessToken } = await import('../../../emulators/google-calendar');
    const narrow = await grantAccessToken(s.em.oauth, { scopes: ['openid', 'email'] });
    expect((await get(eventsUrl(), narrow)).body).toMatchObject({ error: { code: 403, errors: [{ reason: 'insufficientPermissions' }] } });
  });

  it('freeBusy: more than 90 days → 400 timeRangeTooLong; unknown calendar → per-calendar notFound', async () => {
    s = await setup();
    const q = (min: number, max: number, id = CAL) => send('POST', 'calendar/v3/freeBusy', { timeMin: iso(min), timeMax: iso(max), items: [{ id }] });
    expect((await q(NOW, NOW + 90 * DAY)).status).toBe(200);
    expect(await q(NOW, NOW + 91 * DAY)).toMatchObject({ status: 400, body: googleError(400, 'timeRangeTooLong') });
    expect((await q(NOW, NOW + DAY, 'nobody@example.test')).body).toMatchObject({ calendars: { 'nobody@example.test': { errors: [{ reason: 'notFound' }] } } });
  });

  it('faults: 429 with Retry-After, 500/503, malformed JSON, a request that never answers; counters per endpoint', async () => {
    s = await setup();
    s.em.failNext('events.list', { status: 429, retryAfterSec: 7 });
    const limited = await get(eventsUrl());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] } });
    s.em.failNext('*', { status: 503, times: 2 });
    expect((await get(eventsUrl())).status).toBe(503);
    expect((await send('POST', 'calendar/v3/freeBusy', {})).status).toBe(503);
    s.em.failNext('events.list', { malformed: true });
    const res = await fetch(eventsUrl(), { headers: { authorization: `Bearer ${s.token}` } });
    await expect(res.json()).rejects.toThrow();
    s.em.failNext('events.list', { hang: true });
    const ac = new AbortController();
    const pending = fetch(eventsUrl(), { headers: { authorization: `Bearer ${s.token}` }, signal: ac.signal });
    while (s.em.counters['events.list'] < 4) await new Promise((r) => setImmediate(r));
    ac.abort();
    await expect(pending).rejects.toThrow();
    expect(s.em.counters).toMatchObject({ 'events.list': 4, 'freeBusy.query': 1, total: 5 });
  });
});
