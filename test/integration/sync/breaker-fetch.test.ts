// The circuit breaker in ProviderHttp's hooks and fetchFor, against a real loopback HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import type { Database } from '../../../main/db/schema';
import { ManualClock } from '../../../main/lib/clock';
import { ProviderHttp } from '../../../main/providers/http';
import { CircuitBreaker } from '../../../main/providers/http/breaker';
import { fetchFor } from '../../../main/providers/http/fetch-adapter';
import { tempDir } from '../../support/temp';

describe('circuit breaker and fetchFor over ProviderHttp', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Kysely<Database>;
  let server: Server;
  let base: string;
  let status = 500;
  let hits = 0;
  const seen: { method: string; auth: string | undefined; body: string; type: string | undefined }[] = [];
  const clock = new ManualClock();

  beforeEach(async () => {
    t = tempDir();
    ({ db } = openDatabase(join(t.dir, 'j.db')));
    await migrateToLatest(db as unknown as Kysely<unknown>);
    hits = 0;
    seen.length = 0;
    server = createServer((req, res) => {
      hits++;
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, auth: req.headers.authorization, body, type: req.headers['content-type'] });
        if (req.url === '/gone') {
          res.writeHead(410, { 'content-type': 'application/json' }).end('{"error":{"code":410,"message":"Sync token is no longer valid"}}');
          return;
        }
        if (req.url === '/empty') {
          res.writeHead(204).end();
          return;
        }
        res.writeHead(status, { 'content-type': 'text/plain', etag: '"e1"' }).end(status === 200 ? 'hello' : 'boom');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await db.destroy();
    t.cleanup();
  });

  const make = (breaker?: CircuitBreaker) =>
    new ProviderHttp({
      db,
      clock,
      tokens: { getAccessToken: async () => 'tok-123', refresh: async () => undefined },
      maxAttempts: 1,
      sleep: async () => undefined,
      ...(breaker ? { hooks: breaker } : {}),
    });

  it('opens after N consecutive 5xx, refuses during the cool-down, lets one probe through and closes on success', async () => {
    const breaker = new CircuitBreaker({ clock, failureThreshold: 3, coolDownMs: 30_000 });
    const http = make(breaker);
    const get = () => http.request({ provider: 'google', operation: 'events.list', url: `${base}/x`, responseType: 'text' });
    status = 500;
    for (let i = 0; i < 3; i++) await expect(get()).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(hits).toBe(3);
    expect(breaker.state('google')).toBe('open');
    await expect(get()).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Google Calendar is failing; Junction paused calls for 30 s.',
    });
    expect(hits).toBe(3); // refused without calling
    // Another provider is unaffected.
    await expect(http.request({ provider: 'outlook', operation: 'x', url: `${base}/x`, responseType: 'text' })).rejects.toMatchObject({
      details: { status: 500 },
    });
    expect(hits).toBe(4);

    // After the cool-down one probe goes through; it fails → open again for a new cool-down.
    clock.advance(30_000);
    expect(breaker.state('google')).toBe('half-open');
    await expect(get()).rejects.toMatchObject({ details: { status: 500 } });
    expect(hits).toBe(5);
    await expect(get()).rejects.toMatchObject({ details: { reason: 'circuit_open' } });
    expect(hits).toBe(5);

    // Next probe succeeds → closed; calls flow again.
    clock.advance(30_000);
    status = 200;
    expect((await get()).body).toBe('hello');
    expect(breaker.state('google')).toBe('closed');
    expect((await get()).body).toBe('hello');
    expect(hits).toBe(7);
    // A 4xx is an answer, not an outage: it does not count towards opening.
    status = 404;
    for (let i = 0; i < 5; i++) await expect(get()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(breaker.state('google')).toBe('closed');
  });

  it('fetchFor: raw bodies, bearer from the token source, 4xx handed back as Responses, api_calls recorded', async () => {
    const http = make();
    const f = fetchFor(http, { provider: 'google', operation: (m) => `calendar.${m.toLowerCase()}`, integration: { kind: 'calendar', id: 'i1' } });
    status = 200;
    const res = await f(`${base}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer from-library' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
    expect(res.headers.get('etag')).toBe('"e1"');
    expect(seen.at(-1)).toEqual({ method: 'POST', auth: 'Bearer tok-123', body: '{"a":1}', type: 'application/json' });
    const gone = await f(`${base}/gone`);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: number } }).error.code).toBe(410);
    expect((await f(`${base}/empty`, { method: 'DELETE' })).status).toBe(204);
    status = 503;
    await expect(f(`${base}/x`)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', details: { status: 503 } });
    const calls = await db.selectFrom('api_calls').select(['operation', 'status', 'integration_id']).orderBy('id').execute();
    expect(calls.map((c) => [c.operation, c.status, c.integration_id])).toEqual([
      ['calendar.post', 200, 'i1'],
      ['calendar.get', 410, 'i1'],
      ['calendar.delete', 204, 'i1'],
      ['calendar.get', 503, 'i1'],
    ]);

    // CalDAV style: no bearer, an explicit Basic header, a Request object with a body.
    const basic = fetchFor(http, {
      provider: 'apple',
      operation: 'caldav.report',
      integration: { kind: 'calendar', id: 'i2' },
      auth: 'none',
      headers: { authorization: 'Basic dTpw' },
    });
    status = 200;
    await basic(new Request(`${base}/cal/`, { method: 'REPORT', body: '<x/>', headers: { 'content-type': 'application/xml' } }));
    expect(seen.at(-1)).toEqual({ method: 'REPORT', auth: 'Basic dTpw', body: '<x/>', type: 'application/xml' });
  });
});
