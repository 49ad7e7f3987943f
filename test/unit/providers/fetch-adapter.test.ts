// fetchFor's Responses: the body ProviderHttp already read as text is served by text()/json() without a round trip
// through a stream, while arrayBuffer()/blob()/body (tsdav, the Graph client) still read the same bytes.
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/connection';
import { migrateToLatest } from '../../../main/db/migrate';
import type { Database } from '../../../main/db/schema';
import { ManualClock } from '../../../main/lib/clock';
import type { FetchLike } from '../../../main/providers/calendar/types';
import { ProviderHttp } from '../../../main/providers/http';
import { fetchFor } from '../../../main/providers/http/fetch-adapter';
import { tempDir } from '../../support/temp';

const BODY = JSON.stringify({ items: [{ id: 'a', summary: 'Café ☕ 日本 🎉' }], nextPageToken: 'p2' });

describe('fetchFor responses', () => {
  let t: ReturnType<typeof tempDir>;
  let db: Kysely<Database>;
  let answer: () => Response;
  let f: FetchLike;
  beforeEach(async () => {
    t = tempDir();
    ({ db } = openDatabase(join(t.dir, 'j.db')));
    await migrateToLatest(db as unknown as Kysely<unknown>);
    answer = () => new Response(BODY, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', etag: '"e1"' } });
    const http = new ProviderHttp({
      db,
      clock: new ManualClock(),
      tokens: { getAccessToken: async () => 'tok', refresh: async () => undefined },
      fetch: (async () => answer()) as typeof fetch,
      maxAttempts: 1,
      sleep: async () => undefined,
    });
    f = fetchFor(http, { provider: 'google', operation: 'events.list' });
  });
  afterEach(async () => {
    await db.destroy();
    t.cleanup();
  });

  const get = () => f('https://provider.test/calendar/v3/events?x=1');

  it('text(), json(), arrayBuffer(), blob() and the body stream each give the body', async () => {
    const parsed: unknown = JSON.parse(BODY);
    expect(await (await get()).text()).toBe(BODY);
    expect(await (await get()).json()).toEqual(parsed);
    const bytes = Buffer.from(BODY, 'utf8');
    expect(Buffer.from(await (await get()).arrayBuffer()).equals(bytes)).toBe(true);
    expect(await (await (await get()).blob()).text()).toBe(BODY);
    const stream = (await get()).body!;
    const chunks: Uint8Array[] = [];
    for await (const c of stream) chunks.push(c);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('keeps status, headers and url', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('etag')).toBe('"e1"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.url).toBe('https://provider.test/calendar/v3/events?x=1');
  });

  it('a second read: text()/json() answer again from the string; the stream readers read once, as on any Response', async () => {
    const res = await get();
    expect(await res.text()).toBe(BODY);
    expect(await res.text()).toBe(BODY);
    expect(await res.json()).toEqual(JSON.parse(BODY));
    // text()/json() never touched the stream, so one stream read is still there…
    expect(res.bodyUsed).toBe(false);
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toBe(BODY);
    expect(res.bodyUsed).toBe(true);
    // …and only one, like a plain Response.
    await expect(res.arrayBuffer()).rejects.toThrow(TypeError);
    await expect(res.blob()).rejects.toThrow(TypeError);
    expect(await res.text()).toBe(BODY);

    const plain = await get();
    await plain.arrayBuffer();
    await expect(plain.arrayBuffer()).rejects.toThrow(TypeError);
  });

  it('json() of a body that is not JSON rejects with a SyntaxError, as Response.json() does', async () => {
    answer = () => new Response('{"items": [', { status: 200, headers: { 'content-type': 'application/json' } });
    const res = await get();
    const p = res.json();
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toThrow(SyntaxError);
    expect(await res.text()).toBe('{"items": [');
  });

  it('passes a 410 through with its body readable every way', async () => {
    const gone = '{"error":{"code":410,"message":"Sync token is no longer valid"}}';
    answer = () => new Response(gone, { status: 410, headers: { 'content-type': 'application/json' } });
    const res = await get();
    expect(res.status).toBe(410);
    expect(await res.json()).toEqual(JSON.parse(gone));
    expect(Buffer.from(await (await get()).arrayBuffer()).toString('utf8')).toBe(gone);
  });

  it('a 204 has no body: null stream, empty text and arrayBuffer, json() rejects', async () => {
    answer = () => new Response(null, { status: 204 });
    const res = await get();
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(Object.hasOwn(res, 'text')).toBe(false); // the Response's own methods
    expect(await res.text()).toBe('');
    expect((await (await get()).arrayBuffer()).byteLength).toBe(0);
    await expect((await get()).json()).rejects.toThrow(SyntaxError);
  });

  it('an empty 200 body is an empty string, not a missing one', async () => {
    answer = () => new Response('', { status: 200 });
    const res = await get();
    expect(res.body).not.toBeNull();
    expect(await res.text()).toBe('');
    expect((await (await get()).arrayBuffer()).byteLength).toBe(0);
  });
});
