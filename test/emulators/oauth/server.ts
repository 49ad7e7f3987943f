// One OAuth 2.0 authorization server + account endpoint, in the manner of Google, Microsoft, Zoom or Webex.
// node:http only, all state in memory, time from an injected clock, listening on a loopback port chosen by the OS.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiErrorKind, type FlavorProfile, type PageErrorKind, PROFILES, type Rendered, type TokenErrorKind, defaultAccounts, makeTokenValue } from './flavors';
import { consentPage, errorPage, parseConsentPage } from './html';
import type {
  AuthorizeDecision,
  EmulatorAccount,
  EmulatorClient,
  EmulatorClock,
  EmulatorCounters,
  Fault,
  IssuedCode,
  IssuedToken,
  OAuthEmulatorOptions,
  OAuthEndpoint,
  OAuthEndpoints,
  OAuthFlavor,
  RequestLogEntry,
  TokenCheck,
} from './types';

export const CONSENT_PATH = '/__emulator/consent';
const MAX_BODY = 1024 * 1024;

/** What an extra route (another emulator's API mounted on this server) gets. */
export interface RouteContext {
  url: URL;
  match: RegExpExecArray;
  body: string;
  clock: EmulatorClock;
  /** The Bearer token's grant and account; when invalid, a 401 in the provider's format has been sent and null returned. */
  authenticate(): { token: IssuedToken; account: EmulatorAccount } | null;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  apiError(kind: ApiErrorKind, detail?: string): void;
}
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void | Promise<void>;

export interface OAuthEmulator {
  readonly flavor: OAuthFlavor;
  /** Base URL, http://127.0.0.1:<port>. */
  readonly url: string;
  /** The `iss` of Google's authorization responses (and the issuer a client should expect). */
  readonly issuer: string;
  readonly endpoints: OAuthEndpoints;
  readonly counters: Readonly<EmulatorCounters>;
  readonly clients: ReadonlyArray<EmulatorClient>;
  readonly accounts: ReadonlyArray<EmulatorAccount>;
  /** Every request received, oldest first. */
  readonly requests: ReadonlyArray<RequestLogEntry>;

  addClient(client: EmulatorClient): void;
  addRedirectUri(clientId: string, redirectUri: string): void;
  addAccount(account: EmulatorAccount): void;

  /** GET the authorization URL and submit the consent form like a person would; resolves to the redirect Location. */
  authorize(authorizationUrl: string, decision?: AuthorizeDecision): Promise<string>;

  /** Queue a fault for the next request(s) to an endpoint. */
  failNext(endpoint: OAuthEndpoint, fault: Fault): void;
  clearFaults(): void;
  /** The same two, grouped. */
  readonly faults: { failNext(endpoint: OAuthEndpoint, fault: Fault): void; clear(): void };

  /** Issued tokens (copies), oldest first. */
  issuedTokens(filter?: { kind?: 'access' | 'refresh'; clientId?: string; accountId?: string; activeOnly?: boolean }): IssuedToken[];
  issuedCodes(): IssuedCode[];
  /** Marker put into every access and refresh token issued from now on. */
  setTokenPrefix(prefix: string): void;
  /** Checks a Bearer token as the account endpoint does (for API emulators sharing these tokens). */
  checkAccessToken(value: string | null | undefined): TokenCheck;

  /**
   * Revokes whole grants: all of them (no argument), those of an account (id or email), or the one a token
   * belongs to. Returns how many grants were revoked.
   */
  revokeAll(userOrToken?: string): number;
  /** Revokes one refresh token (its access tokens keep working until they expire). */
  revokeRefreshToken(refreshToken: string): boolean;
  /** Makes a code or token expire now (same effect as advancing the clock past it). */
  expireCode(code: string): boolean;
  expireToken(token: string): boolean;

  /** Mounts an extra route on this server (e.g. a Calendar or Graph emulator sharing these tokens). */
  addRoute(method: string, path: string | RegExp, handler: RouteHandler): void;

  close(): Promise<void>;
}

export class AuthorizePageError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | null,
    readonly html: string,
  ) {
    super(`authorization page answered ${status}${errorCode ? ` (${errorCode})` : ''}`);
    this.name = 'AuthorizePageError';
  }
}

interface Txn {
  id: string;
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'fragment';
  state: string | null;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  accessType: string | null;
  accountId: string;
}

interface CodeRec extends IssuedCode {
  accessType: string | null;
  grantId: string | null;
}

