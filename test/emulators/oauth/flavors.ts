// What differs between the four identity providers: paths, lifetimes, client authentication, refresh behaviour,
// error bodies, echo of scopes and the account endpoint. Facts come from each provider's documentation;
// where the documentation is silent the choice is marked "undocumented".
import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorAccount, OAuthEndpoints, OAuthFlavor } from './types';

/** Semantic token-endpoint failures; each flavor renders them in its own format. */
export type TokenErrorKind =
  | 'invalid_request'
  | 'unsupported_grant_type'
  | 'client_unknown'
  | 'client_bad_secret'
  | 'client_missing_secret'
  | 'client_public_with_secret'
  | 'client_wrong_auth_method'
  | 'code_unknown'
  | 'code_used'
  | 'code_expired'
  | 'code_client_mismatch'
  | 'redirect_mismatch'
  | 'pkce_missing'
  | 'pkce_mismatch'
  | 'rt_unknown'
  | 'rt_revoked'
  | 'rt_expired'
  | 'invalid_scope'
  | 'rate_limited'
  | 'server_error'
  | 'unavailable';

/** Resource (account/API) endpoint failures. */
export type ApiErrorKind =
  | 'missing_token'
  | 'invalid_token'
  | 'expired_token'
  | 'insufficient_scope'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'unavailable';

/** Authorization-page failures that must not redirect (unknown client, unregistered redirect) or, for Google, any. */
export type PageErrorKind = 'client_unknown' | 'redirect_invalid' | 'invalid_request' | 'txn_unknown' | 'fault';

export interface Rendered {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface PageError {
  status: number;
  /** Machine-readable code, also in the page as data-error-code. */
  code: string;
  title: string;
  message: string;
}

export type RefreshBehaviour =
  /** Google: no new refresh token; the old one stays. */
  | 'no-new-token'
  /** Microsoft: a new refresh token every time; the old one stays valid. */
  | 'rotate-keep-old'
  /** Zoom: a new refresh token every time; the old one dies. */
  | 'rotate-revoke-old'
  /** Webex: the same refresh token comes back, with its remaining lifetime. */
  | 'same-token';

export interface FlavorProfile {
  flavor: OAuthFlavor;
  displayName: string;
  defaultIssuer: string;
  defaultTokenTtlSec: number;
  defaultCodeTtlSec: number;
  defaultRefreshTtlSec: number | null;
  /** RFC 8252 §7.3: loopback redirects match whatever the port. */
  loopbackAnyPort: boolean;
  /** Google shows every authorization-request error as a page; the others redirect once client and redirect are valid. */
  errorPagesOnly: boolean;
  /** Client authentication a confidential client may use at the token endpoint. */
  confidentialAuth: ReadonlyArray<'basic' | 'post'>;
  refresh: RefreshBehaviour;
  /** Scopes granted on every consent (Google's sign-in scopes): no checkbox. */
  fixedScopes: ReadonlySet<string>;
  endpoints(base: string): OAuthEndpoints;
  /** Path patterns (regex on the pathname). */
  routes: { authorize: RegExp; token: RegExp; userinfo: RegExp; revoke: RegExp | null; revokeMethod: string };
  tokenError(kind: TokenErrorKind, detail: string, now: number): Rendered;
  apiError(kind: ApiErrorKind, detail: string, now: number): Rendered;
  pageError(kind: PageErrorKind, detail: string): PageError;
  /** Query parameters added to a successful authorization response, besides code and state. */
  authSuccessParams(ctx: { grantedEcho: string; issuer: string }): Record<string, string>;
  authDenyParams(): Record<string, string>;
  authErrorParams(error: string, description: string): Record<string, string>;
  formatScopes(scopes: string[]): string;
  /** Whether a refresh token is issued for this grant. */
  issuesRefreshToken(ctx: { scopes: string[]; accessType: string | null }): boolean;
  /** Extra members of a token response. */
  tokenResponseExtras(ctx: { base: string; accessTtlSec: number; refreshExpiresInSec: number | null }): Record<string, unknown>;
  tokenType: string;
  /** The account resource, or an error kind when the grant lacks the scope it needs. */
  account(account: EmulatorAccount, scopes: string[]): Record<string, unknown> | ApiErrorKind;
  lead: { access: string; refresh: string; code: string };
  /** PKCE under the `as-documented` policy. */
  documentedPkce: { plainAllowed: boolean; requiredForPublic: boolean; requiredForConfidential: boolean };
}

const rnd = (bytes: number) => randomBytes(bytes).toString('base64url');
const isoSeconds = (now: number) => new Date(now).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/);
  const first = parts[0] ?? '';
  return { first, last: parts.slice(1).join(' ') };
}

