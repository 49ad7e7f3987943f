// Server-sent events: one stream per client, each subscribed to the push bus while it is open.
import type { ServerResponse } from 'node:http';
import type { PushListener } from '../lib/push-bus';
import { baseSecurityHeaders } from '../shell/csp';

export interface PushSource {
  subscribe(listener: PushListener): () => void;
}

/** A client that stops reading is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function formatSse(name: string, payload: unknown): string {
  // JSON.stringify never emits raw newlines, so one `data:` line carries the whole payload.
  return `event: ${name}\ndata: ${JSON.stringify(payload ?? null)}\n\n`;
}

export class SseHub {
  readonly #clients = new Map<ServerResponse, () => void>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(
    private readonly pushes: PushSource,
    heartbeatMs = 15_000,
  ) {
    this.#heartbeat = setInterval(() => {
      for (const res of this.#clients.keys()) this.#write(res, ': heartbeat\n\n');
    }, heartbeatMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      ...baseSecurityHeaders(),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tells reverse proxies (should anyone put one in front) not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const unsubscribe = this.pushes.subscribe((name, payload) => this.#write(res, formatSse(name, payload)));
    this.#clients.set(res, unsubscribe);
    res.on('close', () => this.#drop(res));
    this.#write(res, 'retry: 2000\n: connected\n\n');
  }

  #write(res: ServerResponse, chunk: string): void {
    if (res.writableEnded || res.destroyed) return this.#drop(res);
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return this.#drop(res);
    }
    res.write(chunk);
  }

  #drop(res: ServerResponse): void {
    const unsubscribe = this.#clients.get(res);
    if (!unsubscribe) return;
    this.#clients.delete(res);
    unsubscribe();
  }

  /** Ends every stream and stops the heartbeat. */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const res of [...this.#clients.keys()]) {
      this.#drop(res);
      res.end();
    }
  }
}
