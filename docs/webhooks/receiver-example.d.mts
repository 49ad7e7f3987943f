// Types for receiver-example.mjs, so TypeScript tests can import it (test/integration/webhooks/docs.test.ts).
import type http from 'node:http';

export declare const TOLERANCE_SECONDS: number;

export interface ReceivedEvent {
  id: string;
  payload: { type: string; version: number; timestamp: string; data: unknown };
}

export declare function verifyWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  body: Buffer,
  nowSeconds?: number,
): { ok: true } | { ok: false; reason: string };

export declare function createHandler(options: {
  secret: string;
  onEvent?: (event: ReceivedEvent) => void;
  maxSeen?: number;
}): http.RequestListener;

export declare function startReceiver(options: {
  secret: string;
  port?: number;
  host?: string;
  onEvent?: (event: ReceivedEvent) => void;
}): Promise<http.Server>;