const rateLimitedMsg = 'Too many requests. Try again later.';

// --- Google --------------------------------------------------------------------------------------------------
// accounts.google.com/o/oauth2/v2/auth, oauth2.googleapis.com/token and /revoke, openidconnect.googleapis.com/v1/userinfo.
// Errors: {error, error_description}; invalid client → 401. Authorization response: code, scope, authuser, prompt, iss.
const GOOGLE_SCOPE_ALIASES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};
const googleHas = (scopes: string[], s: 'email' | 'profile') =>
  scopes.includes(s) || scopes.includes(GOOGLE_SCOPE_ALIASES[s] as string);

const google: FlavorProfile = {
  flavor: 'google',
  displayName: 'Google',
  defaultIssuer: 'https://accounts.google.com',
  defaultTokenTtlSec: 3600,
  defaultCodeTtlSec: 600,
  defaultRefreshTtlSec: null,
  loopbackAnyPort: true,
  errorPagesOnly: true,
  confidentialAuth: ['post', 'basic'],
  refresh: 'no-new-token',
  fixedScopes: new Set(['openid', 'email', 'profile', ...Object.values(GOOGLE_SCOPE_ALIASES)]),
  endpoints: (base) => ({
    authUrl: `${base}/o/oauth2/v2/auth`,
    tokenUrl: `${base}/token`,
    userinfoUrl: `${base}/v1/userinfo`,
    revokeUrl: `${base}/revoke`,
    apiRoot: base,
  }),
  routes: {
    authorize: /^\/o\/oauth2\/(v2\/)?auth$/,
    token: /^\/(token|o\/oauth2\/token)$/,
    userinfo: /^\/(v1\/userinfo|oauth2\/v3\/userinfo)$/,
    revoke: /^\/(revoke|o\/oauth2\/revoke)$/,
    revokeMethod: 'POST',
  },
  tokenError(kind, detail) {
    const e = (status: number, error: string, error_description: string): Rendered => ({
      status,
      body: { error, error_description },
    });
    switch (kind) {
      case 'invalid_request': return e(400, 'invalid_request', detail);
      case 'unsupported_grant_type': return e(400, 'unsupported_grant_type', `Invalid grant_type: ${detail}`);
      case 'client_unknown': return e(401, 'invalid_client', 'The OAuth client was not found.');
      case 'client_bad_secret': return e(401, 'invalid_client', 'Unauthorized');
      case 'client_missing_secret': return e(400, 'invalid_request', 'client_secret is missing.');
      case 'client_public_with_secret': return e(401, 'invalid_client', 'Unauthorized');
      case 'client_wrong_auth_method': return e(401, 'invalid_client', 'Unauthorized');
      case 'code_unknown': return e(400, 'invalid_grant', 'Malformed auth code.');
      case 'code_used':
      case 'code_expired':
      case 'code_client_mismatch': return e(400, 'invalid_grant', 'Bad Request');
      case 'redirect_mismatch': return e(400, 'redirect_uri_mismatch', 'Bad Request');
      case 'pkce_missing': return e(400, 'invalid_grant', 'Missing code verifier.');
      case 'pkce_mismatch': return e(400, 'invalid_grant', 'Invalid code verifier.');
      case 'rt_unknown': return e(400, 'invalid_grant', 'Bad Request');
      case 'rt_revoked':
      case 'rt_expired': return e(400, 'invalid_grant', 'Token has been expired or revoked.');
      case 'invalid_scope': return e(400, 'invalid_scope', 'Some requested scopes were invalid.');
      case 'rate_limited': return e(429, 'rate_limit_exceeded', rateLimitedMsg);
      case 'server_error': return e(500, 'internal_failure', 'Backend Error');
      case 'unavailable': return e(503, 'temporarily_unavailable', 'The service is currently unavailable.');
    }
  },
  apiError(kind) {
    // The userinfo endpoint answers OAuth-style; a realm challenge comes with 401s.
    const challenge = (err?: string) => ({
      'WWW-Authenticate': `Bearer realm="https://accounts.google.com/"${err ? `, error="${err}"` : ''}`,
    });
    switch (kind) {
      case 'missing_token':
        return { status: 401, body: { error: 'invalid_request', error_description: 'Invalid Credentials' }, headers: challenge() };
      case 'invalid_token':
      case 'expired_token':
        return { status: 401, body: { error: 'invalid_request', error_description: 'Invalid Credentials' }, headers: challenge('invalid_token') };
      case 'insufficient_scope':
      case 'forbidden':
        return { status: 403, body: { error: 'insufficient_scope', error_description: 'Insufficient Permission' } };
      case 'not_found':
        return { status: 404, body: { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } } };
      case 'rate_limited':
        return { status: 429, body: { error: { code: 429, message: 'Rate Limit Exceeded', status: 'RESOURCE_EXHAUSTED' } } };
      case 'server_error':
        return { status: 500, body: { error: { code: 500, message: 'Backend Error', status: 'INTERNAL' } } };
      case 'unavailable':
        return { status: 503, body: { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } } };
    }
  },
  pageError(kind, detail) {
    switch (kind) {
      case 'client_unknown':
        return { status: 401, code: 'invalid_client', title: 'Access blocked: Authorization Error', message: `The OAuth client was not found. ${detail}` };
      case 'redirect_invalid':
        return {
          status: 400,
          code: 'redirect_uri_mismatch',
          title: "Access blocked: This app's request is invalid",
          message: `You can't sign in because this app sent an invalid request. Error 400: redirect_uri_mismatch. ${detail}`,
        };
      case 'invalid_request':
        return { status: 400, code: 'invalid_request', title: 'Access blocked: Authorization Error', message: `Error 400: invalid_request. ${detail}` };
      case 'txn_unknown':
        return { status: 400, code: 'invalid_request', title: 'Something went wrong', message: 'This sign-in request is no longer valid. Start again.' };
      case 'fault':
        return { status: 500, code: 'server_error', title: 'Something went wrong', message: detail };
    }
  },
  authSuccessParams: ({ grantedEcho, issuer }) => ({ iss: issuer, scope: grantedEcho, authuser: '0', prompt: 'consent' }),
  // Google's documented denial carries no description.
  authDenyParams: () => ({ error: 'access_denied' }),
  authErrorParams: (error) => ({ error }),
  formatScopes: (scopes) => scopes.map((s) => GOOGLE_SCOPE_ALIASES[s] ?? s).join(' '),
  issuesRefreshToken: ({ accessType }) => accessType !== 'online',
  tokenResponseExtras: () => ({}),
  tokenType: 'Bearer',
  account(a, scopes) {
    // Claims follow the granted scopes: email claims need `email`, name claims need `profile`.
    const body: Record<string, unknown> = { sub: a.id };
    if (googleHas(scopes, 'profile')) {
      const { first, last } = splitName(a.name);
      Object.assign(body, { name: a.name, given_name: first, family_name: last, picture: `https://lh3.googleusercontent.com/a/${a.id}` });
    }
    if (googleHas(scopes, 'email')) Object.assign(body, { email: a.email, email_verified: true });
    return body;
  },
  lead: { access: 'ya29.a0', refresh: '1//0', code: '4/0A' },
  documentedPkce: { plainAllowed: true, requiredForPublic: false, requiredForConfidential: false },
};

