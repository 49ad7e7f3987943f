import { createCore, type Core, type CoreConfig } from '../../main/core';
import { ManualClock } from '../../main/lib/clock';
import { tempDir } from './temp';

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
