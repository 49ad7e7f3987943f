// ProviderHttp with an injected fetch: timeouts and connection errors, and which failures a POST may repeat.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import { ApiCallsRepo } from '../../../main/db/repos/api-calls';
import type { Database } from '../../../main/db/schema';
import { ManualClock } from '../../../main/lib/clock';
import { ProviderHttp } from '../../../main/providers/http';
import { tempDir } from '../../support/temp';

describe('ProviderHttp (injected fetch)', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Kysely<Database>;
  let waits: number[];
  beforeEach(async () => {
    t = tempDir();
    ({ db } = openDatabase(join(t.dir, 'j.db')));
    await migrateToLatest(db as unknown as Kysely<unknown>);
    waits = [];
  });
  afterEach(async () => {
    await db.destroy();
    t.cleanup();
  });

  const tokens = {
    getAccessToken: async () => 'tok',
    refresh: async () => undefined,
  };
  const make = (fetchImpl: typeof fetch) =>
    new ProviderHttp({
      db,
      clock: new ManualClock(),
      tokens,
      fetch: fetchImpl,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0,
      monotonic: () => 0,
    });
  const fail = (err: unknown) => {
    let n = 0;
    const f = (async () => {
      n++;
      throw err;
    }) as unknown as typeof fetch;
    return { f, count: () => n };
  };

  it('a timeout is PROVIDER_UNAVAILABLE; GETs are retried, POSTs are not (the provider may have acted)', async () => {
    const timeout = fail(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const http = make(timeout.f);
    await expect(http.request({ provider: 'webex', operation: 'meetings.list', url: 'https://x/v1/meetings' })).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Webex did not answer within 15 seconds.',
    });
    expect(timeout.count()).toBe(3);
    // equal jitter with random 0: half of 500 ms, then of 1000 ms
    expect(waits).toEqual([250, 500]);
    await expect(
      http.request({ provider: 'webex', operation: 'meetings.create', method: 'POST', url: 'https://x/v1/meetings', json: {} }),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(timeout.count()).toBe(4);
  });

  it('a refused connection (nothing sent) lets even a POST be retried; a reset one does not', async () => {
    const refused = fail(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    await expect(
      make(refused.f).request({ provider: 'zoom', operation: 'meetings.create', method: 'POST', url: 'https://x', json: {} }),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: 'Zoom could not be reached. Check the internet connection.' });
    expect(refused.count()).toBe(3);
    const reset = fail(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }));
    await expect(
      make(reset.f).request({ provider: 'zoom', operation: 'meetings.create', method: 'POST', url: 'https://x', json: {} }),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(reset.count()).toBe(1);
    const rows = await new ApiCallsRepo(db).list();
    expect(rows.map((r) => [r.status, r.error_code, r.retried, r.latency_ms])).toEqual([
      [null, 'PROVIDER_UNAVAILABLE', 0, 0],
      [null, 'PROVIDER_UNAVAILABLE', 1, 0],
      [null, 'PROVIDER_UNAVAILABLE', 1, 0],
      [null, 'PROVIDER_UNAVAILABLE', 0, 0],
    ]);
  });

  it('sends form bodies and the bearer token, and refuses a bearer call without an integration', async () => {
    let seen: { headers: Headers; body: string } | null = null;
    const http = make((async (_url: string, init: RequestInit) => {
      seen = { headers: new Headers(init.headers), body: String(init.body) };
      return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch);
    const r = await http.request({
      provider: 'google',
      operation: 'x',
      integration: { kind: 'calendar', id: 'c1' },
      method: 'POST',
      url: 'https://x',
      form: new URLSearchParams({ a: '1' }),
    });
    expect(r.body).toEqual({ ok: true });
    expect(seen!.headers.get('authorization')).toBe('Bearer tok');
    expect(seen!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(seen!.body).toBe('a=1');
    await expect(http.request({ provider: 'google', operation: 'x', url: 'https://x', auth: 'bearer' })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('returns text when asked to', async () => {
    const http = make((async () => new Response('BEGIN:VCALENDAR', { status: 200 })) as unknown as typeof fetch);
    const r = await http.request<string>({ provider: 'apple', operation: 'ics', url: 'https://x', responseType: 'text' });
    expect(r.body).toBe('BEGIN:VCALENDAR');
  });
});
