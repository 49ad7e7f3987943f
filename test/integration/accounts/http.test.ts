// ProviderHttp against the Google and Zoom emulators: bearer tokens, 401 → one forced refresh, retries with
// Retry-After (waits recorded by an injected sleep, nothing really sleeps), error mapping, api_calls rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import type { IntegrationRef } from '../../../main/db/repos/accounts';
import { ApiCallsRepo } from '../../../main/db/repos/api-calls';
import type { ApiCallRow } from '../../../main/db/schema';
import { type AttemptInfo, type AttemptOutcome, ProviderHttp, type ProviderHttpOptions } from '../../../main/providers/http';
import { type Harness, makeHarness } from './harness';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const brief = (rows: ApiCallRow[]) => rows.map((r) => [r.status, r.error_code, r.retried]);

describe('ProviderHttp', () => {
  let h: Harness;
  let ref: IntegrationRef;
  let accessToken: string;
  let waits: number[];
  let http: ProviderHttp;
  let calendarUrl: string;
  let eventsUrl: string;
  let seenAuth: string[];

  const make = (extra: Partial<ProviderHttpOptions> = {}) =>
    new ProviderHttp({
      db: h.db,
      clock: h.clock,
      tokens: h.tokens,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      ...extra,
    });
  const calls = () => new ApiCallsRepo(h.db).list({ provider: 'google' });

  beforeEach(async () => {
    h = await makeHarness({ tokenPrefix: 'HTTPMARK' });
    ({ ref, accessToken } = await h.connect('google', 'calendar', 'google'));
    waits = [];
    seenAuth = [];
    const g = h.emulators.google;
    g.addRoute('GET', '/calendar/v3/users/me/calendarList', (req, _res, ctx) => {
      seenAuth.push(req.headers.authorization ?? '');
      if (!ctx.authenticate()) return;
      ctx.json(200, { kind: 'calendar#calendarList', items: [{ id: 'primary', summary: 'Me' }] });
    });
    g.addRoute('POST', '/calendar/v3/calendars/primary/events', (_req, _res, ctx) => {
      if (!ctx.authenticate()) return;
      ctx.json(200, { id: 'evt1', received: JSON.parse(ctx.body) as unknown });
    });
    g.addRoute('DELETE', '/calendar/v3/calendars/primary/events/evt1', (_req, res, ctx) => {
      if (!ctx.authenticate()) return;
      res.writeHead(204).end();
    });
    calendarUrl = `${g.url}/calendar/v3/users/me/calendarList`;
    eventsUrl = `${g.url}/calendar/v3/calendars/primary/events`;
    http = make();
  });
  afterEach(async () => {
    await h.close();
  });

  const list = (over: Partial<Parameters<ProviderHttp['request']>[0]> = {}) =>
    http.request<{ items: { id: string }[] }>({
      provider: 'google',
      operation: 'calendarList.list',
      integration: ref,
      url: calendarUrl,
      ...over,
    });

  it('attaches the bearer token, parses JSON and records the call', async () => {
    h.clock.advance(1234);
    const r = await list();
    expect(r.status).toBe(200);
    expect(r.body.items[0]!.id).toBe('primary');
    expect(seenAuth).toEqual([`Bearer ${accessToken}`]);
    const rows = await calls();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: 'google',
      operation: 'calendarList.list',
      integration_id: ref.id,
      status: 200,
      error_code: null,
      retried: 0,
      created_at: h.clock.now(),
    });
    expect(rows[0]!.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('sends JSON bodies and accepts an empty 204', async () => {
    const created = await http.request<{ id: string; received: unknown }>({
      provider: 'google',
      operation: 'events.insert',
      integration: ref,
      method: 'POST',
      url: eventsUrl,
      json: { summary: 'Coaching' },
    });
    expect(created.body).toEqual({ id: 'evt1', received: { summary: 'Coaching' } });
    const deleted = await http.request({ provider: 'google', operation: 'events.delete', integration: ref, method: 'DELETE', url: `${eventsUrl}/evt1` });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
  });

  it('refreshes first when the stored token has expired', async () => {
    h.clock.advance(3_600_000);
    await list();
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
    expect(seenAuth[0]).not.toBe(`Bearer ${accessToken}`);
  });

  it('honours Retry-After on 429 (seconds and HTTP-date) and records every attempt', async () => {
    h.emulators.google.failNext('api', { status: 429, retryAfterSec: 7 });
    const when = new Date(h.clock.now() + 12_000).toUTCString();
    h.emulators.google.failNext('api', { status: 503, headers: { 'Retry-After': when } });
    const r = await list();
    expect(r.status).toBe(200);
    expect(waits).toEqual([7000, 12_000]);
    expect(brief(await calls())).toEqual([
      [429, 'RATE_LIMITED', 0],
      [503, 'PROVIDER_UNAVAILABLE', 1],
      [200, null, 1],
    ]);
  });

  it('backs off exponentially with jitter when there is no Retry-After', async () => {
    h.emulators.google.failNext('api', { status: 500 });
    h.emulators.google.failNext('api', { status: 502 });
    await list();
    // equal jitter with random 0.5: 3/4 of 500 ms, then of 1000 ms
    expect(waits).toEqual([375, 750]);
    expect(brief(await calls())).toEqual([
      [500, 'PROVIDER_UNAVAILABLE', 0],
      [502, 'PROVIDER_UNAVAILABLE', 1],
      [200, null, 1],
    ]);
  });

  it('gives up after maxAttempts with PROVIDER_UNAVAILABLE naming the provider', async () => {
    h.emulators.google.failNext('api', { status: 504, times: 5 });
    const e = await rejection(list());
    expect(e.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e.message).toBe('Google Calendar is having problems right now (HTTP 504). Junction will try again later.');
    expect(e.details).toMatchObject({ provider: 'google', operation: 'calendarList.list', status: 504, attempts: 3 });
    expect(waits).toHaveLength(2);
    expect(await calls()).toHaveLength(3);
  });

  it('maps a lasting 429 to RATE_LIMITED with retryAfterMs; a Retry-After beyond the cap is not waited for', async () => {
    h.emulators.google.failNext('api', { status: 429, retryAfterSec: 2, times: 3 });
    const e = await rejection(list());
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.details).toMatchObject({ retryAfterMs: 2000, status: 429 });
    expect(e.message).toMatch(/^Google Calendar is limiting how often Junction may call it\. Junction will try again in about 2 seconds\.$/);
    expect(waits).toEqual([2000, 2000]);

    waits = [];
    h.emulators.google.failNext('api', { status: 429, retryAfterSec: 3600 });
    const long = await rejection(list());
    expect(long.code).toBe('RATE_LIMITED');
    expect(long.details).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(waits).toEqual([]);
  });

  it('on 401 refreshes once (forced) and retries once', async () => {
    // The provider stops honouring the token before the recorded expiry.
    expect(h.emulators.google.expireToken(accessToken)).toBe(true);
    const r = await list();
    expect(r.status).toBe(200);
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
    expect(seenAuth).toHaveLength(2);
    expect(seenAuth[0]).toBe(`Bearer ${accessToken}`);
    expect(seenAuth[1]).not.toBe(seenAuth[0]);
    expect(waits).toEqual([]);
    const rows = await new ApiCallsRepo(h.db).list();
    expect(rows.map((c) => [c.operation, c.status, c.error_code, c.retried])).toEqual([
      ['calendarList.list', 401, 'TOKEN_EXPIRED', 0],
      ['oauth.refresh', 200, null, 0],
      ['calendarList.list', 200, null, 1],
    ]);
  });

  it('concurrent 401s share one refresh', async () => {
    h.emulators.google.expireToken(accessToken);
    await Promise.all(Array.from({ length: 8 }, () => list()));
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
  });

  it('a 401 after the refresh is TOKEN_EXPIRED', async () => {
    h.emulators.google.failNext('api', { status: 401, times: 2, body: { error: { code: 401, status: 'UNAUTHENTICATED' } } });
    const e = await rejection(list());
    expect(e.code).toBe('TOKEN_EXPIRED');
    expect(e.message).toMatch(/^Google Calendar did not accept Junction's access, even after renewing it/);
    expect(e.details).toMatchObject({ status: 401, providerCode: 'UNAUTHENTICATED' });
    expect(h.emulators.google.counters.refreshRequests).toBe(1);
  });

  it('a revoked grant surfaces as DISCONNECTED from the 401 refresh', async () => {
    h.emulators.google.revokeAll();
    const e = await rejection(list());
    expect(e.code).toBe('DISCONNECTED');
    expect((await h.accounts.get(ref))?.connectionStatus).toBe('disconnected');
    // Now nothing is sent at all.
    const before = h.emulators.google.counters.apiRequests;
    expect((await rejection(list())).code).toBe('DISCONNECTED');
    expect(h.emulators.google.counters.apiRequests).toBe(before);
  });

  it('maps 403 → FORBIDDEN, 404 → NOT_FOUND, 409 → CONFLICT, 400 → VALIDATION, without retrying', async () => {
    const cases: [number, string, RegExp][] = [
      [403, 'FORBIDDEN', /^Google Calendar refused this request/],
      [404, 'NOT_FOUND', /^Google Calendar could not find/],
      [409, 'CONFLICT', /^Google Calendar reported a conflict/],
      [400, 'VALIDATION', /^Google Calendar rejected the request \(HTTP 400\)/],
    ];
    for (const [status, code, message] of cases) {
      h.emulators.google.failNext('api', { status, body: { error: { code: status, message: 'nope', errors: [{ reason: 'someReason' }] } } });
      const e = await rejection(list());
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.details).toMatchObject({ status, providerCode: 'someReason' });
    }
    expect(waits).toEqual([]);
    expect(brief(await calls())).toEqual([
      [403, 'FORBIDDEN', 0],
      [404, 'NOT_FOUND', 0],
      [409, 'CONFLICT', 0],
      [400, 'VALIDATION', 0],
    ]);
  });

  it('hands back statuses the caller accepts (Google 410 for a stale sync token)', async () => {
    h.emulators.google.failNext('api', { status: 410, body: { error: { code: 410, errors: [{ reason: 'fullSyncRequired' }] } } });
    const r = await list({ acceptStatuses: [410] });
    expect(r.status).toBe(410);
    expect(r.body).toMatchObject({ error: { code: 410 } });
  });

  it('malformed JSON is PROVIDER_UNAVAILABLE "sent a response Junction could not read"', async () => {
    h.emulators.google.failNext('api', { malformed: true });
    const e = await rejection(list());
    expect(e.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e.message).toBe('Google Calendar sent a response Junction could not read.');
    expect(brief(await calls())).toEqual([[200, 'PROVIDER_UNAVAILABLE', 0]]);
  });

  it('does not repeat a POST after a 500 (it may have acted), but does after 429/503 or when idempotent', async () => {
    const post = (idempotent?: boolean) =>
      http.request({
        provider: 'google',
        operation: 'events.insert',
        integration: ref,
        method: 'POST',
        url: eventsUrl,
        json: { summary: 'x' },
        ...(idempotent !== undefined ? { idempotent } : {}),
      });
    h.emulators.google.failNext('api', { status: 500 });
    expect((await rejection(post())).code).toBe('PROVIDER_UNAVAILABLE');
    expect(waits).toEqual([]);

    h.emulators.google.failNext('api', { status: 503, retryAfterSec: 1 });
    expect((await post()).status).toBe(200);
    h.emulators.google.failNext('api', { status: 500 });
    expect((await post(true)).status).toBe(200);
    expect(waits).toEqual([1000, 375]);
  });

  it('times out a hung provider and retries (timeoutMs per attempt)', async () => {
    http = make({ timeoutMs: 50, maxAttempts: 2 });
    h.emulators.google.failNext('api', { hang: true });
    const r = await list();
    expect(r.status).toBe(200);
    expect(brief(await calls())).toEqual([
      [null, 'PROVIDER_UNAVAILABLE', 0],
      [200, null, 1],
    ]);
    h.emulators.google.failNext('api', { hang: true, times: 2 });
    const e = await rejection(list());
    expect(e.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e.message).toBe('Google Calendar did not answer within 50 ms.');
  });

  it('network failures: retried, then PROVIDER_UNAVAILABLE with status null', async () => {
    const url = h.emulators.google.url;
    await h.emulators.google.close(); // nothing listens there any more
    const e = await rejection(
      http.request({ provider: 'zoom', operation: 'users.me', url: `${url}/v2/users/me`, auth: 'none' }),
    );
    expect(e.code).toBe('PROVIDER_UNAVAILABLE');
    expect(e.message).toBe('Zoom could not be reached. Check the internet connection.');
    const rows = await new ApiCallsRepo(h.db).list({ provider: 'zoom' });
    expect(brief(rows)).toEqual([
      [null, 'PROVIDER_UNAVAILABLE', 0],
      [null, 'PROVIDER_UNAVAILABLE', 1],
      [null, 'PROVIDER_UNAVAILABLE', 1],
    ]);
  });

  it('has a seam for the circuit breaker: hooks see every attempt and may refuse one', async () => {
    const seen: (AttemptInfo & AttemptOutcome)[] = [];
    let open = false;
    http = make({
      hooks: {
        beforeRequest: () => {
          if (open) throw new AppError('PROVIDER_UNAVAILABLE', 'Google Calendar is paused after repeated failures.');
        },
        afterResponse: (o) => seen.push(o),
      },
    });
    h.emulators.google.failNext('api', { status: 503, retryAfterSec: 1 });
    await list();
    expect(seen.map((s) => [s.attempt, s.status, s.errorCode])).toEqual([
      [1, 503, 'PROVIDER_UNAVAILABLE'],
      [2, 200, null],
    ]);
    open = true;
    const before = h.emulators.google.counters.apiRequests;
    expect((await rejection(list())).message).toMatch(/paused/);
    expect(h.emulators.google.counters.apiRequests).toBe(before);
  });

  it('passes a caller abort on as is, and stops waiting between attempts', async () => {
    const controller = new AbortController();
    http = make({
      sleep: async (_ms, signal) => {
        controller.abort(new Error('job cancelled'));
        if (signal?.aborted) throw signal.reason;
      },
    });
    h.emulators.google.failNext('api', { status: 503, retryAfterSec: 1 });
    await expect(list({ signal: controller.signal })).rejects.toThrow('job cancelled');
  });

  it('never puts a token in an error, its details or api_calls', async () => {
    h.emulators.google.failNext('api', { status: 403, body: { error: { message: `bad token ${accessToken}` } } });
    const e = await rejection(list());
    h.emulators.google.expireToken(accessToken);
    h.emulators.google.failNext('api', { status: 401, times: 2 });
    const e2 = await rejection(list());
    const dump = JSON.stringify([e.toBody(), e2.toBody(), await new ApiCallsRepo(h.db).list()]);
    expect(dump).not.toContain('HTTPMARK');
    expect(dump).not.toContain(accessToken);
  });
});
