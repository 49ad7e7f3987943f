import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  parseRetryAfter,
  PermanentError,
  RetryableError,
  type JobContext,
  type SchedulerEvent,
} from '../../../main/scheduler';
import { type Deferred, deferred, flush, harness, type Harness, until } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

const noop = async (): Promise<void> => undefined;

describe('registration and enqueue', () => {
  it('refuses a type registered twice and enqueueing an unknown type', async () => {
    const s = h.make();
    s.register('a', noop);
    expect(() => s.register('a', noop)).toThrow(/already registered/);
    await expect(s.enqueue('nope', {})).rejects.toThrow(/Unknown job type "nope"/);
    await expect(s.every('x', 'nope', 1000)).rejects.toThrow(/Unknown job type/);
  });

  it('refuses a payload that does not match the schema at enqueue time', async () => {
    const s = h.make();
    s.register('typed', noop, { payloadSchema: z.object({ n: z.number() }) });
    await expect(s.enqueue('typed', { n: 'one' })).rejects.toThrow(/does not match its schema: n:/);
    expect(await s.enqueue('typed', { n: 1 })).toBeTypeOf('number');
  });

  it('dedupes by uniqueKey while a job with that key is queued or running, not after', async () => {
    const s = h.make();
    const gate = deferred();
    s.register('sync', () => gate.promise);
    const first = await s.enqueue('sync', { cal: 1 }, { uniqueKey: 'sync:1' });
    expect(first).toBeTypeOf('number');
    expect(await s.enqueue('sync', { cal: 1 }, { uniqueKey: 'sync:1' })).toBeNull();
    expect(await s.enqueue('sync', { cal: 2 }, { uniqueKey: 'sync:2' })).toBeTypeOf('number');

    const pass = s.runDue();
    await until(() => s.activeCount === 2);
    expect((await h.job(first!)).status).toBe('running');
    expect(await s.enqueue('sync', { cal: 1 }, { uniqueKey: 'sync:1' })).toBeNull();
    gate.resolve();
    expect(await pass).toBe(2);

    expect((await h.job(first!)).status).toBe('done');
    const again = await s.enqueue('sync', { cal: 1 }, { uniqueKey: 'sync:1' });
    expect(again).toBeTypeOf('number');
    expect(again).not.toBe(first);
  });
});

describe('runDue', () => {
  it('runs due jobs with their payload and attempt, leaves future ones, and records done', async () => {
    const s = h.make();
    const seen: JobContext<{ n: number }>[] = [];
    s.register<{ n: number }>('t', async (job) => {
      seen.push(job);
    });
    const now = h.clock.now();
    const a = await s.enqueue('t', { n: 1 });
    const b = await s.enqueue('t', { n: 2 }, { delayMs: 5000 });
    const c = await s.enqueue('t', { n: 3 }, { runAt: now + 10_000 });

    expect(await s.runDue()).toBe(1);
    expect(seen.map((j) => [j.id, j.type, j.payload, j.attempt])).toEqual([[a, 't', { n: 1 }, 1]]);
    const done = await h.job(a!);
    expect(done).toMatchObject({ status: 'done', attempts: 1, lease_until: null, last_error: null, finished_at: now });

    h.clock.advance(4999);
    expect(await s.runDue()).toBe(0);
    h.clock.advance(1);
    expect(await s.runDue()).toBe(1);
    h.clock.advance(5000);
    expect(await s.runDue()).toBe(1);
    expect(seen.map((j) => j.id)).toEqual([a, b, c]);
    expect(await s.stats()).toEqual({ queued: 0, running: 0, done: 3, failed: 0 });
  });

  it('passes the parsed payload (schema transforms and defaults applied)', async () => {
    const s = h.make();
    let got: unknown;
    s.register(
      'parsed',
      async (job) => {
        got = job.payload;
      },
      { payloadSchema: z.object({ at: z.string().transform((v) => v.length), flag: z.boolean().default(true) }) },
    );
    await s.enqueue('parsed', { at: 'abcd' });
    await s.runDue();
    expect(got).toEqual({ at: 4, flag: true });
  });

  it('never runs more than `concurrency` handlers at once, and runs them all in one pass', async () => {
    const s = h.make({ concurrency: 3 });
    let running = 0;
    let started = 0;
    let max = 0;
    const gates: (() => void)[] = [];
    s.register('slow', async () => {
      running++;
      started++;
      max = Math.max(max, running);
      await new Promise<void>((r) => gates.push(r));
      running--;
    });
    for (let i = 0; i < 10; i++) await s.enqueue('slow', { i });
    const pass = s.runDue();
    await until(() => started === 3);
    await flush(); // room for a wrong extra claim to happen
    expect(running).toBe(3);
    // Each finished handler frees exactly one slot.
    for (let done = 1; done <= 7; done++) {
      gates.shift()!();
      await until(() => started === 3 + done);
      await flush();
      expect(running).toBe(3);
      expect(started).toBe(3 + done);
    }
    await until(() => gates.length === 3);
    while (gates.length) gates.shift()!();
    expect(await pass).toBe(10);
    expect(max).toBe(3);
    expect(await s.stats()).toMatchObject({ done: 10 });
  });
});

