// Who may talk to the browser host. Pure functions over request facts, so every rule is unit-tested.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'junction_session';

/**
 * Routes reached without the session cookie. The OAuth callback is the only one: the provider's redirect
 * carries no cookie, and its single-use `state` authenticates it. Keep every exemption here.
 */
export const COOKIELESS_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/oauth/callback' },
];

/** A random 256-bit token, base64url. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time string comparison; hashing first hides the length too. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** The cookie value: derived from the token so the token itself never sits in the cookie jar. */
export function sessionIdFor(token: string): string {
  return createHmac('sha256', token).update('junction-session-v1').digest('base64url');
}

export function sessionCookie(session: string): string {
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

/** DNS-rebinding defence: the Host must name our loopback address and port exactly. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** An Origin, when sent, must be this host; `null` and every other site are refused. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
}

export function isCookielessRoute(method: string, path: string): boolean {
  return COOKIELESS_ROUTES.some((r) => r.method === method && r.path === path);
}

/** API paths never take the token from the query string: only pages do (first load). */
export function isApiPath(path: string): boolean {
  return path === '/events' || path === '/ipc' || path.startsWith('/ipc/');
}

export interface RequestFacts {
  method: string;
  /** The raw request target, e.g. `/integrations?token=abc`. */
  url: string;
  host: string | undefined;
  origin: string | undefined;
  cookie: string | undefined;
  authorization: string | undefined;
}

export type AccessDecision =
  | { action: 'forbidden'; reason: 'host' | 'origin' }
  | { action: 'unauthorized'; reason: 'missing' | 'wrong-token' }
  | { action: 'redirect'; location: string; setCookie: string }
  | { action: 'exempt' }
  | { action: 'allow' };

/** Builds the redirect target without the token; never a scheme-relative (`//host`) URL. */
export function locationWithoutToken(path: string, query: URLSearchParams): string {
  const q = new URLSearchParams(query);
  q.delete('token');
  const safePath = path.startsWith('//') || path.includes('\\') || !path.startsWith('/') ? '/' : path;
  const qs = q.toString();
  return qs ? `${safePath}?${qs}` : safePath;
}

export function decideAccess(req: RequestFacts, port: number, token: string): AccessDecision {
  if (!isAllowedHost(req.host, port)) return { action: 'forbidden', reason: 'host' };
  if (!isAllowedOrigin(req.origin, port)) return { action: 'forbidden', reason: 'origin' };

  const q = req.url.indexOf('?');
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1));
  const method = req.method.toUpperCase();

  if (isCookielessRoute(method, path)) return { action: 'exempt' };

  const offered = query.get('token');
  if (offered !== null && (method === 'GET' || method === 'HEAD') && !isApiPath(path)) {
    if (!safeEqual(offered, token)) return { action: 'unauthorized', reason: 'wrong-token' };
    return {
      action: 'redirect',
      location: locationWithoutToken(path, query),
      setCookie: sessionCookie(sessionIdFor(token)),
    };
  }

  const bearer = bearerToken(req.authorization);
  if (bearer !== null) {
    return safeEqual(bearer, token) ? { action: 'allow' } : { action: 'unauthorized', reason: 'wrong-token' };
  }
  const session = parseCookies(req.cookie).get(SESSION_COOKIE);
  if (session !== undefined) {
    return safeEqual(session, sessionIdFor(token))
      ? { action: 'allow' }
      : { action: 'unauthorized', reason: 'wrong-token' };
  }
  return { action: 'unauthorized', reason: 'missing' };
}
