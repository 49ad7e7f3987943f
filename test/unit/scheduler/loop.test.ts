// The worker loop (start/stop) under fake timers: only setTimeout/setInterval are faked, so SQLite and
// promise callbacks run for real while no test ever waits on wall-clock time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SchedulerEvent } from '../../../main/scheduler';
import { deferred, harness, type Harness, until } from './helpers';

let h: Harness;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
  vi.useRealTimers();
});

/**
 * Fires due fake timers, then lets the async work they started finish. At least 1 ms: fake timers set with
 * delay 0 from inside a tick are due 1 ms later.
 */
async function tick(ms = 1): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await new Promise<void>((r) => setImmediate(r));
}

describe('worker loop', () => {
  it('enqueue wakes the loop at once; stop() leaves no timer behind', async () => {
    const s = h.make({ pollIntervalMs: 1000 });
    const ran: number[] = [];
    s.register('t', async (job) => {
      ran.push(job.id);
    });
    s.start();
    expect(s.isStarted).toBe(true);
    await tick();
    expect(s.hasPendingTimer).toBe(true); // idle: waiting for the next poll

    const id = (await s.enqueue('t', {}))!;
    let waited = 0;
    await until(async () => {
      await tick();
      waited++;
      return ran.length === 1;
    });
    expect(waited).toBeLessThan(100); // ms of fake time: the kick, not the 1 s poll
    expect(ran).toEqual([id]);
    await until(async () => (await h.job(id)).status === 'done');

    await s.stop();
    expect(s.isStarted).toBe(false);
    expect(s.hasPendingTimer).toBe(false);
    expect(s.activeCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    // Stopped: nothing is claimed any more, by the loop or by runDue.
    await s.enqueue('t', {});
    expect(await s.runDue()).toBe(0);
    await tick(10_000);
    expect(ran).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('polls for jobs that become due as the clock moves', async () => {
    const s = h.make({ pollIntervalMs: 1000 });
    let ran = 0;
    s.register('later', async () => {
      ran++;
    });
    s.start();
    await s.enqueue('later', {}, { delayMs: 30_000 });
    await tick(5000);
    expect(ran).toBe(0);
    h.clock.advance(30_000);
    await until(async () => {
      await tick(1000);
      return ran === 1;
    });
    await s.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps the other slots busy while one handler hangs', async () => {
    const s = h.make({ pollIntervalMs: 1000, concurrency: 2, heartbeatMs: 0 });
    const hang = deferred();
    let quick = 0;
    s.register('hang', () => hang.promise);
    s.register('quick', async () => {
      quick++;
    });
    s.start();
    await s.enqueue('hang', {});
    await until(async () => {
      await tick();
      return s.activeCount === 1;
    });
    for (let i = 0; i < 5; i++) await s.enqueue('quick', {});
    await until(async () => {
      await tick();
      return quick === 5;
    });
    expect(s.activeCount).toBe(1);
    hang.resolve();
    await s.stop();
    expect(await s.stats()).toMatchObject({ done: 6 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() waits for in-flight handlers and aborts their signal', async () => {
    const s = h.make();
    const gate = deferred();
    let aborted = false;
    s.register('long', async (job) => {
      job.signal.addEventListener('abort', () => {
        aborted = true;
      });
      await gate.promise; // finishes its work despite the signal
    });
    s.start();
    const id = (await s.enqueue('long', {}))!;
    await until(async () => {
      await tick();
      return s.activeCount === 1;
    });
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    await tick();
    await tick();
    expect(aborted).toBe(true);
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect((await h.job(id)).status).toBe('done');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a handler that gives up on stop hands its job back without spending the attempt', async () => {
    const s = h.make();
    s.register('abortable', (job) => {
      return new Promise<void>((_, reject) => {
        job.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    });
    s.start();
    const id = (await s.enqueue('abortable', {}))!;
    await until(async () => {
      await tick();
      return s.activeCount === 1;
    });
    await s.stop();
    expect(await h.job(id)).toMatchObject({ status: 'queued', attempts: 0, lease_until: null, leased_by: null });

    // The next process runs it as attempt 1.
    const next = h.make();
    const attempts: number[] = [];
    next.register('abortable', async (job) => {
      attempts.push(job.attempt);
    });
    expect(await next.runDue()).toBe(1);
    expect(attempts).toEqual([1]);
  });

  it('stop({ timeoutMs }) gives up waiting on a handler that ignores the signal', async () => {
    const s = h.make({ heartbeatMs: 0 });
    s.register('stuck', () => new Promise<void>(() => undefined));
    s.start();
    await s.enqueue('stuck', {});
    await until(async () => {
      await tick();
      return s.activeCount === 1;
    });
    const stopping = s.stop({ timeoutMs: 5000 });
    await tick(5000);
    await stopping;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('while paused the loop runs nothing; after resume (and a wake) it runs the backlog', async () => {
    const s = h.make({ pollIntervalMs: 1000 });
    let ran = 0;
    s.register('p', async () => {
      ran++;
    });
    h.paused.value = true;
    s.start();
    await s.enqueue('p', {});
    for (let i = 0; i < 5; i++) await tick(1000);
    expect(ran).toBe(0);
    h.paused.value = false;
    s.wake();
    await until(async () => {
      await tick();
      return ran === 1;
    });
    await s.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('renews the lease of a long handler, so another worker does not take the job', async () => {
    const a = h.make({ workerId: 'A', leaseMs: 60_000, heartbeatMs: 20_000 });
    const b = h.make({ workerId: 'B', leaseMs: 60_000 });
    const gate = deferred();
    a.register('long', () => gate.promise);
    b.register('long', async () => {
      throw new Error('B must not run it');
    });
    const id = (await a.enqueue('long', {}))!;
    const pass = a.runDue();
    await until(() => a.activeCount === 1);
    for (let i = 0; i < 6; i++) {
      h.clock.advance(20_000);
      await tick(20_000);
      await until(async () => (await h.job(id)).lease_until === h.clock.now() + 60_000);
    }
    // Two minutes in, far past the first lease: still A's.
    expect(await b.runDue()).toBe(0);
    gate.resolve();
    expect(await pass).toBe(1);
    expect(await h.job(id)).toMatchObject({ status: 'done', leased_by: 'A', attempts: 1 });
  });

  it('aborts the handler when a heartbeat finds the lease taken', async () => {
    const events: SchedulerEvent[] = [];
    const a = h.make({ workerId: 'A', heartbeatMs: 1000, onError: (e) => events.push(e) });
    let signal: AbortSignal | undefined;
    a.register('long', (job) => {
      signal = job.signal;
      return new Promise<void>((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const id = (await a.enqueue('long', {}))!;
    const pass = a.runDue();
    await until(() => a.activeCount === 1);
    // Someone else now holds it (as if A had been frozen past its lease).
    await h.db.updateTable('jobs').set({ leased_by: 'B', attempts: 2 }).where('id', '=', id).execute();
    await tick(1000);
    await pass;
    expect(signal?.aborted).toBe(true);
    expect(events).toEqual([{ kind: 'lease-lost', jobId: id, type: 'long', attempt: 1 }]);
    expect(await h.job(id)).toMatchObject({ status: 'running', leased_by: 'B' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
