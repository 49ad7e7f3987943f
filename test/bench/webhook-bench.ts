// Webhook outbox benchmark (DESIGN.md §6: ≥ 1,000 durable deliveries/s to a loopback receiver; p99 enqueue → first
// attempt < 50 ms). Prints figures, asserts nothing about time. Run alone with `npx tsx test/bench/webhook-bench.ts`.
//
// The receiver is a plain node:http server in a worker thread (its own event loop, as a real receiver would be),
// answering 200 to every POST and noting when each webhook-id first arrived.
//
//  1. durable throughput: BENCH_WEBHOOK_EVENTS events enqueued through the Outbox inside transactions (as bookings
//     do), then delivered by the real worker (runDue) with the real transport: SSRF check, signing, keep-alive
//     node:http, every outcome written to SQLite (attempt log + delivered). Deliveries/s = events / drain time.
//  2. raw: the same number of signed POSTs (same signing, same secret, same concurrency, node:http keep-alive,
//     no database) to the same receiver. The ratio durable / raw is what durability costs.
//  3. latency: the worker loop running as in the app (start(), wake() on enqueue); events enqueued at a steady
//     rate, one transaction per event, and the time from the commit to the event's first arrival at the receiver.
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import type { WebhookCreated } from '../../shared/domain';
import { createCore, type Core } from '../../main/core';
import { Outbox } from '../../main/webhooks/outbox';
import { webhookHeaders } from '../../main/webhooks/signing';
import { tempDir } from '../support/temp';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_WEBHOOK_CONCURRENCY ?? 8);
const RATES = (process.env.BENCH_WEBHOOK_RATES ?? '250,500,1000').split(',').filter(Boolean).map(Number);
const RATE_SECONDS = Number(process.env.BENCH_WEBHOOK_RATE_SECONDS ?? 5);

