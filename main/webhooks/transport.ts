// The webhook delivery worker's HTTP transport: one POST to a target the SSRF guard checked, connecting to the
// checked address (pinnedLookup), never following redirects, giving up after the attempt's timeout.
//
// createNodeHttpTransport() keeps connections alive, with one agent per pinned target
// (scheme, hostname, port AND checked address): a pooled socket is only ever reused for the very address that
// was checked for it, so keep-alive cannot bypass the per-attempt SSRF check (a host that now resolves elsewhere
// gets a new agent, and the check itself runs before every attempt anyway).
import http from 'node:http';
import https from 'node:https';
import { MAX_EXCERPT_CHARS } from '../db/repos/webhook-deliveries';
import { type CheckedTarget, pinnedLookup } from './ssrf';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most 4096 characters of the body. */
  body: string;
}

/** Sends one POST to the checked target. Must not follow redirects and must give up after `timeoutMs`. */
export type HttpRequest = (
  target: CheckedTarget,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
) => Promise<HttpResponse>;

/** An HttpRequest that holds connections; `close()` drops them (the worker calls it when it stops). */
export type HttpTransport = HttpRequest & { close(): void };

/** Sent unless the webhook's custom headers name their own User-Agent: lets receivers and their firewalls tell us apart. */
export const WEBHOOK_USER_AGENT = 'Junction-Webhooks/1 (Standard Webhooks)';
const hasUserAgent = (headers: Record<string, string>): boolean => Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent');

function send(target: CheckedTarget, init: Parameters<HttpRequest>[1], agent: http.Agent | false): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const mod = target.url.protocol === 'https:' ? https : http;
    const req = mod.request(target.url, {
      method: 'POST',
      lookup: pinnedLookup(target),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(init.body),
        ...(hasUserAgent(init.headers) ? {} : { 'user-agent': WEBHOOK_USER_AGENT }),
        ...init.headers,
      },
      agent,
    });
    let settled = false;
    const timer = setTimeout(() => req.destroy(new Error(`Timed out after ${init.timeoutMs} ms`)), init.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_EXCERPT_CHARS) body += chunk;
        // Enough read: drop the rest (and this connection) rather than download a large answer.
        if (body.length >= MAX_EXCERPT_CHARS) res.destroy();
      });
      const done = (): void => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: body.slice(0, MAX_EXCERPT_CHARS) });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.end(init.body);
  });
}

/** node:http / node:https, a new connection per attempt (no pooling). */
export const nodeHttpRequest: HttpRequest = (target, init) => send(target, init, false);

/**
 * node:http / node:https with keep-alive, one agent per pinned target; at most `maxAgents` agents (the least
 * recently used one is closed beyond that). Idle sockets are closed after `idleMs`, below the 5 s keep-alive
 * timeout of Node's own servers so that a reused socket is rarely one the server is closing.
 */
export function createNodeHttpTransport(o: { maxAgents?: number; idleMs?: number; maxSocketsPerTarget?: number } = {}): HttpTransport {
  const maxAgents = o.maxAgents ?? 64;
  const agents = new Map<string, http.Agent>();
  const agentFor = (target: CheckedTarget): http.Agent => {
    const key = `${target.url.protocol}//${target.url.host}@${target.address}`;
    let agent = agents.get(key);
    if (agent) {
      agents.delete(key); // re-inserted below: Map order is the LRU order
    } else {
      const opts = { keepAlive: true, timeout: o.idleMs ?? 4_000, maxSockets: o.maxSocketsPerTarget ?? 64, scheduling: 'lifo' as const };
      agent = target.url.protocol === 'https:' ? new https.Agent(opts) : new http.Agent(opts);
      if (agents.size >= maxAgents) {
        const [oldestKey, oldest] = agents.entries().next().value as [string, http.Agent];
        agents.delete(oldestKey);
        oldest.destroy();
      }
    }
    agents.set(key, agent);
    return agent;
  };
  const request: HttpRequest = (target, init) => send(target, init, agentFor(target));
  return Object.assign(request, {
    close(): void {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  });
}
