// Public types of the OAuth emulators (test/emulators/oauth).

export type OAuthFlavor = 'google' | 'microsoft' | 'zoom' | 'webex';
export const OAUTH_FLAVORS: readonly OAuthFlavor[] = ['google', 'microsoft', 'zoom', 'webex'];

export interface EmulatorClock {
  now(): number;
}

/** A registered OAuth client. No `clientSecret` = a public client (PKCE only, no client authentication). */
export interface EmulatorClient {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  /** Shown on the consent page. */
  name?: string;
}

export interface EmulatorAccount {
  id: string;
  email: string;
  name: string;
  /** Microsoft: userPrincipalName (defaults to email). */
  userPrincipalName?: string;
  /** Zoom: account_id; Webex: orgId. Defaults are derived from `id`. */
  accountId?: string;
}

/**
 * `S256-required` (default): a missing code_challenge or a method other than S256 is refused, which proves the
 * client always sends S256. `as-documented`: what each provider documents (plain and missing accepted where they are).
 */
export type PkcePolicy = 'S256-required' | 'as-documented';

/**
 * `provider` (default): scopes are echoed the way the provider does (Google expands `email` to
 * `https://www.googleapis.com/auth/userinfo.email`; Microsoft qualifies Graph scopes as
 * `https://graph.microsoft.com/X` and leaves out `offline_access`). `verbatim`: echoed as requested.
 */
export type ScopeEcho = 'provider' | 'verbatim';

export interface OAuthEmulatorOptions {
  flavor: OAuthFlavor;
  clock?: EmulatorClock;
  clients?: EmulatorClient[];
  accounts?: EmulatorAccount[];
  /** Access-token lifetime. Default 3600 (Webex: 1,209,600 = 14 days, as documented). */
  tokenTtlSec?: number;
  /** Authorization-code lifetime. Default: Google 600, Microsoft 600 ("about 10 minutes"), Zoom 300 (5 minutes), Webex 300. */
  codeTtlSec?: number;
  /** Refresh-token lifetime; null = no expiry. Default: Webex 7,776,000 (90 days), others null. */
  refreshTokenTtlSec?: number | null;
  /** Every issued access and refresh token contains this marker (see setTokenPrefix). */
  tokenPrefix?: string;
  /** Google's authorization response carries `iss`; default `https://accounts.google.com`, as in production. */
  issuer?: string;
  pkce?: PkcePolicy;
  scopeEcho?: ScopeEcho;
  /** Host to bind; always a loopback address. Default 127.0.0.1. */
  host?: string;
}

export type OAuthEndpoint = 'authorize' | 'consent' | 'token' | 'userinfo' | 'revoke' | 'api';

export interface Fault {
  /** HTTP status to answer with. Omitted with `delayMs` only: the request is delayed, then handled normally. */
  status?: number;
  /** Body to send instead of the provider-shaped error body (objects are sent as JSON). */
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  /** Wait before answering (timer cleared on close). */
  delayMs?: number;
  /** Never answer (the socket is destroyed on close): a timeout without waiting for a timer. */
  hang?: boolean;
  /** Answer 200 (or `status`) with truncated JSON. */
  malformed?: boolean;
  /** Retry-After seconds for 429/503 (default 1). */
  retryAfterSec?: number;
  /** How many consecutive requests this fault applies to (default 1). */
  times?: number;
}

export type TokenKind = 'access' | 'refresh';

export interface IssuedToken {
  kind: TokenKind;
  value: string;
  flavor: OAuthFlavor;
  clientId: string;
  accountId: string;
  /** Granted scopes, as the client requested them (not the provider's echo form). */
  scopes: string[];
  grantId: string;
  issuedAt: number;
  /** Epoch ms; null = no expiry. */
  expiresAt: number | null;
  /** Revoked, or (Zoom) rotated away by a refresh. */
  revoked: boolean;
  revokedReason: 'revoked' | 'rotated' | 'code-reuse' | null;
}

export interface IssuedCode {
  value: string;
  clientId: string;
  accountId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  issuedAt: number;
  expiresAt: number;
  used: boolean;
}

export interface EmulatorCounters {
  authorizeRequests: number;
  consentSubmissions: number;
  /** Every request that reached the token endpoint (any grant, faults included). */
  tokenRequests: number;
  codeExchanges: number;
  refreshRequests: number;
  userinfoRequests: number;
  revokeRequests: number;
  apiRequests: number;
}

export interface RequestLogEntry {
  at: number;
  endpoint: OAuthEndpoint | 'other';
  method: string;
  path: string;
  /** Token and revoke endpoints: how the client authenticated. */
  clientAuth?: 'basic' | 'post' | 'none';
  clientId?: string;
  grantType?: string;
  status?: number;
}

export type TokenCheck =
  | { ok: true; token: IssuedToken; account: EmulatorAccount }
  | { ok: false; reason: 'missing' | 'unknown' | 'revoked' | 'expired' };

export interface AuthorizeDecision {
  /** Default true. */
  allow?: boolean;
  /** Scopes to leave checked (the others are unchecked); default all. Google's sign-in scopes are always granted. */
  scopes?: string[];
  /** Account id or email; default the preselected one. */
  account?: string;
}

export interface OAuthEndpoints {
  authUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  revokeUrl: string | null;
  apiRoot: string;
}