const RECEIVER = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
let count = 0;
let first = new Map();
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    count++;
    const id = req.headers['webhook-id'];
    if (!first.has(id)) first.set(id, performance.timeOrigin + performance.now());
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'take') {
    parentPort.postMessage({ count, first: [...first] });
    count = 0;
    first = new Map();
  } else if (m === 'close') {
    server.closeAllConnections();
    server.close(() => parentPort.close());
  }
});
`;

class Receiver {
  readonly #w = new Worker(RECEIVER, { eval: true });
  #replies: ((m: unknown) => void)[] = [];
  port = 0;
  constructor() {
    this.#w.on('message', (m: unknown) => this.#replies.shift()?.(m));
  }
  async start(): Promise<void> {
    this.port = ((await new Promise<unknown>((resolve) => this.#replies.push(resolve))) as { port: number }).port;
  }
  /** Requests received and first arrival (epoch ms, sub-ms) per webhook-id since the last take. */
  async take(): Promise<{ count: number; first: Map<string, number> }> {
    const p = new Promise<unknown>((resolve) => this.#replies.push(resolve));
    this.#w.postMessage('take');
    const m = (await p) as { count: number; first: [string, number][] };
    return { count: m.count, first: new Map(m.first) };
  }
  async close(): Promise<void> {
    this.#w.postMessage('close');
    await new Promise((resolve) => this.#w.once('exit', resolve));
  }
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function delivered(core: Core): Promise<number> {
  const r = await core.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'delivered')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function rawLoop(port: number, secret: string, n: number, concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const body = JSON.stringify({ type: 'booking_created', version: 1, timestamp: new Date().toISOString(), data: { i: 0 } });
  let next = 0;
  const post = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const headers = webhookHeaders({ id: `msg_raw_${i}`, timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] });
      const req = http.request(
        { host: '127.0.0.1', port, path: '/hook', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await post(next++);
    }),
  );
  const s = (performance.now() - t0) / 1000;
  agent.destroy();
  return n / s;
}

export async function webhookBench(): Promise<void> {
  const rx = new Receiver();
  await rx.start();
  const t = tempDir('junction-bench-webhooks-');
  // The system clock: latencies are real. The worker loop is started for the latency part only.
  const core = await createCore({
    dataDir: t.dir,
    startScheduler: false,
    webhooks: { startWorker: false, concurrencyPerEndpoint: CONCURRENCY },
  });
  try {
    const created = await core.router.invoke('webhooks:create', {
      name: 'Bench',
      url: `http://127.0.0.1:${rx.port}/hook`,
      events: ['booking_created'],
      retryFailed: true,
      maxRetries: 3,
      allowLocalTargets: true,
    });
    if (!created.ok) throw new Error(created.error.message);
    const { secret } = created.data as WebhookCreated;
    const organizerId = (await core.db.selectFrom('organizers').select('id').executeTakeFirstOrThrow()).id;
    const worker = core.services.webhookDelivery;

    // 1. durable throughput
    let t0 = performance.now();
    for (let i = 0; i < EVENTS; i += 1_000) {
      await core.db.transaction().execute(async (trx) => {
        const outbox = new Outbox(trx);
        for (let j = i; j < Math.min(EVENTS, i + 1_000); j++) await outbox.enqueue(organizerId, 'booking_created', { i: j }, Date.now());
      });
    }
    const enqueueMs = performance.now() - t0;
    t0 = performance.now();
    const attempts = await worker.runDue();
    const drainS = (performance.now() - t0) / 1000;
    const durableRate = EVENTS / drainS;
    const got = await rx.take();
    const ok = await delivered(core);
    console.log(
      `webhooks durable: ${fmt(EVENTS)} events (enqueued in ${(enqueueMs / 1000).toFixed(2)} s), ${fmt(attempts)} attempts, ` +
        `${fmt(ok)} rows delivered in SQLite, receiver got ${fmt(got.count)}: ${fmt(durableRate)} deliveries/s ` +
        `(${drainS.toFixed(2)} s, concurrency ${CONCURRENCY})`,
    );
    if (ok !== EVENTS) console.log(`  !! only ${ok} of ${EVENTS} delivered`);

    // 2. raw signed-POST loop
    const rawRate = await rawLoop(rx.port, secret, EVENTS, CONCURRENCY);
    await rx.take();
    console.log(
      `webhooks raw signed POST loop (node:http keep-alive, no DB, concurrency ${CONCURRENCY}): ${fmt(rawRate)} requests/s; ` +
        `durable / raw = ${(durableRate / rawRate).toFixed(2)}`,
    );

    // 3. enqueue → first attempt under a steady rate, the worker loop running as in the app
    worker.start();
    let expected = EVENTS;
    for (const rate of RATES) {
      const total = Math.round(rate * RATE_SECONDS);
      const enqueuedAt = new Map<string, number>();
      const start = performance.now();
      let sent = 0;
      const commit: number[] = [];
      while (sent < total) {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
        while (sent < due) {
          const c0 = performance.now();
          // One event per transaction, as a booking change writes it; then the same wake-up the services give.
          const ids = await core.db.transaction().execute((trx) => new Outbox(trx).enqueue(organizerId, 'booking_created', { i: sent }, Date.now()));
          enqueuedAt.set(ids[0]!, now());
          commit.push(performance.now() - c0);
          worker.wake();
          sent++;
        }
        await sleep(1);
      }
      const offered = (performance.now() - start) / 1000;
      const deadline = performance.now() + 30_000;
      expected += total;
      while ((await delivered(core)) < expected && performance.now() < deadline) await sleep(20);
      const arrivals = await rx.take();
      const lat: number[] = [];
      for (const [id, at] of enqueuedAt) {
        const a = arrivals.first.get(id);
        if (a !== undefined) lat.push(a - at);
      }
      console.log(
        `webhooks enqueue → first attempt at ${fmt(rate)} events/s for ${offered.toFixed(1)} s (${fmt(total)} events, one transaction each): ` +
          `p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms ` +
          `(${fmt(lat.length)} of ${fmt(total)} arrived; enqueue commit p99 ${pct(commit, 99).toFixed(2)} ms, max ${Math.max(...commit).toFixed(1)} ms)`,
      );
    }
    await worker.stop();
  } finally {
    await core.dispose();
    await rx.close();
    t.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await webhookBench();
