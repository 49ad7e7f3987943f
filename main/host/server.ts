// The browser host: the core's IPC contract over loopback HTTP (POST /ipc/<channel>, GET /events) plus the
// built renderer. A security boundary: see DESIGN.md §1 and auth.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OAuthResult } from '../../shared/domain';
import { AppError, type Envelope } from '../../shared/errors';
import { decideAccess, generateToken } from './auth';
import { escapeHtml, sendError, sendHtml, sendJson, sendRefusal, simplePage } from './responses';
import { type PushSource, SseHub } from './sse';
import { StaticFiles } from './static';

/** What the host needs from the core; a full `Core` satisfies it. */
export interface HostCore {
  router: { invoke(channel: string, input: unknown): Promise<Envelope<unknown>> };
  pushes: PushSource;
  /** Present on a real core: the host serves the OAuth callback itself (DESIGN.md §1). */
  accounts?: {
    oauth: { useHostCallback(url: string | null): void; complete(callbackUrl: string): Promise<OAuthResult> };
  };
}

export interface BrowserHostOptions {
  core: HostCore;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to a random 256-bit token. */
  token?: string;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** For tests; 15 s by default. */
  heartbeatMs?: number;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  /** `url + '/?token=' + token`: the address a person opens first. */
  openUrl: string;
  close(): Promise<void>;
}

export const IPC_BODY_LIMIT = 1024 * 1024;
const HOW_TO_OPEN =
  'Junction needs its session token. Open the address printed by `npm run serve` or `npm start` ' +
  '(it ends with ?token=…), or send `Authorization: Bearer <token>`.';

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? generateToken();
  if (token.length === 0) throw new Error('The browser host token must not be empty.');
  const files = new StaticFiles(opts.staticDir);
  const hub = new SseHub(opts.core.pushes, opts.heartbeatMs);
  const sockets = new Set<Socket>();
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The browser host failed to answer this request.');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    const method = (req.method ?? 'GET').toUpperCase();
    const decision = decideAccess(
      {
        method,
        url,
        host: req.headers.host,
        origin: req.headers.origin,
        cookie: req.headers.cookie,
        authorization: req.headers.authorization,
      },
      port,
      token,
    );
    const accept = req.headers.accept;
    switch (decision.action) {
      case 'forbidden':
        return sendRefusal(
          res,
          403,
          'Forbidden',
          decision.reason === 'host'
            ? `Junction answers only at http://127.0.0.1:${port}.`
            : 'Requests from other sites are refused.',
          accept,
        );
      case 'unauthorized':
        return sendRefusal(res, 401, 'Junction is locked', HOW_TO_OPEN, accept);
      case 'redirect':
        res.writeHead(302, { location: decision.location, 'set-cookie': decision.setCookie, 'cache-control': 'no-store' });
        res.end();
        return;
      case 'exempt':
        return oauthCallback(url, res);
      case 'allow':
        break;
    }

    if (!url.startsWith('/')) return sendError(res, 400, 'VALIDATION', 'Bad request target.');
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);

    if (path === '/ipc' || path.startsWith('/ipc/')) return ipc(req, res, path.slice('/ipc/'.length));
    if (path === '/events') {
      if (method !== 'GET') return sendError(res, 405, 'VALIDATION', 'Use GET for /events.');
      hub.attach(res);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendError(res, 405, 'VALIDATION', 'Only GET and HEAD are served here.');
    }
    await files.serve(res, path);
  }

  async function ipc(req: IncomingMessage, res: ServerResponse, rawChannel: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 405, 'VALIDATION', 'IPC channels take POST with a JSON body.');
    }
    // A cross-site form cannot send application/json without a preflight, which we never grant.
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return sendError(res, 415, 'VALIDATION', 'IPC requests must have Content-Type: application/json.');
    }
    let channel: string;
    try {
      channel = decodeURIComponent(rawChannel);
    } catch {
      return sendError(res, 400, 'VALIDATION', 'The channel name is not valid.');
    }
    const body = await readBody(req, IPC_BODY_LIMIT);
    if (body === null) {
      res.setHeader('connection', 'close');
      return sendError(res, 413, 'VALIDATION', `The request body is larger than ${IPC_BODY_LIMIT} bytes.`);
    }
    let input: unknown = {};
    if (body.trim().length > 0) {
      try {
        input = JSON.parse(body);
      } catch {
        return sendError(res, 400, 'VALIDATION', 'The request body is not valid JSON.');
      }
    }
    let envelope: Envelope<unknown>;
    try {
      envelope = await opts.core.router.invoke(channel, input);
    } catch {
      envelope = { ok: false, error: { code: 'INTERNAL', message: 'The request failed unexpectedly.' } };
    }
    sendJson(res, 200, envelope);
  }

  /**
   * The provider's redirect lands here without the session cookie; the single-use state authenticates it.
   * The answer is a same-origin page that moves on to the renderer's callback page: a navigation started by
   * our own page carries the SameSite=Strict cookie, the provider's cross-site redirect would not.
   */
  async function oauthCallback(target: string, res: ServerResponse): Promise<void> {
    const oauth = opts.core.accounts?.oauth;
    if (!oauth) {
      return sendHtml(
        res,
        501,
        simplePage('Connecting accounts is not available', ['This host cannot complete a sign-in. You can close this tab.']),
      );
    }
    const params = new URLSearchParams();
    try {
      const r = await oauth.complete(`http://127.0.0.1:${port}${target}`);
      params.set('status', 'success');
      params.set('provider', r.provider);
      params.set('integrationType', r.integrationType);
      params.set('integrationId', r.integrationId);
      if (r.email) params.set('email', r.email);
      if (r.status === 'reconnected') params.set('reconnected', '1');
      if (r.missingScopes.length) params.set('missing', r.missingScopes.join(','));
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('INTERNAL', 'Junction could not finish signing in.');
      params.set('status', 'error');
      params.set('code', e.code);
      params.set('message', e.message);
      const details = (e.details ?? {}) as { provider?: unknown; integrationType?: unknown };
      if (typeof details.provider === 'string') params.set('provider', details.provider);
      if (typeof details.integrationType === 'string') params.set('integrationType', details.integrationType);
    }
    const next = `/integrations/callback?${params.toString()}`;
    sendHtml(
      res,
      200,
      // No favicon request: the page is gone before it would matter, and /favicon.ico does not exist.
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">` +
        `<meta http-equiv="refresh" content="0;url=${escapeHtml(next)}">` +
        `<title>Returning to Junction…</title></head><body><p>Returning to Junction… ` +
        `<a href="${escapeHtml(next)}">Continue</a></p></body></html>`,
    );
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      hub.close();
      reject(err);
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });

  const url = `http://127.0.0.1:${port}`;
  opts.core.accounts?.oauth.useHostCallback(`${url}/oauth/callback`);
  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    token,
    openUrl: `${url}/?token=${encodeURIComponent(token)}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        opts.core.accounts?.oauth.useHostCallback(null);
        hub.close();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

/** Reads the body as UTF-8, or null once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Stop buffering at once; the caller answers 413 and closes the connection.
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}
