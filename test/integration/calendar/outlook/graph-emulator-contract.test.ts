// The Graph calendar emulator's documented rejections, driven through the real Graph client and plain fetch.
import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GraphHarness, startGraphHarness } from './support';

describe('Graph calendar emulator contract', () => {
  let h: GraphHarness;
  beforeEach(async () => {
    h = await startGraphHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  const client = () =>
    Client.initWithMiddleware({
      baseUrl: h.em.oauth.url,
      middleware: { execute: async (ctx) => void (ctx.response = await h.fetch(ctx.request as string, ctx.options as RequestInit)) },
    });
  const graphError = (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (e: unknown) => e as GraphError);

  it('refuses a $batch of 21 requests with 400 and runs one of 20', async () => {
    const reqs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), method: 'GET', url: '/me/calendars' }));
    const e = await graphError(client().api('/$batch').post({ requests: reqs(21) }));
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('BadRequest');
    const ok = (await client().api('/$batch').post({ requests: reqs(20) })) as { responses: { status: number }[] };
    expect(ok.responses).toHaveLength(20);
    expect(ok.responses.every((r) => r.status === 200)).toBe(true);
  });

  it('answers the 5th concurrent request of a mailbox with 429 ApplicationThrottled and Retry-After', async () => {
    h.em.hold();
    const url = `${h.em.apiRoot}me/calendars`;
    const four = Array.from({ length: 4 }, () => h.fetch(url));
    await h.em.whenInFlight(4);
    const fifth = await h.fetch(url);
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('1');
    const body = (await fifth.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('ApplicationThrottled');
    expect(body.error.message).toContain('MailboxConcurrency');
    expect(body.error.innerError).toMatchObject({ date: expect.any(String), 'request-id': expect.any(String) });
    h.em.release();
    expect((await Promise.all(four)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(h.em.counters).toMatchObject({ throttled: 1, peakAttempted: 5, peakServed: 4 });
  });

  it('answers an unknown or invalidated delta token with 410 syncStateNotFound', async () => {
    const base = `${h.em.apiRoot}me/calendars/${h.calendarId}/calendarView/delta`;
    const first = (await (await h.fetch(`${base}?startDateTime=2026-01-01T00:00:00Z&endDateTime=2026-02-01T00:00:00Z`)).json()) as Record<string, string>;
    const deltaLink = first['@odata.deltaLink'] ?? '';
    expect((await h.fetch(deltaLink)).status).toBe(200);
    h.em.invalidateDeltaTokens();
    const gone = await h.fetch(deltaLink);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('syncStateNotFound');
    expect((await h.fetch(`${base}?$deltatoken=nope`)).status).toBe(410);
  });

  it('requires the window on a first delta request and refuses $select', async () => {
    const base = `${h.em.apiRoot}me/calendars/${h.calendarId}/calendarView/delta`;
    const noWindow = await h.fetch(base);
    expect(noWindow.status).toBe(400);
    expect(((await noWindow.json()) as { error: { code: string } }).error.code).toBe('ErrorInvalidParameter');
    expect((await h.fetch(`${base}?startDateTime=2026-01-01T00:00:00Z&endDateTime=2026-02-01T00:00:00Z&$select=subject`)).status).toBe(400);
  });

  it('answers 404 ErrorItemNotFound for an unknown event and 401 InvalidAuthenticationToken without a token', async () => {
    const e = await graphError(client().api('/me/events/AAMkNope').delete());
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe('ErrorItemNotFound');
    const anon = await fetch(`${h.em.apiRoot}me/calendars`);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
  });

  it('creates Teams meetings when asked (isOnlineMeeting + teamsForBusiness)', async () => {
    const ev = (await client()
      .api(`/me/calendars/${h.calendarId}/events`)
      .post({
        subject: 'Teams',
        start: { dateTime: '2026-01-07T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-01-07T10:30:00', timeZone: 'UTC' },
        isOnlineMeeting: true,
        onlineMeetingProvider: 'teamsForBusiness',
      })) as { onlineMeeting: { joinUrl: string } };
    expect(ev.onlineMeeting.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
  });
});
