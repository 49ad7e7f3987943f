// RFC 8252 §7.3 loopback redirect for desktop flows (Google's desktop clients accept nothing else): a one-shot
// listener on 127.0.0.1:<ephemeral port> that hands the callback to the app and tells the browser tab to close.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RedirectTarget } from './oauth-service';

export const LOOPBACK_PATH = '/oauth/callback';

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width"></head><body style="font-family:system-ui,sans-serif;` +
  `max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>${title}</h1><p>${body}</p></body></html>`;

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface LoopbackOptions {
  /** Completes the flow; its error message (already in plain words) is shown in the tab. */
  onCallback(url: string): Promise<unknown>;
  /** The listener closes itself after this long (the state expires anyway). */
  timeoutMs?: number;
}

export async function startLoopbackListener(opts: LoopbackOptions): Promise<RedirectTarget & { port: number }> {
  let done = false;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== LOOPBACK_PATH || done) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    done = true;
    const port = (server.address() as AddressInfo).port;
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    };
    opts
      .onCallback(`http://127.0.0.1:${port}${req.url ?? ''}`)
      .then(
        () => res.writeHead(200, headers).end(page('You are signed in', 'You can close this tab and return to Junction.')),
        (err: unknown) =>
          res
            .writeHead(400, headers)
            .end(page('Junction could not finish signing in', escape(err instanceof Error ? err.message : 'Unknown error'))),
      )
      .finally(() => release());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const timer = setTimeout(() => release(), opts.timeoutMs ?? 10 * 60 * 1000);
  timer.unref();
  let released = false;
  function release(): void {
    if (released) return;
    released = true;
    clearTimeout(timer);
    server.close();
    server.closeIdleConnections();
  }
  const port = (server.address() as AddressInfo).port;
  return { redirectUri: `http://127.0.0.1:${port}${LOOPBACK_PATH}`, port, release };
}
