import { createCore, type Core, type CoreConfig } from '../../main/core';
import { ManualClock } from '../../main/lib/clock';
import type { Booking } from '../../shared/domain';
import { tempDir } from './temp';

const HOUR = 3_600_000;

export interface TestCore {
  core: Core;
  clock: ManualClock;
  dataDir: string;
  close(): Promise<void>;
}

/** A real core over a temp data dir, with a manual clock and the scheduler loop not started. */
export async function makeCore(config: Partial<Omit<CoreConfig, 'dataDir' | 'clock'>> = {}): Promise<TestCore> {
  const t = tempDir();
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const core = await createCore({ dataDir: t.dir, clock, startScheduler: false, ...config });
  return {
    core,
    clock,
    dataDir: t.dir,
    close: async () => {
      await core.dispose();
      t.cleanup();
    },
  };
}

/** Invokes a channel and unwraps the envelope, failing the test with the error body otherwise. */
export async function call<T = unknown>(core: Core, channel: string, input: unknown = {}): Promise<T> {
  const r = await core.router.invoke(channel, input);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.data as T;
}

/**
 * Books the n-th half-hour call, a day (plus n hours) after the core's clock, busy warnings overridden: a booking
 * change whose side effects (outbox rows, calendar jobs) a test wants, with no time clash between calls.
 */
export function bookNth(t: TestCore, n: number): Promise<Booking> {
  const start = t.clock.now() + (24 + n) * HOUR;
  return call<Booking>(t.core, 'bookings:create', {
    title: `Call ${n}`,
    attendeeName: 'Ada',
    attendeeEmail: 'ada@example.com',
    startUtc: start,
    endUtc: start + HOUR / 2,
    timeZone: 'Europe/Paris',
    overrideBusy: true,
  });
}
