import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { SESSION_COOKIE } from '../../../main/host/auth';
import { type BrowserHost, startBrowserHost } from '../../../main/host/server';
import { cspHeader } from '../../../main/shell/csp';
import { APP_JS, INDEX_HTML, json, makeStaticDir, raw } from './helpers';

const TOKEN = 'test-token-0123456789';

let core: Core;
let host: BrowserHost;
let dataDir: string;
let staticDir: string;
let cookie: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'junction-host-'));
  staticDir = makeStaticDir();
  core = await createCore({ dataDir, startScheduler: false });
  host = await startBrowserHost({ core, port: 0, token: TOKEN, staticDir });
});

afterAll(async () => {
  await host?.close();
  await core?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(staticDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => raw({ port: host.port, path, headers });
const ipc = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  raw({
    port: host.port,
    path: `/ipc/${channel}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('startBrowserHost', () => {
  it('listens on 127.0.0.1 with an ephemeral port and reports its URLs', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.openUrl).toBe(`${host.url}/?token=${TOKEN}`);
    expect(host.token).toBe(TOKEN);
  });

  it('generates a 256-bit token when none is given', async () => {
    const h = await startBrowserHost({ core, staticDir });
    try {
      expect(Buffer.from(h.token, 'base64url')).toHaveLength(32);
      expect((await raw({ port: h.port, path: '/', headers: { authorization: `Bearer ${h.token}` } })).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('authentication', () => {
  it('refuses a request with no token or cookie (401, with how to open Junction)', async () => {
    const page = await get('/', { accept: 'text/html' });
    expect(page.status).toBe(401);
    expect(page.body).toContain('?token=');
    expect(page.headers['content-security-policy']).toBe(cspHeader());
    const api = await ipc('bookings:list', {});
    expect(api.status).toBe(401);
    expect(json(api)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await get('/events')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
  });

  it('refuses a wrong token, bearer or cookie', async () => {
    const wrong = await get('/?token=wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await ipc('bookings:list', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get('/', { cookie: `${SESSION_COOKIE}=wrong` })).status).toBe(401);
    expect((await get('/', { cookie: `${SESSION_COOKIE}=${TOKEN}` })).status).toBe(401);
  });

  it('exchanges ?token= for an HttpOnly SameSite=Strict cookie and drops the token from the URL', async () => {
    const r = await get(`/integrations/logs?tab=1&token=${TOKEN}`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/integrations/logs?tab=1');
    const setCookie = r.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[^;]+;`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).not.toContain(TOKEN);
    cookie = setCookie.split(';')[0] ?? '';

    const plain = await get(`/?token=${TOKEN}`);
    expect(plain.headers.location).toBe('/');
  });

  it('accepts the cookie for pages, assets, /ipc and /events', async () => {
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toBe(INDEX_HTML);
    const asset = await get('/assets/app.js', { cookie });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe(APP_JS);
    const api = await ipc('bookings:list', {}, { cookie });
    expect(api.status).toBe(200);
    expect(json(api)).toEqual({ ok: true, data: { items: [], nextCursor: null } });
    const events = await openEvents(host.port, { cookie });
    expect(events.res.statusCode).toBe(200);
    expect(events.res.headers['content-type']).toContain('text/event-stream');
    events.close();
  });

  it('accepts Authorization: Bearer', async () => {
    const api = await ipc('settings:get', {}, { authorization: `Bearer ${TOKEN}` });
    expect(api.status).toBe(200);
    expect(json(api)).toMatchObject({ ok: true });
    expect((await get('/bookings', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe('DNS rebinding and cross-site requests', () => {
  it('refuses a foreign Host header (403), even with the token', async () => {
    for (const hostHeader of [`evil.com:${host.port}`, 'evil.com', `127.0.0.1:${host.port + 1}`, `127.0.0.1`]) {
      const r = await raw({ port: host.port, path: '/', headers: { host: hostHeader, authorization: `Bearer ${TOKEN}` } });
      expect(r.status, hostHeader).toBe(403);
    }
    const r = await raw({ port: host.port, path: `/?token=${TOKEN}`, headers: { host: `evil.com:${host.port}` } });
    expect(r.status).toBe(403);
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('accepts localhost:<port> as Host', async () => {
    const r = await raw({ port: host.port, path: '/', headers: { host: `localhost:${host.port}`, cookie } });
    expect(r.status).toBe(200);
  });

  it('refuses a foreign Origin (403), even with the cookie', async () => {
    for (const origin of ['http://evil.com', 'null', `http://127.0.0.1:${host.port + 1}`]) {
      const r = await ipc('bookings:list', {}, { cookie, origin });
      expect(r.status, origin).toBe(403);
      expect(json(r)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect((await ipc('bookings:list', {}, { cookie, origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
  });

  it('never sends CORS headers', async () => {
    const answers = [
      await ipc('bookings:list', {}, { cookie, origin: 'http://evil.com' }),
      await ipc('bookings:list', {}, { cookie }),
      await raw({ port: host.port, path: '/ipc/bookings:list', method: 'OPTIONS', headers: { origin: 'http://evil.com' } }),
      await get('/', { cookie }),
    ];
    for (const r of answers) {
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('needs Content-Type: application/json on IPC (no form posts)', async () => {
    const r = await raw({
      port: host.port,
      path: '/ipc/bookings:list',
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(r.status).toBe(415);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('puts the CSP and the other security headers on every page', async () => {
    for (const path of ['/', '/integrations/logs', '/nope.html', '/oauth/callback']) {
      const r = await get(path, { cookie });
      expect(r.headers['content-security-policy'], path).toBe(cspHeader());
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });
});

describe('IPC', () => {
  it('a bad bookings:create body is a VALIDATION envelope and writes nothing', async () => {
    const bad = await ipc('bookings:create', { title: '', attendeeEmail: 'not-an-email', startUtc: 5, endUtc: 1 }, { cookie });
    expect(bad.status).toBe(200);
    expect(json(bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(json(await ipc('bookings:list', {}, { cookie }))).toEqual({ ok: true, data: { items: [], nextCursor: null } });
  });

  it('bad JSON is a 400 VALIDATION envelope', async () => {
    const r = await ipc('bookings:create', '{"title":', { cookie });
    expect(r.status).toBe(400);
    expect(json(r)).toEqual({ ok: false, error: { code: 'VALIDATION', message: expect.any(String) } });
  });

  it('a body over 1 MB is refused with 413', async () => {
    const r = await ipc('bookings:create', JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10) }), { cookie });
    expect(r.status).toBe(413);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('a good booking round-trips; unknown and unbuilt channels answer with their codes', async () => {
    const start = Date.UTC(2030, 0, 1, 9);
    const created = await ipc(
      'bookings:create',
      { title: 'Intro', attendeeName: 'Ada', attendeeEmail: 'ada@example.com', startUtc: start, endUtc: start + 1_800_000, timeZone: 'Europe/Paris' },
      { cookie },
    );
    expect(json(created)).toMatchObject({ ok: true, data: { title: 'Intro' } });
    expect(json(await ipc('nope:nothing', {}, { cookie }))).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(json(await ipc('health:get', {}, { cookie }))).toMatchObject({ ok: false, error: { code: 'NOT_IMPLEMENTED' } });
  });

  it('only POST reaches a channel', async () => {
    expect((await get('/ipc/bookings:list', { cookie })).status).toBe(405);
  });
});

describe('server-sent events', () => {
  it('delivers log:appended after core.services.logs.append, and unsubscribes on close', async () => {
    const before = core.pushes.size;
    const events = await openEvents(host.port, { cookie });
    expect(core.pushes.size).toBe(before + 1);
    const got = events.waitFor('event: log:appended');
    await core.services.logs.append({ logType: 'calendar_sync', message: 'hello from the test', success: true });
    const text = await got;
    const data = /event: log:appended\ndata: (.*)\n\n/.exec(text)?.[1];
    expect(JSON.parse(data ?? 'null')).toMatchObject({ message: 'hello from the test', success: true });
    events.close();
    await waitUntil(() => core.pushes.size === before);
  });

  it('sends heartbeats', async () => {
    const h = await startBrowserHost({ core, token: TOKEN, staticDir, heartbeatMs: 50 });
    try {
      const events = await openEvents(h.port, { authorization: `Bearer ${TOKEN}` });
      await events.waitFor(': heartbeat');
      events.close();
    } finally {
      await h.close();
    }
  });
});

describe('static files', () => {
  it('refuses traversal with a raw ../ path', async () => {
    for (const path of ['/../../etc/passwd', '/assets/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const r = await get(path, { cookie });
      expect(r.body, path).not.toContain('root:');
      expect(r.status, path).toBe(400);
    }
  });

  it('does not follow a symlink out of the static dir', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'junction-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    symlinkSync(join(outside, 'secret.txt'), join(staticDir, 'link.txt'));
    try {
      const r = await get('/link.txt', { cookie });
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('top secret');
    } finally {
      rmSync(join(staticDir, 'link.txt'));
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('history routing: a renderer route gets index.html, a missing file 404', async () => {
    const r = await get('/integrations/logs', { cookie });
    expect(r.status).toBe(200);
    expect(r.body).toBe(INDEX_HTML);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect((await get('/assets/missing.js', { cookie })).status).toBe(404);
  });

  it('serves assets with the right content type', async () => {
    expect((await get('/assets/app.js', { cookie })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/style.css', { cookie })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('says the renderer is not built when index.html is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'junction-empty-'));
    const h = await startBrowserHost({ core, token: TOKEN, staticDir: empty });
    try {
      const r = await raw({ port: h.port, path: '/', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(503);
      expect(r.body).toContain('renderer not built: run npm run build');
    } finally {
      await h.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('OAuth callback', () => {
  it('is reachable without the cookie; a forged state goes back to the callback page with the reason', async () => {
    const r = await get('/oauth/callback?code=abc&state=xyz');
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toBeUndefined();
    const m = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(r.body);
    expect(m).not.toBeNull();
    const next = new URL(m![1]!.replaceAll('&#38;', '&'), 'http://x');
    expect(next.pathname).toBe('/integrations/callback');
    expect(Object.fromEntries(next.searchParams)).toMatchObject({ status: 'error' });
    expect(next.searchParams.get('code')).toBe('OAUTH_STATE_INVALID');
    expect(next.searchParams.get('message')).toMatch(/does not belong to a sign-in Junction started/);
  });
});

describe('close()', () => {
  it('ends event streams and leaves no open sockets', async () => {
    const h = await startBrowserHost({ core, token: TOKEN, staticDir });
    const before = core.pushes.size;
    const events = await openEvents(h.port, { authorization: `Bearer ${TOKEN}` });
    // An idle keep-alive connection too.
    const idle = connect(h.port, '127.0.0.1');
    await new Promise<void>((r) => idle.once('connect', () => r()));
    const ended = new Promise<void>((r) => events.res.once('close', () => r()));

    const t0 = Date.now();
    await h.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    await ended;
    await new Promise<void>((r) => (idle.destroyed ? r() : idle.once('close', () => r())));
    expect(core.pushes.size).toBe(before);
    await waitUntil(() => openSocketsTo(h.port) === 0);
    await expect(raw({ port: h.port, path: '/' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await h.close(); // idempotent
  });
});

// --- helpers ---

interface EventsClient {
  res: IncomingMessage;
  waitFor(text: string): Promise<string>;
  close(): void;
}

function openEvents(port: number, headers: Record<string, string>): Promise<EventsClient> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/events', agent: false, headers: { host: `127.0.0.1:${port}`, accept: 'text/event-stream', ...headers } },
      (res) => {
        let buffer = '';
        const waiters: Array<{ text: string; resolve: (s: string) => void }> = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (const w of [...waiters]) {
            if (buffer.includes(w.text)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(buffer);
            }
          }
        });
        res.on('error', () => undefined);
        resolve({
          res,
          waitFor: (text) =>
            buffer.includes(text) ? Promise.resolve(buffer) : new Promise((r) => waiters.push({ text, resolve: r })),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function openSocketsTo(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => {
    const s = h as { localPort?: number; remotePort?: number; destroyed?: boolean };
    return (s.localPort === port || s.remotePort === port) && !s.destroyed;
  }).length;
}

async function waitUntil(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
