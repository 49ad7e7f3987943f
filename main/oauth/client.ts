// oauth4webapi glue shared by the code exchange, refresh and revoke: the authorization server, the client,
// its authentication method, and the request options (plain http allowed only for loopback emulators).
import * as oauth from 'oauth4webapi';
import type { ResolvedProvider } from './provider-config';

export type FetchLike = typeof fetch;

export function authorizationServer(p: ResolvedProvider): oauth.AuthorizationServer {
  return {
    // Endpoints are configured explicitly (DESIGN.md §3.8), not discovered. The issuer is what the provider
    // names itself in `iss` (Google: https://accounts.google.com), else the authorization origin.
    issuer: p.identity.issuer ?? new URL(p.endpoints.authUrl).origin,
    authorization_endpoint: p.endpoints.authUrl,
    token_endpoint: p.endpoints.tokenUrl,
    ...(p.endpoints.revokeUrl ? { revocation_endpoint: p.endpoints.revokeUrl } : {}),
  };
}

export function oauthClient(p: ResolvedProvider): oauth.Client {
  return { client_id: p.clientId };
}

export function clientAuth(p: ResolvedProvider): oauth.ClientAuth {
  if (p.identity.clientAuth === 'none' || !p.clientSecret) return oauth.None();
  return p.identity.clientAuth === 'client_secret_basic'
    ? oauth.ClientSecretBasic(p.clientSecret)
    : oauth.ClientSecretPost(p.clientSecret);
}

/** True for http://127.0.0.1, ::1 or localhost: the only plain-http endpoints Junction will talk to. */
export function isLoopbackHttp(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** Request options for oauth4webapi: our fetch, a timeout, and insecure http only toward loopback. */
export function requestOptions(
  p: ResolvedProvider,
  fetchImpl: FetchLike,
  timeoutMs = 15_000,
): { [oauth.customFetch]: FetchLike; [oauth.allowInsecureRequests]?: boolean; signal: AbortSignal } {
  const loopback = [p.endpoints.authUrl, p.endpoints.tokenUrl, p.endpoints.revokeUrl ?? ''].some(isLoopbackHttp);
  return {
    [oauth.customFetch]: fetchImpl,
    ...(loopback ? { [oauth.allowInsecureRequests]: true } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  };
}

/** The OAuth error code of a failed token response (e.g. invalid_grant), if it is one. */
export function oauthErrorCode(err: unknown): string | null {
  if (err instanceof oauth.ResponseBodyError) return err.error;
  if (err instanceof oauth.AuthorizationResponseError) return err.error;
  return null;
}