describe('failures', () => {
  it('retries with exponential backoff and jitter until max attempts, then keeps the job as failed', async () => {
    const events: SchedulerEvent[] = [];
    // random 0 with equal jitter: exactly half the ceiling (500, 1000, 2000, …)
    const s = h.make({ random: () => 0, onError: (e) => events.push(e) });
    const attempts: number[] = [];
    s.register(
      'flaky',
      async (job) => {
        attempts.push(job.attempt);
        throw new Error(`boom ${job.attempt}`);
      },
      { maxAttempts: 4 },
    );
    const id = (await s.enqueue('flaky', {}))!;
    const start = h.clock.now();

    expect(await s.runDue()).toBe(1);
    let row = await h.job(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'boom 1', run_at: start + 500 });
    expect(row.lease_until).toBeNull();

    // Not before its run_at.
    h.clock.advance(499);
    expect(await s.runDue()).toBe(0);
    h.clock.advance(1);
    expect(await s.runDue()).toBe(1);
    row = await h.job(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 2, last_error: 'boom 2', run_at: h.clock.now() + 1000 });

    h.clock.advance(1000);
    await s.runDue();
    row = await h.job(id);
    expect(row.run_at).toBe(h.clock.now() + 2000);

    h.clock.advance(2000);
    await s.runDue();
    row = await h.job(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, last_error: 'boom 4', finished_at: h.clock.now() });
    expect(attempts).toEqual([1, 2, 3, 4]);

    // Kept and visible, never deleted, never run again.
    h.clock.advance(10 * 60_000);
    expect(await s.runDue()).toBe(0);
    expect(await s.stats()).toEqual({ queued: 0, running: 0, done: 0, failed: 1 });
    expect(await s.listFailed()).toEqual([
      expect.objectContaining({ id, type: 'flaky', attempts: 4, max_attempts: 4, last_error: 'boom 4' }),
    ]);
    expect(events.map((e) => (e.kind === 'job-failed' ? [e.attempt, e.final, e.retryAt] : e.kind))).toEqual([
      [1, false, start + 500],
      [2, false, start + 1500],
      [3, false, start + 3500],
      [4, true, null],
    ]);
  });

  it('caps the backoff at maxMs', async () => {
    const s = h.make({ backoff: { baseMs: 1000, maxMs: 3000, jitter: 'none' } });
    s.register('f', async () => {
      throw new Error('no');
    }, { maxAttempts: 10 });
    const id = (await s.enqueue('f', {}))!;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await s.runDue();
      const row = await h.job(id);
      delays.push(row.run_at - h.clock.now());
      h.clock.set(row.run_at);
    }
    expect(delays).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  it('honours RetryableError.retryAfterMs (seconds and HTTP-date Retry-After) over the backoff', async () => {
    const s = h.make({ backoff: { baseMs: 1000, maxMs: 2000 } });
    const headers = ['120', new Date(h.clock.now() + 45_000).toUTCString(), 'garbage'];
    let call = 0;
    s.register('limited', async () => {
      const header = headers[call++]!;
      throw new RetryableError('429 Too Many Requests', { retryAfterMs: parseRetryAfter(header, h.clock.now()) });
    }, { maxAttempts: 10 });
    const id = (await s.enqueue('limited', {}))!;

    await s.runDue();
    let row = await h.job(id);
    expect(row.run_at - h.clock.now()).toBe(120_000); // far above the 2 s backoff cap
    expect(row.last_error).toBe('429 Too Many Requests');

    h.clock.set(row.run_at - 1);
    expect(await s.runDue()).toBe(0);
    h.clock.advance(1);
    const headerAt = h.clock.now();
    headers[1] = new Date(headerAt + 45_000).toUTCString();
    await s.runDue();
    row = await h.job(id);
    expect(row.run_at - h.clock.now()).toBe(45_000);

    // An unreadable header gives null: the backoff applies (attempt 3, equal jitter at random 0.5: 1500).
    h.clock.set(row.run_at);
    await s.runDue();
    row = await h.job(id);
    expect(row.run_at - h.clock.now()).toBe(1500);
    expect(row.attempts).toBe(3);
  });

  it('a negative retryAfterMs means "now"', async () => {
    const s = h.make();
    let n = 0;
    s.register('neg', async () => {
      if (n++ === 0) throw new RetryableError('later', { retryAfterMs: -5000 });
    });
    const id = (await s.enqueue('neg', {}))!;
    await s.runDue();
    expect((await h.job(id)).run_at).toBe(h.clock.now());
    // A pass runs a job at most once; the next pass picks the retry up.
    expect(await s.runDue()).toBe(1);
    expect((await h.job(id)).status).toBe('done');
  });

  it('PermanentError fails the job at once, without retry', async () => {
    const s = h.make();
    let calls = 0;
    s.register('perm', async () => {
      calls++;
      throw new PermanentError('calendar was deleted');
    }, { maxAttempts: 5 });
    const id = (await s.enqueue('perm', {}))!;
    await s.runDue();
    expect(await h.job(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'calendar was deleted' });
    h.clock.advance(24 * 3600_000);
    await s.runDue();
    expect(calls).toBe(1);
  });

  it('an unknown job type in the table fails with a clear message', async () => {
    const s = h.make();
    const now = h.clock.now();
    const { id } = await h.db
      .insertInto('jobs')
      .values({ type: 'from.a.newer.version', payload: '{}', run_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await s.runDue()).toBe(1);
    expect(await h.job(id)).toMatchObject({
      status: 'failed',
      last_error: 'No handler is registered for job type "from.a.newer.version"',
    });
  });

  it('a stored payload that does not match the schema fails permanently without calling the handler', async () => {
    const s = h.make();
    let called = false;
    s.register('typed', async () => {
      called = true;
    }, { payloadSchema: z.object({ integrationId: z.string().uuid() }) });
    const now = h.clock.now();
    const { id } = await h.db
      .insertInto('jobs')
      .values({ type: 'typed', payload: '{"integrationId":42}', run_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await s.runDue();
    const row = await h.job(id);
    expect(called).toBe(false);
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/^Payload of job type "typed" does not match its schema: integrationId: /);
  });

  it('a stored payload that is not JSON fails without quoting it', async () => {
    const s = h.make();
    s.register('j', noop);
    const now = h.clock.now();
    const { id } = await h.db
      .insertInto('jobs')
      .values({ type: 'j', payload: '{"token": sk_secret_value', run_at: now, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await s.runDue();
    const row = await h.job(id);
    expect(row).toMatchObject({ status: 'failed', last_error: 'The stored payload of this "j" job is not valid JSON' });
  });

  it('stores at most 2 KB of error text and scrubs payload secrets from it', async () => {
    const s = h.make();
    s.register('leaky', async (job: JobContext<{ token: string }>) => {
      throw new Error(`request with ${job.payload.token} failed: ${'x'.repeat(10_000)}`);
    }, { maxAttempts: 1 });
    const id = (await s.enqueue('leaky', { token: 'ya29.super-secret-access-token' }))!;
    await s.runDue();
    const row = await h.job(id);
    expect(row.status).toBe('failed');
    expect(Buffer.byteLength(row.last_error!, 'utf8')).toBeLessThanOrEqual(2048);
    expect(row.last_error).toContain('request with [redacted] failed');
    expect(row.last_error).not.toContain('ya29');
  });
});

describe('restart safety (leases)', () => {
  it('a job leased by a worker that died runs on another worker after the lease expires, not before', async () => {
    const a = h.make({ workerId: 'A', leaseMs: 60_000 });
    const b = h.make({ workerId: 'B', leaseMs: 60_000 });
    const started = deferred<number>();
    const never = new Promise<void>(() => undefined);
    a.register('job', async (job) => {
      started.resolve(job.attempt);
      return never; // A "dies" mid-run: the handler never settles.
    });
    const ranOnB: number[] = [];
    b.register('job', async (job) => {
      ranOnB.push(job.attempt);
    });
    const id = (await a.enqueue('job', { x: 1 }))!;
    void a.runDue();
    expect(await started.promise).toBe(1);
    const leased = await h.job(id);
    expect(leased).toMatchObject({ status: 'running', leased_by: 'A', lease_until: h.clock.now() + 60_000 });

    expect(await b.runDue()).toBe(0);
    h.clock.advance(60_000); // lease_until == now: still A's
    expect(await b.runDue()).toBe(0);
    h.clock.advance(1);
    expect(await b.runDue()).toBe(1);
    expect(ranOnB).toEqual([2]);
    expect(await h.job(id)).toMatchObject({ status: 'done', leased_by: 'B', attempts: 2 });
  });

  it('a worker that lost its lease cannot overwrite the result of the worker that took over', async () => {
    const events: SchedulerEvent[] = [];
    const a = h.make({ workerId: 'A', onError: (e) => events.push(e) });
    const b = h.make({ workerId: 'B' });
    const gate = deferred();
    const started = deferred();
    a.register('job', async () => {
      started.resolve();
      await gate.promise;
      throw new Error('A failed late');
    });
    b.register('job', noop);
    const id = (await a.enqueue('job', {}))!;
    const passA = a.runDue();
    await started.promise;
    h.clock.advance(60_001);
    expect(await b.runDue()).toBe(1);
    gate.resolve(); // A wakes up after B finished the job
    await passA;
    expect(await h.job(id)).toMatchObject({ status: 'done', leased_by: 'B', last_error: null });
    expect(events).toEqual([{ kind: 'lease-lost', jobId: id, type: 'job', attempt: 1 }]);
  });

  it('an attempt whose lease expired cannot settle the newer attempt that is still running', async () => {
    // One worker, frozen past its lease on attempt 1, re-claims the job itself (attempt 2).
    const s = h.make({ workerId: 'A', concurrency: 2 });
    const gates = new Map<number, Deferred>([
      [1, deferred()],
      [2, deferred()],
    ]);
    s.register('job', async (job) => {
      await gates.get(job.attempt)!.promise;
    });
    const id = (await s.enqueue('job', {}))!;
    const first = s.runDue();
    await until(() => s.activeCount === 1);
    h.clock.advance(60_001);
    const second = s.runDue();
    await until(() => s.activeCount === 2);
    gates.get(1)!.resolve(); // the stale attempt finishes first
    await first;
    expect(await h.job(id)).toMatchObject({ status: 'running', attempts: 2 });
    expect(h.events).toEqual([{ kind: 'lease-lost', jobId: id, type: 'job', attempt: 1 }]);
    gates.get(2)!.resolve();
    expect(await second).toBe(1);
    expect(await h.job(id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('a job claimed by hand (crashed process) is re-run after its lease, on a fresh connection', async () => {
    const now = h.clock.now();
    const { id } = await h.db
      .insertInto('jobs')
      .values({
        type: 'job',
        payload: '{"a":1}',
        status: 'running',
        attempts: 1,
        run_at: now - 1000,
        lease_until: now + 30_000,
        leased_by: 'crashed-process',
        created_at: now - 1000,
        updated_at: now - 1000,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const other = h.connect();
    const b = h.make({ db: other, workerId: 'B' });
    const got: unknown[] = [];
    b.register('job', async (job) => {
      got.push([job.payload, job.attempt]);
    });
    expect(await b.runDue()).toBe(0);
    h.clock.advance(30_001);
    expect(await b.runDue()).toBe(1);
    expect(got).toEqual([[{ a: 1 }, 2]]);
    expect(await h.job(id, other)).toMatchObject({ status: 'done', leased_by: 'B', attempts: 2 });
  });

  it('a job whose final attempt died is failed with an explanation instead of running past max attempts', async () => {
    const now = h.clock.now();
    const { id } = await h.db
      .insertInto('jobs')
      .values({
        type: 'job',
        payload: '{}',
        status: 'running',
        attempts: 3,
        max_attempts: 3,
        run_at: now,
        lease_until: now - 1,
        leased_by: 'dead',
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const s = h.make();
    let called = false;
    s.register('job', async () => {
      called = true;
    });
    await s.runDue();
    expect(called).toBe(false);
    const row = await h.job(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.last_error).toMatch(/Attempt 3 of 3 did not finish/);
  });

  it('two schedulers on the same database file never run the same job twice', async () => {
    const dbB = h.connect();
    const a = h.make({ workerId: 'A', concurrency: 3 });
    const b = h.make({ workerId: 'B', db: dbB, concurrency: 3 });
    const runs = new Map<number, string[]>();
    const handler = (who: string) => async (job: JobContext<unknown>) => {
      runs.set(job.id, [...(runs.get(job.id) ?? []), who]);
      // Yield a few times so the two workers' claims interleave.
      for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
    };
    a.register('work', handler('A'));
    b.register('work', handler('B'));
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push((await a.enqueue('work', { i }))!);

    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    expect(ranA + ranB).toBe(40);
    expect(ranA).toBeGreaterThan(0);
    expect(ranB).toBeGreaterThan(0);
    expect([...runs.keys()].sort((x, y) => x - y)).toEqual(ids);
    for (const who of runs.values()) expect(who).toHaveLength(1);
    expect(await a.stats()).toEqual({ queued: 0, running: 0, done: 40, failed: 0 });
  });
});

describe('recurring schedules', () => {
  it('re-queues after each run at now + interval with attempts reset, and is idempotent across restarts', async () => {
    const s1 = h.make();
    const runs: number[] = [];
    s1.register('tick', async (job) => {
      runs.push(job.id);
    });
    const id = await s1.every('heartbeat', 'tick', 60_000, { what: 'all' });
    expect(await s1.runDue()).toBe(1);
    let row = await h.job(id);
    expect(row).toMatchObject({
      status: 'queued',
      attempts: 0,
      run_at: h.clock.now() + 60_000,
      unique_key: 'schedule:heartbeat',
      interval_ms: 60_000,
    });
    expect(await s1.runDue()).toBe(0);

    // "Restart": a new scheduler on a new connection calls every() again.
    await s1.stop();
    const s2 = h.make({ db: h.connect() });
    s2.register('tick', async (job) => {
      runs.push(job.id);
    });
    h.clock.advance(10_000);
    expect(await s2.every('heartbeat', 'tick', 60_000, { what: 'all' })).toBe(id);
    expect((await h.job(id)).run_at).toBe(row.run_at); // keeps its next run: no extra run on restart
    expect(await h.db.selectFrom('jobs').select('id').execute()).toHaveLength(1);
    expect(await s2.runDue()).toBe(0);

    h.clock.advance(50_000);
    expect(await s2.runDue()).toBe(1);
    expect(runs).toEqual([id, id]);

    // A shorter interval on restart pulls the next run in.
    await s2.every('heartbeat', 'tick', 5000, { what: 'all' });
    row = await h.job(id);
    expect(row).toMatchObject({ interval_ms: 5000, run_at: h.clock.now() + 5000 });
  });

  it('after its attempts are exhausted, a recurring job keeps its error and runs again at the next interval', async () => {
    const s = h.make({ random: () => 0 });
    let fail = true;
    s.register('sync', async () => {
      if (fail) throw new Error('provider down');
    }, { maxAttempts: 2 });
    const id = await s.every('sync-all', 'sync', 600_000);
    await s.runDue();
    expect(await h.job(id)).toMatchObject({ status: 'queued', attempts: 1, run_at: h.clock.now() + 500 });
    h.clock.advance(500);
    await s.runDue();
    expect(await h.job(id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      last_error: 'provider down',
      run_at: h.clock.now() + 600_000,
    });
    expect(await s.stats()).toMatchObject({ failed: 0, queued: 1 });
    fail = false;
    h.clock.advance(600_000);
    await s.runDue();
    expect(await h.job(id)).toMatchObject({ status: 'queued', attempts: 0, last_error: null });
  });

  it('unschedule ends a schedule; every() then starts a fresh one', async () => {
    const s = h.make();
    s.register('tick', noop);
    const id = await s.every('t', 'tick', 1000, null, { firstRunAt: h.clock.now() + 1000 });
    expect(await s.unschedule('t')).toBe(true);
    expect(await h.job(id)).toMatchObject({ status: 'done', interval_ms: null });
    h.clock.advance(5000);
    expect(await s.runDue()).toBe(0);
    expect(await s.unschedule('t')).toBe(false);
    expect(await s.every('t', 'tick', 1000)).not.toBe(id);
  });
});

describe('pause', () => {
  it('claims nothing while isPaused() is true and runs the backlog after resume', async () => {
    const s = h.make();
    let ran = 0;
    s.register('p', async () => {
      ran++;
    });
    await s.enqueue('p', {});
    await s.enqueue('p', {});
    h.paused.value = true;
    expect(await s.runDue()).toBe(0);
    h.clock.advance(3600_000);
    expect(await s.runDue()).toBe(0);
    expect(ran).toBe(0);
    expect(await s.stats()).toMatchObject({ queued: 2, running: 0 });
    h.paused.value = false;
    expect(await s.runDue()).toBe(2);
    expect(ran).toBe(2);
  });

  it('reads the pause before each claim, so pausing mid-pass stops new claims', async () => {
    const s = h.make({ concurrency: 1 });
    let ran = 0;
    s.register('p', async () => {
      ran++;
      h.paused.value = true;
    });
    for (let i = 0; i < 3; i++) await s.enqueue('p', {});
    expect(await s.runDue()).toBe(1);
    expect(ran).toBe(1);
  });
});

describe('failed-job helpers', () => {
  it('retry() puts a failed job back with fresh attempts', async () => {
    const s = h.make();
    let ok = false;
    s.register('r', async () => {
      if (!ok) throw new PermanentError('nope');
    });
    const id = (await s.enqueue('r', {}))!;
    await s.runDue();
    expect((await h.job(id)).status).toBe('failed');
    ok = true;
    expect(await s.retry(id)).toBe(true);
    expect(await s.retry(id)).toBe(false);
    await s.runDue();
    expect(await h.job(id)).toMatchObject({ status: 'done', attempts: 1 });
  });
});
