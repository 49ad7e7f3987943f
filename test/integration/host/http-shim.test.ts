// The renderer's HTTP shim against a real browser host and core. Node 20 has no EventSource, so a minimal one
// over node:http stands in (same wire format, real /events stream).
import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { type BrowserHost, startBrowserHost } from '../../../main/host/server';
import { createHttpApi, installApi } from '../../../renderer/api/http-shim';
import type { JunctionApi } from '../../../shared/ipc/api';
import type { LogEntry } from '../../../shared/domain';
import { makeStaticDir } from './helpers';

const TOKEN = 'shim-token';
let core: Core;
let host: BrowserHost;
const dirs: string[] = [];
const sources: NodeEventSource[] = [];

/** Just enough EventSource: named events, `data:` lines, close(). Sends the bearer token (tests only). */
class NodeEventSource {
  readonly listeners = new Map<string, Set<(ev: { data: string }) => void>>();
  readonly req: ClientRequest;
  closed = false;
  constructor(url: string) {
    sources.push(this);
    const u = new URL(url);
    this.req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, agent: false, headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let end: number;
          while ((end = buf.indexOf('\n\n')) !== -1) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            let name = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) name = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length) this.listeners.get(name)?.forEach((l) => l({ data: data.join('\n') }));
          }
        });
        res.on('error', () => undefined);
      },
    );
    this.req.on('error', () => undefined);
    this.req.end();
  }
  addEventListener(name: string, l: (ev: { data: string }) => void) {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    set.add(l);
  }
  close() {
    this.closed = true;
    this.req.destroy();
  }
}

function api(baseUrl = host.url, withAuth = true): JunctionApi {
  return createHttpApi({
    baseUrl,
    fetch: (input, init) =>
      fetch(input, withAuth ? { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } } : init),
    EventSource: NodeEventSource as unknown as typeof EventSource,
  });
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'junction-shim-'));
  const staticDir = makeStaticDir();
  dirs.push(dataDir, staticDir);
  core = await createCore({ dataDir, startScheduler: false });
  host = await startBrowserHost({ core, token: TOKEN, staticDir });
});

afterAll(async () => {
  for (const s of sources) s.close();
  await host?.close();
  await core?.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('createHttpApi', () => {
  it('invokes channels over POST /ipc and returns the envelope', async () => {
    await expect(api().invoke('bookings:list', {})).resolves.toEqual({ ok: true, data: { items: [], nextCursor: null } });
    const bad = await api().invoke('bookings:create', {
      title: '',
      attendeeName: 'A',
      attendeeEmail: 'x',
      startUtc: 2,
      endUtc: 1,
      timeZone: 'UTC',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('passes the host refusal through as an envelope', async () => {
    await expect(api(host.url, false).invoke('bookings:list', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
  });

  it('turns an unreachable host into an envelope, not a throw', async () => {
    const h = await startBrowserHost({ core, token: TOKEN, staticDir: dirs[1] ?? '' });
    const url = h.url;
    await h.close();
    const r = await api(url).invoke('bookings:list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'PROVIDER_UNAVAILABLE' } });
    if (!r.ok) expect(r.error.message).toContain('Junction is not reachable');
  });

  it('delivers pushes from one shared EventSource and closes it when the last listener leaves', async () => {
    const before = sources.length;
    const subscribers = core.pushes.size;
    const a = api();
    const got: LogEntry[] = [];
    const offA = a.on('log:appended', (e) => got.push(e));
    const offB = a.on('integration:changed', () => undefined);
    expect(sources.length).toBe(before + 1);
    // One stream for both names; wait until the server has attached it to the push bus.
    await waitUntil(() => core.pushes.size === subscribers + 1);
    await core.services.logs.append({ logType: 'error', message: 'pushed through the shim', success: false });
    await waitUntil(() => got.length === 1);
    expect(got[0]).toMatchObject({ message: 'pushed through the shim', success: false });
    offA();
    offA(); // idempotent
    expect(sources.at(-1)?.closed).toBe(false);
    offB();
    expect(sources.at(-1)?.closed).toBe(true);
    await waitUntil(() => core.pushes.size === subscribers);
  });
});

describe('installApi', () => {
  it('installs the shim only when preload has not exposed window.junction', () => {
    const g = globalThis as unknown as { junction?: unknown };
    try {
      delete g.junction;
      const installed = installApi();
      expect(g.junction).toBe(installed);
      expect(typeof installed.invoke).toBe('function');
      const preload = { invoke: () => undefined, on: () => undefined };
      g.junction = preload;
      expect(installApi()).toBe(preload);
      expect(g.junction).toBe(preload);
    } finally {
      delete g.junction;
    }
  });
});

async function waitUntil(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