interface Grant {
  id: string;
  clientId: string;
  accountId: string;
  scopes: string[];
  revoked: boolean;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const VERIFIER_RE = /^[A-Za-z0-9._~-]{43,128}$/;
const S256_CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;

const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');
const splitScopes = (s: string | null) => [...new Set((s ?? '').split(/[\s+]+/).filter(Boolean))];

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 6749 §3.1.2.3 exact match, plus RFC 8252 §7.3 (any port on a loopback http redirect) where the provider does it. */
export function redirectUriMatches(registered: readonly string[], requested: string, loopbackAnyPort: boolean): boolean {
  if (registered.includes(requested)) return true;
  if (!loopbackAnyPort) return false;
  let r: URL;
  try {
    r = new URL(requested);
  } catch {
    return false;
  }
  if (r.protocol !== 'http:' || !LOOPBACK_HOSTS.has(r.hostname) || r.username || r.password || r.hash) return false;
  return registered.some((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' && u.hostname === r.hostname && u.pathname === r.pathname && u.search === r.search;
    } catch {
      return false;
    }
  });
}

function decodeFormComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startOAuthEmulator(opts: OAuthEmulatorOptions): Promise<OAuthEmulator> {
  const p: FlavorProfile = PROFILES[opts.flavor];
  const clock: EmulatorClock = opts.clock ?? { now: () => Date.now() };
  const issuer = opts.issuer ?? p.defaultIssuer;
  const pkcePolicy = opts.pkce ?? 'S256-required';
  const scopeEcho = opts.scopeEcho ?? 'provider';
  const tokenTtlSec = opts.tokenTtlSec ?? p.defaultTokenTtlSec;
  const codeTtlSec = opts.codeTtlSec ?? p.defaultCodeTtlSec;
  const refreshTtlSec = opts.refreshTokenTtlSec === undefined ? p.defaultRefreshTtlSec : opts.refreshTokenTtlSec;
  let tokenPrefix = opts.tokenPrefix ?? '';

  const clients = new Map<string, EmulatorClient>();
  for (const c of opts.clients ?? []) clients.set(c.clientId, { ...c, redirectUris: [...c.redirectUris] });
  const accounts: EmulatorAccount[] = [...(opts.accounts ?? defaultAccounts(opts.flavor))];
  const txns = new Map<string, Txn>();
  const codes = new Map<string, CodeRec>();
  const tokens = new Map<string, IssuedToken>();
  const grants = new Map<string, Grant>();
  const faults = new Map<OAuthEndpoint, QueuedFault[]>();
  const routes: Array<{ method: string; path: RegExp; handler: RouteHandler }> = [];
  const log: RequestLogEntry[] = [];
  const counters: EmulatorCounters = {
    authorizeRequests: 0,
    consentSubmissions: 0,
    tokenRequests: 0,
    codeExchanges: 0,
    refreshRequests: 0,
    userinfoRequests: 0,
    revokeRequests: 0,
    apiRequests: 0,
  };
  const pendingTimers = new Map<NodeJS.Timeout, () => void>();
  const hung = new Set<ServerResponse>();
  let closed = false;
  let base = '';

  const echo = (scopes: string[]) => (scopeEcho === 'provider' ? p.formatScopes(scopes) : scopes.join(' '));

  // --- responses ------------------------------------------------------------------------------------------------
  function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }
  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
  const sendRendered = (res: ServerResponse, r: Rendered, extra: Record<string, string> = {}) =>
    sendJson(res, r.status, r.body, { ...(r.headers ?? {}), ...extra });
  const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
  const tokenError = (res: ServerResponse, kind: TokenErrorKind, detail = '') =>
    sendRendered(res, p.tokenError(kind, detail, clock.now()), noStore);
  const apiError = (res: ServerResponse, kind: ApiErrorKind, detail = '') => sendRendered(res, p.apiError(kind, detail, clock.now()));
  function pageError(res: ServerResponse, kind: PageErrorKind, detail: string) {
    const e = p.pageError(kind, detail);
    send(res, e.status, 'text/html; charset=utf-8', errorPage(p.displayName, e), noStore);
  }
  function redirect(res: ServerResponse, redirectUri: string, params: Record<string, string | null>, mode: 'query' | 'fragment' = 'query') {
    const u = new URL(redirectUri);
    const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== null);
    if (mode === 'fragment') u.hash = new URLSearchParams(entries).toString();
    else for (const [k, v] of entries) u.searchParams.set(k, v);
    res.writeHead(302, { Location: u.toString(), ...noStore });
    res.end();
  }

  // --- faults -----------------------------------------------------------------------------------------------------
  function takeFault(endpoint: OAuthEndpoint): Fault | null {
    const q = faults.get(endpoint);
    const head = q?.[0];
    if (!q || !head) return null;
    head.remaining -= 1;
    if (head.remaining <= 0) q.shift();
    return head.fault;
  }
  function sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        pendingTimers.delete(t);
        resolve(!closed);
      }, ms);
      pendingTimers.set(t, () => resolve(false));
    });
  }
  /** Applies a fault; true when the response is done (or never will be). */
  async function applyFault(f: Fault, endpoint: OAuthEndpoint, res: ServerResponse): Promise<boolean> {
    if (f.hang) {
      hung.add(res);
      return true;
    }
    if (f.delayMs && !(await sleep(f.delayMs))) return true;
    if (f.status === undefined && !f.malformed) return false;
    const status = f.status ?? 200;
    const headers: Record<string, string> = { ...(f.headers ?? {}) };
    if ((status === 429 || status === 503) && !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) {
      headers['Retry-After'] = String(f.retryAfterSec ?? 1);
    }
    if (f.malformed) {
      send(res, status, 'application/json; charset=utf-8', '{"access_token":"ya29.trunc', headers);
      return true;
    }
    if (typeof f.body === 'string') {
      send(res, status, headers['Content-Type'] ?? 'text/plain; charset=utf-8', f.body, headers);
      return true;
    }
    if (f.body) {
      sendJson(res, status, f.body, headers);
      return true;
    }
    const kind = status === 429 ? 'rate_limited' : status === 503 ? 'unavailable' : 'server_error';
    if (endpoint === 'authorize' || endpoint === 'consent') {
      const e = { ...p.pageError('fault', `The server answered ${status}.`), status };
      send(res, status, 'text/html; charset=utf-8', errorPage(p.displayName, e), headers);
    } else if (endpoint === 'token' || (endpoint === 'revoke' && p.flavor !== 'webex')) {
      const r = p.tokenError(kind, '', clock.now());
      sendJson(res, status, r.body, { ...noStore, ...headers });
    } else {
      const r = p.apiError(kind, '', clock.now());
      sendJson(res, status, r.body, headers);
    }
    return true;
  }

  // --- tokens and grants ----------------------------------------------------------------------------------------
  function issue(kind: 'access' | 'refresh', grant: Grant, scopes: string[]): IssuedToken {
    const now = clock.now();
    const ttl = kind === 'access' ? tokenTtlSec : refreshTtlSec;
    const t: IssuedToken = {
      kind,
      value: makeTokenValue(p, kind, tokenPrefix),
      flavor: p.flavor,
      clientId: grant.clientId,
      accountId: grant.accountId,
      scopes: [...scopes],
      grantId: grant.id,
      issuedAt: now,
      expiresAt: ttl === null ? null : now + ttl * 1000,
      revoked: false,
      revokedReason: null,
    };
    tokens.set(t.value, t);
    return t;
  }
  function revokeGrant(grantId: string, reason: 'revoked' | 'code-reuse'): boolean {
    const g = grants.get(grantId);
    if (!g || g.revoked) return false;
    g.revoked = true;
    for (const t of tokens.values()) {
      if (t.grantId === grantId && !t.revoked) {
        t.revoked = true;
        t.revokedReason = reason;
      }
    }
    return true;
  }
  function checkAccessToken(value: string | null | undefined): TokenCheck {
    if (!value) return { ok: false, reason: 'missing' };
    const t = tokens.get(value);
    if (!t || t.kind !== 'access') return { ok: false, reason: 'unknown' };
    if (t.revoked || grants.get(t.grantId)?.revoked) return { ok: false, reason: 'revoked' };
    if (t.expiresAt !== null && clock.now() >= t.expiresAt) return { ok: false, reason: 'expired' };
    const account = accounts.find((a) => a.id === t.accountId);
    if (!account) return { ok: false, reason: 'unknown' };
    return { ok: true, token: { ...t, scopes: [...t.scopes] }, account };
  }
  function bearer(req: IncomingMessage): string | null {
    const h = req.headers.authorization;
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    return m?.[1] ?? null;
  }
  function authenticate(req: IncomingMessage, res: ServerResponse): { token: IssuedToken; account: EmulatorAccount } | null {
    const check = checkAccessToken(bearer(req));
    if (check.ok) return { token: check.token, account: check.account };
    const kind: ApiErrorKind = check.reason === 'missing' ? 'missing_token' : check.reason === 'expired' ? 'expired_token' : 'invalid_token';
    apiError(res, kind);
    return null;
  }

  // --- authorization endpoint -------------------------------------------------------------------------------------
  function handleAuthorize(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (req.method !== 'GET') return pageError(res, 'invalid_request', `Method ${req.method ?? ''} is not allowed.`);
    const q = url.searchParams;
    const clientId = q.get('client_id');
    const client = clientId ? clients.get(clientId) : undefined;
    if (!client) return pageError(res, 'client_unknown', clientId ?? '(missing client_id)');
    const redirectUri = q.get('redirect_uri');
    // Never redirect to a URI that is not registered (RFC 6749 §4.1.2.1): show a page instead.
    if (!redirectUri || !redirectUriMatches(client.redirectUris, redirectUri, p.loopbackAnyPort)) {
      return pageError(res, 'redirect_invalid', redirectUri ?? '(missing redirect_uri)');
    }
    const state = q.get('state');
    const responseMode = q.get('response_mode') === 'fragment' && p.flavor === 'microsoft' ? 'fragment' : 'query';
    const fail = (error: string, description: string) =>
      p.errorPagesOnly
        ? pageError(res, 'invalid_request', description)
        : redirect(res, redirectUri, { ...p.authErrorParams(error, description), state }, responseMode);

    const responseType = q.get('response_type');
    if (!responseType) return fail('invalid_request', 'Required parameter is missing: response_type');
    if (responseType !== 'code') return fail('unsupported_response_type', `Unsupported response_type: ${responseType}`);
    const scopes = splitScopes(q.get('scope'));
    // Zoom falls back to the app's configured scopes; the others require the parameter.
    if (scopes.length === 0 && p.flavor !== 'zoom') return fail('invalid_request', 'Required parameter is missing: scope');

    const challenge = q.get('code_challenge');
    const method = q.get('code_challenge_method');
    const isPublic = client.clientSecret === undefined;
    if (pkcePolicy === 'S256-required') {
      if (!challenge) return fail('invalid_request', 'PKCE is required: code_challenge is missing.');
      if (method !== 'S256') return fail('invalid_request', `code_challenge_method must be S256 (got ${method ?? 'none'}).`);
    } else {
      const needed = isPublic ? p.documentedPkce.requiredForPublic : p.documentedPkce.requiredForConfidential;
      if (!challenge && needed) return fail('invalid_request', 'PKCE is required: code_challenge is missing.');
      if (!challenge && method) return fail('invalid_request', 'code_challenge_method without code_challenge.');
      const m = method ?? (challenge ? 'plain' : null);
      if (m !== null && m !== 'S256' && m !== 'plain') return fail('invalid_request', `Invalid code_challenge_method: ${m}`);
      if (m === 'plain' && !p.documentedPkce.plainAllowed) return fail('invalid_request', 'code_challenge_method plain is not supported.');
    }
    const effectiveMethod = challenge ? (method ?? 'plain') : null;
    if (challenge && !(effectiveMethod === 'S256' ? S256_CHALLENGE_RE : VERIFIER_RE).test(challenge)) {
      return fail('invalid_request', 'Invalid code_challenge.');
    }
    if (accounts.length === 0) return pageError(res, 'invalid_request', 'No account to sign in with.');
    const hint = q.get('login_hint')?.toLowerCase();
    const account = (hint && accounts.find((a) => a.email.toLowerCase() === hint)) || accounts[0];

    const txn: Txn = {
      id: randomUUID(),
      clientId: client.clientId,
      redirectUri,
      responseMode,
      state,
      scopes,
      codeChallenge: challenge,
      codeChallengeMethod: effectiveMethod,
      accessType: q.get('access_type'),
      accountId: account?.id ?? '',
    };
    txns.set(txn.id, txn);
    const html = consentPage({
      provider: p.displayName,
      clientName: client.name ?? client.clientId,
      txn: txn.id,
      action: CONSENT_PATH,
      scopes: scopes.map((s) => ({ scope: s, fixed: p.fixedScopes.has(s) })),
      accounts,
      selectedAccountId: txn.accountId,
    });
    send(res, 200, 'text/html; charset=utf-8', html, noStore);
  }

  function handleConsent(req: IncomingMessage, res: ServerResponse, body: string) {
    if (req.method !== 'POST') return pageError(res, 'invalid_request', 'Method not allowed.');
    const form = new URLSearchParams(body);
    const txn = txns.get(form.get('txn') ?? '');
    if (!txn) return pageError(res, 'txn_unknown', '');
    txns.delete(txn.id);
    if (form.get('decision') !== 'allow') {
      return redirect(res, txn.redirectUri, { ...p.authDenyParams(), state: txn.state }, txn.responseMode);
    }
    const submitted = new Set(form.getAll('scope'));
    const granted = txn.scopes.filter((s) => submitted.has(s) || p.fixedScopes.has(s));
    const accountId = form.get('account') ?? txn.accountId;
    if (!accounts.some((a) => a.id === accountId)) return pageError(res, 'invalid_request', 'Unknown account.');
    const now = clock.now();
    const code: CodeRec = {
      value: makeTokenValue(p, 'code', ''),
      clientId: txn.clientId,
      accountId,
      redirectUri: txn.redirectUri,
      scopes: granted,
      codeChallenge: txn.codeChallenge,
      codeChallengeMethod: txn.codeChallengeMethod,
      issuedAt: now,
      expiresAt: now + codeTtlSec * 1000,
      used: false,
      accessType: txn.accessType,
      grantId: null,
    };
    codes.set(code.value, code);
    const params: Record<string, string | null> = {
      code: code.value,
      state: txn.state,
      ...p.authSuccessParams({ grantedEcho: echo(granted), issuer }),
    };
    redirect(res, txn.redirectUri, params, txn.responseMode);
  }

  // --- token endpoint ---------------------------------------------------------------------------------------------
  type ClientAuth = { method: 'basic' | 'post' | 'none'; clientId: string | null; secret: string | null };
  function parseClientAuth(req: IncomingMessage, form: URLSearchParams): ClientAuth | 'conflict' {
    const h = req.headers.authorization;
    const basic = h ? /^Basic\s+(\S+)\s*$/i.exec(h) : null;
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const id = decodeFormComponent(i < 0 ? decoded : decoded.slice(0, i));
      const secret = i < 0 ? '' : decodeFormComponent(decoded.slice(i + 1));
      if (form.has('client_secret')) return 'conflict';
      const bodyId = form.get('client_id');
      if (bodyId !== null && bodyId !== id) return 'conflict';
      return { method: 'basic', clientId: id, secret };
    }
    const secret = form.get('client_secret');
    return { method: secret !== null ? 'post' : 'none', clientId: form.get('client_id'), secret };
  }
  /** Client authentication per flavor; the client, or null when an error was sent. */
  function authenticateClient(req: IncomingMessage, res: ServerResponse, form: URLSearchParams, entry: RequestLogEntry): EmulatorClient | null {
    const auth = parseClientAuth(req, form);
    if (auth === 'conflict') {
      tokenError(res, 'invalid_request', 'Client authentication must use exactly one method.');
      return null;
    }
    entry.clientAuth = auth.method;
    if (auth.clientId) entry.clientId = auth.clientId;
    const client = auth.clientId ? clients.get(auth.clientId) : undefined;
    if (!client) {
      tokenError(res, auth.clientId ? 'client_unknown' : 'invalid_request', auth.clientId ?? 'Required parameter is missing: client_id');
      return null;
    }
    if (client.clientSecret !== undefined) {
      if (auth.method === 'none') {
        tokenError(res, 'client_missing_secret');
        return null;
      }
      if (!p.confidentialAuth.includes(auth.method)) {
        tokenError(res, 'client_wrong_auth_method', auth.method);
        return null;
      }
      if (!safeEqual(auth.secret ?? '', client.clientSecret)) {
        tokenError(res, 'client_bad_secret');
        return null;
      }
    } else if (auth.method !== 'none') {
      tokenError(res, 'client_public_with_secret');
      return null;
    }
    return client;
  }

  function tokenResponse(res: ServerResponse, access: IssuedToken, refresh: IssuedToken | null, scopes: string[]) {
    const now = clock.now();
    const refreshExpiresInSec = refresh?.expiresAt != null ? Math.max(0, Math.floor((refresh.expiresAt - now) / 1000)) : null;
    sendJson(
      res,
      200,
      {
        access_token: access.value,
        token_type: p.tokenType,
        expires_in: tokenTtlSec,
        ...(refresh ? { refresh_token: refresh.value } : {}),
        scope: echo(scopes),
        ...p.tokenResponseExtras({ base, accessTtlSec: tokenTtlSec, refreshExpiresInSec }),
      },
      noStore,
    );
  }

  function handleToken(req: IncomingMessage, res: ServerResponse, url: URL, body: string, entry: RequestLogEntry) {
    if (req.method !== 'POST') return tokenError(res, 'invalid_request', 'The token endpoint only accepts POST.');
    const ct = (req.headers['content-type'] ?? '').toLowerCase();
    if (!ct.startsWith('application/x-www-form-urlencoded')) {
      return tokenError(res, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(body);
    // Zoom documents its token parameters "as query parameters or in the request body".
    if (p.flavor === 'zoom') for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
    const grantType = form.get('grant_type');
    const client = authenticateClient(req, res, form, entry);
    if (!client) return;
    if (!grantType) return tokenError(res, 'invalid_request', 'Required parameter is missing: grant_type');
    if (grantType === 'authorization_code') return exchangeCode(res, client, form);
    if (grantType === 'refresh_token') return refresh(res, client, form);
    return tokenError(res, 'unsupported_grant_type', grantType);
  }

  function exchangeCode(res: ServerResponse, client: EmulatorClient, form: URLSearchParams) {
    const value = form.get('code');
    if (!value) return tokenError(res, 'invalid_request', 'Required parameter is missing: code');
    const rec = codes.get(value);
    if (!rec) return tokenError(res, 'code_unknown');
    if (rec.clientId !== client.clientId) return tokenError(res, 'code_client_mismatch');
    if (rec.used) {
      // RFC 6749 §4.1.2: a code used twice revokes what it produced.
      if (rec.grantId) revokeGrant(rec.grantId, 'code-reuse');
      return tokenError(res, 'code_used');
    }
    rec.used = true; // single use, whatever follows
    if (clock.now() >= rec.expiresAt) return tokenError(res, 'code_expired');
    const redirectUri = form.get('redirect_uri');
    if (redirectUri !== rec.redirectUri) return tokenError(res, 'redirect_mismatch', redirectUri ?? '');
    if (rec.codeChallenge) {
      const verifier = form.get('code_verifier');
      if (!verifier) return tokenError(res, 'pkce_missing');
      const computed = rec.codeChallengeMethod === 'S256' ? s256(verifier) : verifier;
      if (!VERIFIER_RE.test(verifier) || !safeEqual(computed, rec.codeChallenge)) return tokenError(res, 'pkce_mismatch');
    }
    const grant: Grant = { id: randomUUID(), clientId: rec.clientId, accountId: rec.accountId, scopes: [...rec.scopes], revoked: false };
    grants.set(grant.id, grant);
    rec.grantId = grant.id;
    const access = issue('access', grant, grant.scopes);
    const refreshToken = p.issuesRefreshToken({ scopes: grant.scopes, accessType: rec.accessType }) ? issue('refresh', grant, grant.scopes) : null;
    tokenResponse(res, access, refreshToken, grant.scopes);
  }

  function refresh(res: ServerResponse, client: EmulatorClient, form: URLSearchParams) {
    const value = form.get('refresh_token');
    if (!value) return tokenError(res, 'invalid_request', 'Required parameter is missing: refresh_token');
    const t = tokens.get(value);
    if (!t || t.kind !== 'refresh' || t.clientId !== client.clientId) return tokenError(res, 'rt_unknown');
    const grant = grants.get(t.grantId);
    if (t.revoked || !grant || grant.revoked) return tokenError(res, 'rt_revoked');
    if (t.expiresAt !== null && clock.now() >= t.expiresAt) return tokenError(res, 'rt_expired');
    let scopes = grant.scopes;
    // Microsoft lets a refresh narrow the scopes (a subset of the grant); the others ignore the parameter.
    const asked = splitScopes(form.get('scope'));
    if (p.flavor === 'microsoft' && asked.length) {
      const norm = (s: string) => s.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, '');
      const have = new Set(grant.scopes.map(norm));
      const missing = asked.filter((s) => !have.has(norm(s)));
      if (missing.length) return tokenError(res, 'invalid_scope', missing.join(' '));
      scopes = grant.scopes.filter((s) => asked.some((a) => norm(a) === norm(s)) || s === 'offline_access');
    }
    const access = issue('access', grant, scopes);
    let next: IssuedToken | null = null;
    switch (p.refresh) {
      case 'no-new-token':
        break;
      case 'rotate-keep-old':
        next = issue('refresh', grant, grant.scopes);
        break;
      case 'rotate-revoke-old':
        next = issue('refresh', grant, grant.scopes);
        t.revoked = true;
        t.revokedReason = 'rotated';
        break;
      case 'same-token':
        next = t;
        break;
    }
    tokenResponse(res, access, next, scopes);
  }

  // --- revocation -------------------------------------------------------------------------------------------------
  function handleRevoke(req: IncomingMessage, res: ServerResponse, url: URL, body: string, entry: RequestLogEntry) {
    if (p.flavor === 'webex') return revokeWebex(req, res, url);
    if (req.method !== 'POST') return tokenError(res, 'invalid_request', 'Revocation requires POST.');
    const form = new URLSearchParams(body);
    for (const [k, v] of url.searchParams) if (!form.has(k)) form.set(k, v);
    const value = form.get('token');
    if (p.flavor === 'google') {
      // Google: no client authentication; revoking either token revokes the grant.
      const t = value ? tokens.get(value) : undefined;
      if (!t || t.revoked || (t.expiresAt !== null && clock.now() >= t.expiresAt)) {
        return sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' }, noStore);
      }
      revokeGrant(t.grantId, 'revoked');
      return sendJson(res, 200, {}, noStore);
    }
    // Zoom: the client authenticates as at the token endpoint; the whole authorization goes.
    const client = authenticateClient(req, res, form, entry);
    if (!client) return;
    const t = value ? tokens.get(value) : undefined;
    if (!t || t.revoked || t.clientId !== client.clientId) return tokenError(res, 'rt_unknown');
    revokeGrant(t.grantId, 'revoked');
    sendJson(res, 200, { status: 'success' }, noStore);
  }

  function revokeWebex(req: IncomingMessage, res: ServerResponse, url: URL) {
    // The Authorizations API: DELETE /v1/authorizations?clientId=… with a token holding identity:tokens_write.
    if (req.method !== 'DELETE') return apiError(res, 'not_found');
    const who = authenticate(req, res);
    if (!who) return;
    if (!who.token.scopes.includes('identity:tokens_write')) return apiError(res, 'forbidden', 'identity:tokens_write');
    const clientId = url.searchParams.get('clientId');
    if (!clientId) return sendRendered(res, { status: 400, body: { message: 'clientId is required', errors: [{ description: 'clientId is required' }], trackingId: `ROUTER_${randomUUID()}` } });
    for (const g of grants.values()) if (g.accountId === who.account.id && g.clientId === clientId) revokeGrant(g.id, 'revoked');
    res.writeHead(204);
    res.end();
  }

  // --- account endpoint -------------------------------------------------------------------------------------------
  function handleUserinfo(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'GET') return apiError(res, 'not_found');
    const who = authenticate(req, res);
    if (!who) return;
    const body = p.account(who.account, who.token.scopes);
    if (typeof body === 'string') return apiError(res, body, p.flavor === 'zoom' ? 'user:read' : '');
    sendJson(res, 200, body);
  }

  // --- dispatch ---------------------------------------------------------------------------------------------------
  function classify(method: string, path: string): { endpoint: OAuthEndpoint | 'other'; route?: (typeof routes)[number]; match?: RegExpExecArray } {
    if (p.routes.authorize.test(path)) return { endpoint: 'authorize' };
    if (path === CONSENT_PATH) return { endpoint: 'consent' };
    if (p.routes.token.test(path)) return { endpoint: 'token' };
    if (p.routes.revoke?.test(path)) return { endpoint: 'revoke' };
    if (p.routes.userinfo.test(path)) return { endpoint: 'userinfo' };
    for (const r of routes) {
      const m = r.path.exec(path);
      if (m && (r.method === '*' || r.method === method)) return { endpoint: 'api', route: r, match: m };
    }
    return { endpoint: 'other' };
  }

  const countersKey: Record<OAuthEndpoint, keyof EmulatorCounters> = {
    authorize: 'authorizeRequests',
    consent: 'consentSubmissions',
    token: 'tokenRequests',
    userinfo: 'userinfoRequests',
    revoke: 'revokeRequests',
    api: 'apiRequests',
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    const { endpoint, route, match } = classify(method, url.pathname);
    const entry: RequestLogEntry = { at: clock.now(), endpoint, method, path: url.pathname };
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
    if (endpoint === 'other') return apiError(res, 'not_found');
    counters[countersKey[endpoint]]++;
    if (endpoint === 'token') {
      // Counted before any fault, so that refused attempts show too.
      const grantType = new URLSearchParams(body).get('grant_type') ?? (p.flavor === 'zoom' ? url.searchParams.get('grant_type') : null);
      if (grantType) entry.grantType = grantType;
      if (grantType === 'authorization_code') counters.codeExchanges++;
      if (grantType === 'refresh_token') counters.refreshRequests++;
    }
    const fault = takeFault(endpoint);
    if (fault && (await applyFault(fault, endpoint, res))) return;
    switch (endpoint) {
      case 'authorize':
        return handleAuthorize(req, res, url);
      case 'consent':
        return handleConsent(req, res, body);
      case 'token':
        return handleToken(req, res, url, body, entry);
      case 'revoke':
        if (p.flavor !== 'webex' && method !== p.routes.revokeMethod) return tokenError(res, 'invalid_request', 'Method not allowed.');
        return handleRevoke(req, res, url, body, entry);
      case 'userinfo':
        return handleUserinfo(req, res);
      case 'api':
        if (!route || !match) return apiError(res, 'not_found');
        return route.handler(req, res, {
          url,
          match,
          body,
          clock,
          authenticate: () => authenticate(req, res),
          json: (status, b, headers) => sendJson(res, status, b, headers),
          apiError: (kind, detail) => apiError(res, kind, detail),
        });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: 'emulator_failure', message: String(err) });
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const endpoints = p.endpoints(base);

  function failNext(endpoint: OAuthEndpoint, fault: Fault) {
    const q = faults.get(endpoint) ?? [];
    q.push({ fault, remaining: Math.max(1, fault.times ?? 1) });
    faults.set(endpoint, q);
  }
  function clearFaults() {
    faults.clear();
  }

  async function authorizeHelper(authorizationUrl: string, decision: AuthorizeDecision = {}): Promise<string> {
    const first = await fetch(authorizationUrl, { redirect: 'manual' });
    const firstLocation = first.headers.get('location');
    if (first.status >= 300 && first.status < 400 && firstLocation) return firstLocation;
    const html = await first.text();
    const parsed = first.status === 200 ? parseConsentPage(html) : null;
    if (!parsed) throw new AuthorizePageError(first.status, /data-error-code="([^"]*)"/.exec(html)?.[1] ?? null, html);
    const form = new URLSearchParams({ txn: parsed.txn, decision: decision.allow === false ? 'deny' : 'allow' });
    for (const s of parsed.fixedScopes) form.append('scope', s);
    for (const s of parsed.optionalScopes) if (!decision.scopes || decision.scopes.includes(s)) form.append('scope', s);
    let accountId = parsed.selectedAccountId;
    if (decision.account) {
      const a = accounts.find((x) => x.id === decision.account || x.email.toLowerCase() === decision.account?.toLowerCase());
      if (!a) throw new Error(`no account ${decision.account}`);
      accountId = a.id;
    }
    if (accountId) form.set('account', accountId);
    const post = await fetch(new URL(parsed.action, authorizationUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });
    const location = post.headers.get('location');
    if (post.status >= 300 && post.status < 400 && location) return location;
    const text = await post.text();
    throw new AuthorizePageError(post.status, /data-error-code="([^"]*)"/.exec(text)?.[1] ?? null, text);
  }

  return {
    flavor: p.flavor,
    url: base,
    issuer,
    endpoints,
    get counters() {
      return { ...counters };
    },
    get clients() {
      return [...clients.values()].map((c) => ({ ...c, redirectUris: [...c.redirectUris] }));
    },
    get accounts() {
      return [...accounts];
    },
    get requests() {
      return log.map((e) => ({ ...e }));
    },
    addClient(c) {
      clients.set(c.clientId, { ...c, redirectUris: [...c.redirectUris] });
    },
    addRedirectUri(clientId, uri) {
      const c = clients.get(clientId);
      if (!c) throw new Error(`unknown client ${clientId}`);
      if (!c.redirectUris.includes(uri)) c.redirectUris.push(uri);
    },
    addAccount(a) {
      accounts.push({ ...a });
    },
    authorize: authorizeHelper,
    failNext,
    clearFaults,
    faults: { failNext, clear: clearFaults },
    issuedTokens(filter = {}) {
      const now = clock.now();
      return [...tokens.values()]
        .filter((t) => (filter.kind ? t.kind === filter.kind : true))
        .filter((t) => (filter.clientId ? t.clientId === filter.clientId : true))
        .filter((t) => (filter.accountId ? t.accountId === filter.accountId : true))
        .filter((t) => (filter.activeOnly ? !t.revoked && (t.expiresAt === null || now < t.expiresAt) : true))
        .map((t) => ({ ...t, scopes: [...t.scopes] }));
    },
    issuedCodes() {
      return [...codes.values()].map(({ accessType: _a, grantId: _g, ...c }) => ({ ...c, scopes: [...c.scopes] }));
    },
    setTokenPrefix(prefix) {
      tokenPrefix = prefix;
    },
    checkAccessToken,
    revokeAll(userOrToken) {
      let n = 0;
      if (userOrToken === undefined) {
        for (const g of grants.values()) if (revokeGrant(g.id, 'revoked')) n++;
        return n;
      }
      const t = tokens.get(userOrToken);
      if (t) return revokeGrant(t.grantId, 'revoked') ? 1 : 0;
      const key = userOrToken.toLowerCase();
      const account = accounts.find((a) => a.id === userOrToken || a.email.toLowerCase() === key);
      if (!account) return 0;
      for (const g of grants.values()) if (g.accountId === account.id && revokeGrant(g.id, 'revoked')) n++;
      return n;
    },
    revokeRefreshToken(value) {
      const t = tokens.get(value);
      if (!t || t.kind !== 'refresh' || t.revoked) return false;
      t.revoked = true;
      t.revokedReason = 'revoked';
      return true;
    },
    expireCode(value) {
      const c = codes.get(value);
      if (!c) return false;
      c.expiresAt = clock.now();
      return true;
    },
    expireToken(value) {
      const t = tokens.get(value);
      if (!t) return false;
      t.expiresAt = clock.now();
      return true;
    },
    addRoute(method, path, handler) {
      const re = typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
      routes.push({ method: method.toUpperCase(), path: re, handler });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const [t, wake] of pendingTimers) {
        clearTimeout(t);
        wake();
      }
      pendingTimers.clear();
      for (const r of hung) r.destroy();
      hung.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