// --- Microsoft identity platform ----------------------------------------------------------------------------------
// login.microsoftonline.com/{tenant}/oauth2/v2.0/{authorize,token}; Graph /v1.0/me. No revocation endpoint.
// Errors: {error, error_description "AADSTSn: …", error_codes:[n], timestamp, trace_id, correlation_id, error_uri}.
const MS_OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);
const msQualified = (s: string) => (MS_OIDC.has(s) || s.includes('://') ? s : `https://graph.microsoft.com/${s}`);
const msHas = (scopes: string[], s: string) =>
  scopes.some((x) => x.toLowerCase() === s.toLowerCase() || x.toLowerCase() === `https://graph.microsoft.com/${s}`.toLowerCase());

function msError(status: number, error: string, code: number, message: string, now: number): Rendered {
  const trace = randomUUID();
  const correlation = randomUUID();
  const ts = isoSeconds(now);
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${ts}`,
      error_codes: [code],
      timestamp: ts,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function graphError(status: number, code: string, message: string, now: number, headers?: Record<string, string>): Rendered {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date(now).toISOString().replace(/\.\d+Z$/, ''), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      },
    },
    ...(headers ? { headers } : {}),
  };
}

const GRAPH_CHALLENGE = {
  'WWW-Authenticate':
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};

const microsoft: FlavorProfile = {
  flavor: 'microsoft',
  displayName: 'Microsoft',
  defaultIssuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
  defaultTokenTtlSec: 3600,
  defaultCodeTtlSec: 600,
  defaultRefreshTtlSec: null,
  loopbackAnyPort: true,
  errorPagesOnly: false,
  confidentialAuth: ['post', 'basic'],
  refresh: 'rotate-keep-old',
  fixedScopes: new Set(),
  endpoints: (base) => ({
    authUrl: `${base}/common/oauth2/v2.0/authorize`,
    tokenUrl: `${base}/common/oauth2/v2.0/token`,
    userinfoUrl: `${base}/v1.0/me`,
    revokeUrl: null,
    apiRoot: `${base}/v1.0`,
  }),
  routes: {
    authorize: /^\/[^/]+\/oauth2\/v2\.0\/authorize$/,
    token: /^\/[^/]+\/oauth2\/v2\.0\/token$/,
    userinfo: /^\/v1\.0\/me$/,
    revoke: null,
    revokeMethod: 'POST',
  },
  tokenError(kind, detail, now) {
    switch (kind) {
      case 'invalid_request': return msError(400, 'invalid_request', 900144, detail, now);
      case 'unsupported_grant_type': return msError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${detail}'.`, now);
      case 'client_unknown':
        return msError(400, 'unauthorized_client', 700016, `Application with identifier '${detail}' was not found in the directory 'Microsoft Accounts'.`, now);
      case 'client_bad_secret':
        return msError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.', now);
      case 'client_missing_secret':
        return msError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", now);
      case 'client_public_with_secret':
      case 'client_wrong_auth_method':
        return msError(401, 'invalid_client', 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", now);
      case 'code_unknown': return msError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', now);
      case 'code_used':
        return msError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.', now);
      case 'code_expired':
        return msError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.', now);
      case 'code_client_mismatch': return msError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.', now);
      case 'redirect_mismatch':
        return msError(400, 'invalid_grant', 50011, `The redirect URI '${detail}' specified in the request does not match the redirect URI used in the authorization request.`, now);
      case 'pkce_missing':
      case 'pkce_mismatch':
        return msError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.', now);
      case 'rt_unknown': return msError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', now);
      case 'rt_revoked':
        return msError(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.', now);
      case 'rt_expired': return msError(400, 'invalid_grant', 700082, 'The refresh token has expired due to inactivity.', now);
      case 'invalid_scope':
        return msError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource. ${detail}`, now);
      case 'rate_limited': return msError(429, 'temporarily_unavailable', 50196, 'The server terminated an operation because it encountered a client request loop.', now);
      case 'server_error': return msError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.', now);
      case 'unavailable': return msError(503, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', now);
    }
  },
  apiError(kind, _detail, now) {
    switch (kind) {
      case 'missing_token': return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', now, GRAPH_CHALLENGE);
      case 'invalid_token': return graphError(401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).', now, GRAPH_CHALLENGE);
      case 'expired_token': return graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', now, GRAPH_CHALLENGE);
      case 'insufficient_scope':
      case 'forbidden': return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', now);
      case 'not_found': return graphError(404, 'ResourceNotFound', 'Resource not found for the segment.', now);
      case 'rate_limited': return graphError(429, 'TooManyRequests', 'Too many requests.', now);
      case 'server_error': return graphError(500, 'InternalServerError', 'An internal server error occurred.', now);
      case 'unavailable': return graphError(503, 'ServiceUnavailable', 'Service unavailable.', now);
    }
  },
  pageError(kind, detail) {
    switch (kind) {
      case 'client_unknown':
        return { status: 400, code: 'AADSTS700016', title: "Sorry, but we're having trouble signing you in.", message: `AADSTS700016: Application with identifier '${detail}' was not found in the directory.` };
      case 'redirect_invalid':
        return { status: 400, code: 'AADSTS50011', title: "Sorry, but we're having trouble signing you in.", message: `AADSTS50011: The redirect URI '${detail}' specified in the request does not match the redirect URIs configured for the application.` };
      case 'invalid_request':
        return { status: 400, code: 'AADSTS900144', title: "Sorry, but we're having trouble signing you in.", message: `AADSTS900144: ${detail}` };
      case 'txn_unknown':
        return { status: 400, code: 'AADSTS90014', title: "Sorry, but we're having trouble signing you in.", message: 'This sign-in request is no longer valid. Start again.' };
      case 'fault':
        return { status: 500, code: 'AADSTS90033', title: "Sorry, but we're having trouble signing you in.", message: detail };
    }
  },
  authSuccessParams: () => ({ session_state: randomUUID() }),
  authDenyParams: () => ({
    error: 'access_denied',
    error_subcode: 'cancel',
    error_description: 'AADSTS65004: User declined to consent to access the app.',
  }),
  authErrorParams: (error, description) => ({ error, error_description: description }),
  // Graph scopes come back qualified; offline_access is not echoed.
  formatScopes: (scopes) => scopes.filter((s) => s !== 'offline_access').map(msQualified).join(' '),
  issuesRefreshToken: ({ scopes }) => scopes.includes('offline_access'),
  tokenResponseExtras: ({ accessTtlSec }) => ({ ext_expires_in: accessTtlSec }),
  tokenType: 'Bearer',
  account(a, scopes) {
    if (!msHas(scopes, 'User.Read') && !msHas(scopes, 'User.ReadBasic.All') && !msHas(scopes, 'User.Read.All')) {
      return 'insufficient_scope';
    }
    const { first, last } = splitName(a.name);
    return {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      businessPhones: [],
      displayName: a.name,
      givenName: first,
      jobTitle: null,
      mail: a.email,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname: last || null,
      userPrincipalName: a.userPrincipalName ?? a.email,
      id: a.id,
    };
  },
  lead: { access: 'EwB', refresh: 'M.C5', code: 'M.C5_BAY.2.U.' },
  documentedPkce: { plainAllowed: true, requiredForPublic: false, requiredForConfidential: false },
};

// --- Zoom ----------------------------------------------------------------------------------------------------
// zoom.us/oauth/{authorize,token,revoke}; api.zoom.us/v2/users/me. Token requests from confidential clients carry
// HTTP Basic client_id:client_secret; public (PKCE) clients send client_id and no secret. Errors: {reason, error}.
// Every refresh returns a new refresh token and the old one stops working. Codes live 5 minutes.
const zoomTokenErr = (status: number, error: string, reason: string): Rendered => ({ status, body: { reason, error } });
const zoomApiErr = (status: number, code: number, message: string): Rendered => ({ status, body: { code, message } });

const zoom: FlavorProfile = {
  flavor: 'zoom',
  displayName: 'Zoom',
  defaultIssuer: 'https://zoom.us',
  defaultTokenTtlSec: 3600,
  defaultCodeTtlSec: 300,
  defaultRefreshTtlSec: null,
  loopbackAnyPort: true,
  errorPagesOnly: false,
  confidentialAuth: ['basic'],
  refresh: 'rotate-revoke-old',
  fixedScopes: new Set(),
  endpoints: (base) => ({
    authUrl: `${base}/oauth/authorize`,
    tokenUrl: `${base}/oauth/token`,
    userinfoUrl: `${base}/v2/users/me`,
    revokeUrl: `${base}/oauth/revoke`,
    apiRoot: `${base}/v2`,
  }),
  routes: {
    authorize: /^\/oauth\/authorize$/,
    token: /^\/oauth\/token$/,
    userinfo: /^\/v2\/users\/me$/,
    revoke: /^\/oauth\/revoke$/,
    revokeMethod: 'POST',
  },
  tokenError(kind, detail) {
    switch (kind) {
      case 'invalid_request': return zoomTokenErr(400, 'invalid_request', detail);
      case 'unsupported_grant_type': return zoomTokenErr(400, 'unsupported_grant_type', 'unsupported grant type');
      case 'client_unknown':
      case 'client_bad_secret': return zoomTokenErr(400, 'invalid_client', 'Invalid client_id or client_secret');
      case 'client_missing_secret': return zoomTokenErr(400, 'invalid_client', 'Client ID or client secret is missing.');
      case 'client_public_with_secret':
      case 'client_wrong_auth_method': return zoomTokenErr(400, 'invalid_client', 'Invalid client_id or client_secret');
      case 'code_unknown':
      case 'code_used':
      case 'code_expired':
      case 'code_client_mismatch': return zoomTokenErr(400, 'invalid_grant', 'Invalid authorization code');
      case 'redirect_mismatch': return zoomTokenErr(400, 'invalid_request', 'Redirect URI mismatch.');
      case 'pkce_missing':
      case 'pkce_mismatch': return zoomTokenErr(400, 'invalid_grant', 'Invalid code verifier');
      case 'rt_unknown':
      case 'rt_revoked':
      case 'rt_expired': return zoomTokenErr(400, 'invalid_grant', 'Invalid Token!');
      case 'invalid_scope': return zoomTokenErr(400, 'invalid_scope', 'Invalid scope');
      case 'rate_limited': return zoomTokenErr(429, 'too_many_requests', 'You have reached the maximum per-second rate limit for this API. Try again later.');
      case 'server_error': return zoomTokenErr(500, 'server_error', 'Internal server error');
      case 'unavailable': return zoomTokenErr(503, 'temporarily_unavailable', 'Service unavailable');
    }
  },
  apiError(kind, detail) {
    switch (kind) {
      case 'missing_token':
      case 'invalid_token': return zoomApiErr(401, 124, 'Invalid access token.');
      case 'expired_token': return zoomApiErr(401, 124, 'Access token is expired.');
      case 'insufficient_scope': return zoomApiErr(400, 4711, `Invalid access token, does not contain scopes:[${detail}].`);
      case 'forbidden': return zoomApiErr(403, 200, 'No permission.');
      case 'not_found': return zoomApiErr(404, 1001, 'User does not exist.');
      case 'rate_limited': return zoomApiErr(429, 429, 'You have reached the maximum per-second rate limit for this API. Try again later.');
      case 'server_error': return zoomApiErr(500, 500, 'Internal server error.');
      case 'unavailable': return zoomApiErr(503, 503, 'Service unavailable.');
    }
  },
  pageError(kind, detail) {
    switch (kind) {
      case 'client_unknown': return { status: 400, code: '4700', title: 'Invalid client_id', message: `Invalid client_id: ${detail} (4,700)` };
      case 'redirect_invalid': return { status: 400, code: '4709', title: 'Invalid redirect', message: `Invalid redirect: ${detail} (4,709)` };
      case 'invalid_request': return { status: 400, code: '4700', title: 'Invalid request', message: detail };
      case 'txn_unknown': return { status: 400, code: '4700', title: 'Invalid request', message: 'This authorization request is no longer valid.' };
      case 'fault': return { status: 500, code: '4700', title: 'Something went wrong', message: detail };
    }
  },
  authSuccessParams: () => ({}),
  // Undocumented: Zoom's denial is rendered RFC 6749 §4.1.2.1 style.
  authDenyParams: () => ({ error: 'access_denied', error_description: 'The user denied the authorization request.' }),
  authErrorParams: (error, description) => ({ error, error_description: description }),
  formatScopes: (scopes) => scopes.join(' '),
  issuesRefreshToken: () => true,
  tokenResponseExtras: ({ base }) => ({ api_url: base }),
  // Zoom answers with a lowercase token type.
  tokenType: 'bearer',
  account(a, scopes) {
    if (!scopes.some((s) => s === 'user:read' || s.startsWith('user:read:') || s === 'user:master')) return 'insufficient_scope';
    const { first, last } = splitName(a.name);
    return {
      id: a.id,
      first_name: first,
      last_name: last,
      display_name: a.name,
      email: a.email,
      type: 1,
      role_name: 'Owner',
      pmi: 9_000_000_000 + (hashInt(a.id) % 999_999_999),
      use_pmi: false,
      timezone: 'Europe/London',
      verified: 1,
      dept: '',
      created_at: '2024-01-01T00:00:00Z',
      last_login_time: '2026-01-01T00:00:00Z',
      language: 'en-US',
      status: 'active',
      role_id: '0',
      account_id: a.accountId ?? `acct-${a.id}`,
      account_number: 10_000_000 + (hashInt(a.id) % 9_999_999),
    };
  },
  lead: { access: 'eyJzdiI6IjAwMDAwMiIsImFsZyI6IkhTNTEyIn0.', refresh: 'eyJzdiI6IjAwMDAwMiIsImFsZyI6IkhTNTEyIn0.r', code: '' },
  documentedPkce: { plainAllowed: false, requiredForPublic: true, requiredForConfidential: false },
};

// --- Webex ---------------------------------------------------------------------------------------------------
// webexapis.com/v1/authorize and /v1/access_token (client_id and client_secret in the form body); /v1/people/me.
// Access tokens live 14 days; refresh tokens 90 days and are not rotated: a refresh returns the same refresh token
// with its remaining refresh_token_expires_in. Webex errors are {message, errors:[{description}], trackingId}; the
// token endpoint also carries RFC 6749's error/error_description (undocumented: chosen so OAuth clients can classify).
// Revocation is the admin "Authorizations" API (DELETE /v1/authorizations, scope identity:tokens_write).
const trackingId = () => `ROUTER_${randomUUID().toUpperCase()}`;
function webexBody(message: string): Record<string, unknown> {
  return { message, errors: [{ description: message }], trackingId: trackingId() };
}
const webexTokenErr = (status: number, error: string, description: string): Rendered => ({
  status,
  body: { error, error_description: description, ...webexBody(description) },
});
const webexApiErr = (status: number, message: string): Rendered => ({ status, body: webexBody(message) });

const webex: FlavorProfile = {
  flavor: 'webex',
  displayName: 'Webex',
  defaultIssuer: 'https://webexapis.com/v1/',
  defaultTokenTtlSec: 1_209_600,
  defaultCodeTtlSec: 300,
  defaultRefreshTtlSec: 7_776_000,
  loopbackAnyPort: false,
  errorPagesOnly: false,
  confidentialAuth: ['post'],
  refresh: 'same-token',
  fixedScopes: new Set(),
  endpoints: (base) => ({
    authUrl: `${base}/v1/authorize`,
    tokenUrl: `${base}/v1/access_token`,
    userinfoUrl: `${base}/v1/people/me`,
    revokeUrl: `${base}/v1/authorizations`,
    apiRoot: `${base}/v1`,
  }),
  routes: {
    authorize: /^\/v1\/authorize$/,
    token: /^\/v1\/access_token$/,
    userinfo: /^\/v1\/people\/me$/,
    revoke: /^\/v1\/authorizations$/,
    revokeMethod: 'DELETE',
  },
  tokenError(kind, detail) {
    switch (kind) {
      case 'invalid_request': return webexTokenErr(400, 'invalid_request', detail);
      case 'unsupported_grant_type': return webexTokenErr(400, 'unsupported_grant_type', `Unsupported grant type: ${detail}`);
      case 'client_unknown':
      case 'client_bad_secret':
      case 'client_missing_secret':
      case 'client_public_with_secret':
      case 'client_wrong_auth_method': return webexTokenErr(401, 'invalid_client', 'The client credentials are invalid.');
      case 'code_unknown':
      case 'code_used':
      case 'code_expired':
      case 'code_client_mismatch': return webexTokenErr(400, 'invalid_grant', 'The authorization code is invalid or has expired.');
      case 'redirect_mismatch': return webexTokenErr(400, 'invalid_grant', 'The redirect_uri does not match the one in the authorization request.');
      case 'pkce_missing':
      case 'pkce_mismatch': return webexTokenErr(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
      case 'rt_unknown':
      case 'rt_revoked':
      case 'rt_expired': return webexTokenErr(400, 'invalid_grant', 'The refresh token provided is expired, revoked, malformed, or invalid.');
      case 'invalid_scope': return webexTokenErr(400, 'invalid_scope', 'The requested scope is invalid.');
      case 'rate_limited': return webexTokenErr(429, 'temporarily_unavailable', 'Too many requests.');
      case 'server_error': return webexTokenErr(500, 'server_error', 'Internal server error.');
      case 'unavailable': return webexTokenErr(503, 'temporarily_unavailable', 'Service unavailable.');
    }
  },
  apiError(kind, detail) {
    switch (kind) {
      case 'missing_token':
      case 'invalid_token':
      case 'expired_token': return webexApiErr(401, 'The request requires a valid access token set in the Authorization request header.');
      case 'insufficient_scope':
      case 'forbidden': return webexApiErr(403, `The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses.${detail ? ` (${detail})` : ''}`);
      case 'not_found': return webexApiErr(404, 'The requested resource could not be found.');
      case 'rate_limited': return webexApiErr(429, 'Too many requests have been sent in a given amount of time and the request has been rate limited.');
      case 'server_error': return webexApiErr(500, 'Something went wrong on the server.');
      case 'unavailable': return webexApiErr(503, 'Server is overloaded with requests. Try again later.');
    }
  },
  pageError(kind, detail) {
    switch (kind) {
      case 'client_unknown': return { status: 400, code: 'invalid_client', title: 'Invalid client', message: `The client_id is invalid: ${detail}` };
      case 'redirect_invalid': return { status: 400, code: 'invalid_redirect_uri', title: 'Invalid redirect_uri', message: `The redirect_uri is not registered for this integration: ${detail}` };
      case 'invalid_request': return { status: 400, code: 'invalid_request', title: 'Invalid request', message: detail };
      case 'txn_unknown': return { status: 400, code: 'invalid_request', title: 'Invalid request', message: 'This authorization request is no longer valid.' };
      case 'fault': return { status: 500, code: 'server_error', title: 'Something went wrong', message: detail };
    }
  },
  authSuccessParams: () => ({}),
  authDenyParams: () => ({ error: 'access_denied', error_description: 'The user denied the request.' }),
  authErrorParams: (error, description) => ({ error, error_description: description }),
  formatScopes: (scopes) => scopes.join(' '),
  issuesRefreshToken: () => true,
  tokenResponseExtras: ({ refreshExpiresInSec }) => (refreshExpiresInSec === null ? {} : { refresh_token_expires_in: refreshExpiresInSec }),
  tokenType: 'Bearer',
  account(a, scopes) {
    if (!scopes.includes('spark:people_read') && !scopes.includes('spark:all')) return 'insufficient_scope';
    const { first, last } = splitName(a.name);
    const orgId = a.accountId ?? Buffer.from(`ciscospark://us/ORGANIZATION/${a.id}-org`).toString('base64').replace(/=+$/, '');
    return {
      id: a.id,
      emails: [a.email],
      phoneNumbers: [],
      displayName: a.name,
      nickName: first,
      firstName: first,
      lastName: last,
      avatar: `https://avatar-prod-us-east-2.webexcontent.com/${a.id}~1600`,
      orgId,
      created: '2024-01-01T00:00:00.000Z',
      lastModified: '2026-01-01T00:00:00.000Z',
      lastActivity: '2026-01-01T00:00:00.000Z',
      status: 'active',
      type: 'person',
    };
  },
  lead: { access: '', refresh: '', code: '' },
  documentedPkce: { plainAllowed: true, requiredForPublic: true, requiredForConfidential: false },
};

