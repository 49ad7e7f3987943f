import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../shared/ipc/contract';
import { PUSH_NAMES } from '../../../shared/ipc/push';
import { isForwardedChannel, isForwardedPush, PRELOAD_CHANNELS, PRELOAD_PUSHES } from '../../../preload/allow-list';
import { createPreloadApi, type PreloadTransport } from '../../../preload/api';

function fakeTransport() {
  const calls: Array<[string, unknown]> = [];
  const subs = new Map<string, Set<(p: unknown) => void>>();
  const transport: PreloadTransport = {
    invoke: async (channel, input) => {
      calls.push([channel, input]);
      return { ok: true, data: { echoed: channel } };
    },
    subscribe: (name, listener) => {
      const set = subs.get(name) ?? new Set();
      subs.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  const emit = (name: string, payload: unknown) => subs.get(name)?.forEach((l) => l(payload));
  return { transport, calls, subs, emit };
}

describe('preload allow-list', () => {
  it('is exactly the contract channels and push names', () => {
    expect([...PRELOAD_CHANNELS].sort()).toEqual([...CHANNELS].sort());
    expect([...PRELOAD_PUSHES].sort()).toEqual([...PUSH_NAMES].sort());
    expect(isForwardedChannel('bookings:list')).toBe(true);
    expect(isForwardedChannel('constructor')).toBe(false);
    expect(isForwardedChannel('__proto__')).toBe(false);
    expect(isForwardedPush('log:appended')).toBe(true);
    expect(isForwardedPush('bookings:list')).toBe(false);
  });
  it('does not import electron (so tests and the lint can load it)', () => {
    const src = readFileSync(new URL('../../../preload/allow-list.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/from ['"]electron['"]/);
    const api = readFileSync(new URL('../../../preload/api.ts', import.meta.url), 'utf8');
    expect(api).not.toMatch(/from ['"]electron['"]/);
  });
});

describe('createPreloadApi', () => {
  it('forwards contract channels', async () => {
    const f = fakeTransport();
    const api = createPreloadApi(f.transport);
    await expect(api.invoke('bookings:list', {})).resolves.toEqual({ ok: true, data: { echoed: 'bookings:list' } });
    expect(f.calls).toEqual([['bookings:list', {}]]);
  });
  it('rejects other channels with VALIDATION, without calling the transport', async () => {
    const f = fakeTransport();
    const api = createPreloadApi(f.transport) as unknown as { invoke(c: unknown, i: unknown): Promise<unknown> };
    for (const bad of ['shell:openExternal', 'bookings:list ', '', 42, null, '__proto__']) {
      await expect(api.invoke(bad, {})).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(f.calls).toEqual([]);
  });
  it('turns a failing transport into an INTERNAL envelope', async () => {
    const api = createPreloadApi({
      invoke: () => Promise.reject(new Error('No handler registered')),
      subscribe: () => () => undefined,
    });
    await expect(api.invoke('bookings:list', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
  it('subscribes only to push names, delivers the payload alone, and unsubscribes', () => {
    const f = fakeTransport();
    const api = createPreloadApi(f.transport);
    const seen: unknown[] = [];
    const off = api.on('log:appended', (p) => seen.push(p));
    f.emit('log:appended', { id: 'l1' });
    off();
    f.emit('log:appended', { id: 'l2' });
    expect(seen).toEqual([{ id: 'l1' }]);

    const loose = api as unknown as { on(n: unknown, l: unknown): () => void };
    loose.on('bookings:list', () => undefined);
    loose.on('log:appended', 'not a function');
    expect(f.subs.has('bookings:list')).toBe(false);
    expect(f.subs.get('log:appended')?.size).toBe(0);
  });
});
