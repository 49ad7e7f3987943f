import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry, Page } from '../../shared/domain';
import { PermanentError } from '../../main/scheduler';
import { call, makeCore, type TestCore } from '../support/core';

describe('the scheduler inside the core', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await makeCore();
  });
  afterEach(async () => {
    await t.close();
  });

  it('obeys the schedulerPaused setting, durably, and resumes', async () => {
    const ran: number[] = [];
    t.core.scheduler.register<{ n: number }>('test_job', async (job) => {
      ran.push(job.payload.n);
    });
    await call(t.core, 'settings:update', { schedulerPaused: true });
    await t.core.scheduler.enqueue('test_job', { n: 1 });
    expect(await t.core.scheduler.runDue()).toBe(0);
    expect(ran).toEqual([]);
    await call(t.core, 'settings:update', { schedulerPaused: false });
    // The core's own recurring jobs (token refresh) run in the same pass.
    expect(await t.core.scheduler.runDue()).toBeGreaterThanOrEqual(1);
    expect(ran).toEqual([1]);
  });

  it('writes an error log entry (and pushes it) when a job fails for good', async () => {
    const pushed: string[] = [];
    t.core.pushes.subscribe((name, p) => {
      if (name === 'log:appended') pushed.push((p as LogEntry).message);
    });
    t.core.scheduler.register('doomed', async () => {
      throw new PermanentError('the provider said no');
    });
    await t.core.scheduler.enqueue('doomed', {});
    await t.core.scheduler.runDue();
    await new Promise((r) => setImmediate(r));
    const logs = await call<Page<LogEntry>>(t.core, 'logs:list', { logType: 'error' });
    expect(logs.items[0]).toMatchObject({ message: 'Background job "doomed" failed after 1 attempt', success: false });
    expect(JSON.stringify(logs.items[0]!.details)).toContain('the provider said no');
    expect(pushed).toContain('Background job "doomed" failed after 1 attempt');
  });
});