function hashInt(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

export const PROFILES: Record<OAuthFlavor, FlavorProfile> = { google, microsoft, zoom, webex };

/** A token value in the provider's general style, with the marker inside. */
export function makeTokenValue(p: FlavorProfile, kind: 'access' | 'refresh' | 'code', marker: string): string {
  switch (p.flavor) {
    case 'webex': {
      // Webex tokens: base64-ish body, then _<cluster>_<org uuid>.
      const body = `${marker}${rnd(kind === 'code' ? 30 : 45)}`;
      return kind === 'code' ? body : `${body}_PF84_${randomUUID()}`;
    }
    case 'zoom':
      return kind === 'code' ? `${rnd(24)}` : `${p.lead[kind]}${marker}${rnd(96)}`;
    default:
      return kind === 'code' ? `${p.lead.code}${rnd(40)}` : `${p.lead[kind]}${marker}${rnd(kind === 'access' ? 90 : 60)}`;
  }
}

/** Default accounts, one per flavor, in each provider's id style. */
export function defaultAccounts(flavor: OAuthFlavor): EmulatorAccount[] {
  switch (flavor) {
    case 'google':
      return [{ id: '110169484474386276334', email: 'ada.lovelace@gmail.test', name: 'Ada Lovelace' }];
    case 'microsoft':
      return [{ id: '48d31887-5fad-4d73-a9f5-3c356e68a038', email: 'ada.lovelace@outlook.test', name: 'Ada Lovelace' }];
    case 'zoom':
      return [{ id: 'KDcuGIm1QgePTO8WbOqwIQ', email: 'ada.lovelace@zoom.test', name: 'Ada Lovelace', accountId: 'Q6bK3Ff1R5u3fE7vP1xGhA' }];
    case 'webex':
      return [
        {
          id: Buffer.from('ciscospark://us/PEOPLE/f5b36187-c8dd-4727-8b2f-f9c447f29046').toString('base64').replace(/=+$/, ''),
          email: 'ada.lovelace@webex.test',
          name: 'Ada Lovelace',
        },
      ];
  }
}
