// The contract, the router and the preload allow-list name exactly the same channels — and those are the
// channels of DESIGN.md §8 (copied here, so a channel dropped or renamed in the contract fails this test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, contract } from '../../shared/ipc/contract';
import { PUSH_NAMES } from '../../shared/ipc/push';
import { PRELOAD_CHANNELS, PRELOAD_PUSHES } from '../../preload/allow-list';
import { createPreloadApi } from '../../preload/api';
import { makeCore, type TestCore } from '../support/core';

const DESIGN_CHANNELS = [
  'calendar:list', 'calendar:get', 'calendar:sync', 'calendar:forceSync', 'calendar:update', 'calendar:disconnect',
  'calendar:listCalendars', 'conflicts:list', 'conflicts:resolve', 'conflicts:undo', 'conflicts:history',
  'video:list', 'video:get', 'video:update', 'video:disconnect', 'video:testMeeting',
  'webhooks:list', 'webhooks:create', 'webhooks:get', 'webhooks:update', 'webhooks:delete', 'webhooks:test',
  'webhooks:deliveries', 'webhooks:redeliver', 'webhooks:rotateSecret', 'oauth:initiate', 'oauth:callback',
  'caldav:connect', 'health:get', 'logs:list', 'logs:export', 'bookings:list', 'bookings:create',
  'bookings:reschedule', 'bookings:cancel', 'bookings:complete', 'blocks:list', 'blocks:create', 'blocks:delete',
  'availability:get', 'availability:explain', 'settings:get', 'settings:update',
];
// Channels of our own, of the same domain:verb form (ADR 0001).
const OWN_CHANNELS = ['overview:get', 'notifications:list', 'notifications:markRead', 'providers:get', 'providers:update', 'app:info', 'webhooks:revealSecret'];
const DESIGN_PUSHES = ['sync:progress', 'integration:changed', 'log:appended', 'webhook:delivery'];
const OWN_PUSHES = ['notification:added'];
const IMPLEMENTED_NOW = [
  'bookings:list', 'bookings:create', 'bookings:reschedule', 'bookings:cancel', 'bookings:complete',
  'blocks:list', 'blocks:create', 'blocks:delete', 'logs:list', 'settings:get', 'settings:update',
  'calendar:list', 'video:list', 'webhooks:list', 'overview:get',
  // Connecting accounts (issue 3)
  'oauth:initiate', 'oauth:callback', 'caldav:connect', 'calendar:disconnect', 'video:disconnect',
  'notifications:list', 'notifications:markRead', 'providers:get', 'providers:update', 'app:info',
  // Calendar sync (issue 4)
  'calendar:get', 'calendar:update', 'calendar:listCalendars', 'calendar:sync', 'calendar:forceSync',
  // Calendar sync (issue 4): availability
  'availability:get', 'availability:explain',
  // Webhooks (issue 5): management
  'webhooks:create', 'webhooks:get', 'webhooks:update', 'webhooks:delete', 'webhooks:rotateSecret', 'webhooks:revealSecret',
  // Webhooks (issue 5): outbox and delivery log
  'webhooks:deliveries', 'webhooks:redeliver', 'webhooks:test',
];

describe('contract = router = preload allow-list', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await makeCore();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the contract declares exactly the channels of DESIGN.md §8 plus our own, named domain:verb', () => {
    expect([...CHANNELS].sort()).toEqual([...DESIGN_CHANNELS, ...OWN_CHANNELS].sort());
    for (const c of CHANNELS) expect(c).toMatch(/^[a-z]+:[a-z][A-Za-z]*$/);
    expect(CHANNELS.filter((c) => contract[c].implemented).sort()).toEqual([...IMPLEMENTED_NOW].sort());
    expect([...PUSH_NAMES].sort()).toEqual([...DESIGN_PUSHES, ...OWN_PUSHES].sort());
  });

  it('the router answers every contract channel and nothing else', async () => {
    expect([...t.core.router.channels].sort()).toEqual([...CHANNELS].sort());
    for (const c of CHANNELS) {
      const r = await t.core.router.invoke(c, { definitely: 'not valid' });
      // A known channel either rejects the input or says it is not built yet — never "no such channel".
      expect(r.ok ? 'ok' : r.error.code).toMatch(contract[c].implemented ? /^(VALIDATION|ok)$/ : /^NOT_IMPLEMENTED$/);
    }
    expect(await t.core.router.invoke('bookings:drop', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('preload forwards exactly the contract channels and pushes', async () => {
    expect([...PRELOAD_CHANNELS].sort()).toEqual([...CHANNELS].sort());
    expect([...PRELOAD_PUSHES].sort()).toEqual([...PUSH_NAMES].sort());
    const forwarded: string[] = [];
    const api = createPreloadApi({
      invoke: async (channel, input) => {
        forwarded.push(channel);
        return t.core.router.invoke(channel, input);
      },
      subscribe: () => () => undefined,
    });
    for (const c of CHANNELS) await api.invoke(c, {} as never);
    expect(forwarded).toEqual([...CHANNELS]);
    const r = await api.invoke('fs:readFile' as never, {} as never);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(forwarded).toHaveLength(CHANNELS.length);
  });
});
