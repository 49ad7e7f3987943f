// A fetch-compatible function over ProviderHttp, for adapters built on client libraries (googleapis, Graph
// client, tsdav) that take a fetch: every call still gets the token, retries, Retry-After, api_calls and the
// circuit breaker. Statuses an adapter must see itself (4xx other than 401/429: 404, 410 stale cursor, 412…)
// come back as Responses; 401 after a refresh, exhausted 429/5xx and network failures throw ProviderHttp's
// AppError (with details.status), so the message a person reads is Junction's.
import type { IntegrationRef } from '../../db/repos/accounts';
import type { FetchLike } from '../calendar/types';
import type { ProviderHttp } from './provider-http';

export interface FetchForOptions {
  provider: string;
  /** A fixed name, or one derived from the request (e.g. `calendar.get`). */
  operation: string | ((method: string, url: URL) => string);
  integration?: IntegrationRef;
  /** Default: 'bearer' when `integration` is given. CalDAV passes 'none' plus its own Authorization header. */
  auth?: 'bearer' | 'none';
  /** Added to every request (never logged: ProviderHttp records no headers). */
  headers?: Record<string, string>;
}

const PASS_THROUGH = Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 401 && s !== 429);
const NULL_BODY = new Set([101, 204, 205, 304]);

async function bodyText(body: RequestInit['body']): Promise<string | undefined> {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  // ArrayBuffer, typed arrays, Blob, streams: let Response read them.
  return new Response(body).text();
}

export function fetchFor(http: ProviderHttp, opts: FetchForOptions): FetchLike {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : input instanceof URL ? input.href : input);
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(request?.headers);
    new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
    const auth = opts.auth ?? (opts.integration ? 'bearer' : 'none');
    // Our token wins over whatever a library put there; 'none' keeps the caller's own header.
    if (auth === 'bearer') headers.delete('authorization');
    const body = init.body !== undefined ? await bodyText(init.body) : request?.body ? await request.text() : undefined;
    const signal = init.signal ?? request?.signal ?? undefined;
    const res = await http.request<string>({
      provider: opts.provider,
      operation: typeof opts.operation === 'function' ? opts.operation(method, url) : opts.operation,
      ...(opts.integration ? { integration: opts.integration } : {}),
      auth,
      method,
      url: url.href,
      headers: Object.fromEntries(headers.entries()),
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      responseType: 'text',
      acceptStatuses: PASS_THROUGH,
      ...(signal ? { signal } : {}),
    });
    const out = new Response(NULL_BODY.has(res.status) ? null : res.body, { status: res.status, headers: res.headers });
    Object.defineProperty(out, 'url', { value: url.href });
    if (!NULL_BODY.has(res.status)) {
      // ProviderHttp already holds the body as a string, and googleapis (gaxios) reads responses with text(), the
      // Graph client with json(): without these, a Response re-encodes that string into a stream and decodes it
      // back (~2 ms per 2,500-event page: ~40–50 ms of a 50,000-event full sync).
      // These own properties answer from the string. The stream readers (arrayBuffer(), blob(), formData(), `body`:
      // tsdav, the Graph client for non-JSON) still read the Response's untouched stream, once between them as on
      // any Response. text()/json() never touch the stream (bodyUsed stays false), so they may be called again.
      const text = res.body;
      Object.defineProperties(out, {
        text: { value: () => Promise.resolve(text) },
        json: { value: () => Promise.resolve().then(() => JSON.parse(text) as unknown) },
      });
    }
    return out;
  };
}
