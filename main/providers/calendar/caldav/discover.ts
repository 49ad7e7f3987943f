// CalDAV discovery with tsdav (RFC 6764 / RFC 4791): /.well-known/caldav → current-user-principal →
// calendar-home-set → calendars. Every request goes through a fetch wrapper that applies a timeout and notes
// each answer, because tsdav reduces most failures to "cannot find principalUrl": the notes tell a wrong
// password from an unreachable host from a server that is not CalDAV at all.
// The password only ever travels in the Authorization header; no message here is built from it.
import { DAVClient, type DAVCalendar } from 'tsdav';
import { AppError } from '../../../../shared/errors';

export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

export interface CalDavCredentials {
  serverUrl: string;
  username: string;
  password: string;
}

export interface DiscoveredCalendar {
  url: string;
  displayName: string;
  /** iCalendar components it accepts (VEVENT, VTODO, …); empty when the server does not say. */
  components: string[];
  ctag: string | null;
  syncToken: string | null;
}

export interface CalDavDiscovery {
  /** The address as entered, normalised (`new URL(..).href`). */
  serverUrl: string;
  host: string;
  rootUrl: string;
  principalUrl: string;
  homeUrl: string;
  /** Calendars that can hold events (VEVENT, or no component set declared), in server order. */
  calendars: DiscoveredCalendar[];
  /** Collections that are calendars but hold no events (task lists, journals). */
  otherCollections: number;
}

export interface DiscoverOptions {
  /** Per-request timeout (default 15 s). */
  fetchTimeoutMs?: number;
  /** The HTTP layer's fetch; defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

export const AUTH_FAILED_MESSAGE =
  'The server refused that username and app-specific password. For iCloud, create an app-specific password at appleid.apple.com.';

type Stage = 'discovery' | 'calendars';
interface Observation {
  stage: Stage;
  url: string;
  status?: number;
  /** Final URL when fetch followed a redirect. */
  finalUrl?: string;
  /** The request threw: refused, DNS, TLS, timeout. */
  error?: unknown;
}

/** Validates the address and the username before any request; throws VALIDATION. */
export function parseServerUrl(serverUrl: string): URL {
  let url: URL;
  try {
    url = new URL(serverUrl.trim());
  } catch {
    throw new AppError('VALIDATION', 'Enter the server address as a web address, like https://caldav.icloud.com.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('VALIDATION', 'The server address must start with https://.');
  }
  // The password travels with every request: plain http only to this computer (a local test server).
  if (url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new AppError('VALIDATION', 'Use https:// for this server: Junction does not send your password unencrypted.');
  }
  if (url.username || url.password) {
    // Never keep a password that came inside an address (it would be stored and shown in plain text).
    throw new AppError('VALIDATION', 'Leave the username and password out of the server address: enter them in their own fields.');
  }
  url.hash = '';
  return url;
}

const errorChain = (err: unknown): unknown[] => {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && e != null; i++) {
    out.push(e);
    e = typeof e === 'object' && 'cause' in e ? (e as { cause?: unknown }).cause : undefined;
  }
  return out;
};
const codeOf = (err: unknown): string | undefined => {
  for (const e of errorChain(err)) {
    if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string') {
      return (e as { code: string }).code;
    }
  }
  return undefined;
};
const isTimeout = (err: unknown): boolean =>
  errorChain(err).some((e) => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) ||
  ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'].includes(codeOf(err) ?? '');
const CERT_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;
const TLS_CODE = /SSL|TLS|EPROTO/;

function unreachable(host: string, err: unknown, timeoutMs: number): AppError {
  const code = codeOf(err);
  if (isTimeout(err)) {
    const s = Math.max(1, Math.round(timeoutMs / 1000));
    return new AppError(
      'PROVIDER_UNAVAILABLE',
      `Junction could not reach ${host}: it did not answer within ${s} second${s === 1 ? '' : 's'}. Check the server address and your connection, then try again.`,
      { host, reason: 'timeout' },
    );
  }
  if (code && CERT_CODE.test(code)) {
    return new AppError(
      'PROVIDER_UNAVAILABLE',
      `Junction could not reach ${host} securely: its certificate is not trusted (${code}).`,
      { host, reason: 'tls', code },
    );
  }
  if (code && TLS_CODE.test(code)) {
    return new AppError(
      'PROVIDER_UNAVAILABLE',
      `Junction could not make a secure connection to ${host} (${code}). If the server does not use https, check the address.`,
      { host, reason: 'tls', code },
    );
  }
  const why =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'no server by that name was found'
      : code === 'ECONNREFUSED'
        ? 'nothing answered at that address'
        : 'the connection failed';
  return new AppError(
    'PROVIDER_UNAVAILABLE',
    `Junction could not reach ${host}: ${why}. Check the server address and your internet connection, then try again.`,
    { host, reason: 'unreachable', ...(code ? { code } : {}) },
  );
}

/** Turns what the server answered (or did not) into the one error a person can act on. */
function classify(host: string, seen: Observation[], thrown: unknown, timeoutMs: number): AppError {
  if (thrown instanceof AppError) return thrown;
  const refused = seen.find((o) => o.status === 401 || (o.status === 403 && o.stage === 'discovery'));
  if (refused) {
    const from = new URL(refused.url);
    const to = refused.finalUrl ? new URL(refused.finalUrl) : from;
    if (to.origin !== from.origin) {
      // fetch drops Authorization on a cross-origin redirect, so this 401 says nothing about the password.
      return new AppError(
        'VALIDATION',
        `${host} sends Junction on to ${to.origin}. Enter ${to.origin} as the server address.`,
        { host, redirectedTo: to.origin },
      );
    }
    return new AppError('AUTH_FAILED', AUTH_FAILED_MESSAGE, { host, status: refused.status });
  }
  const failed = seen.find((o) => o.error !== undefined);
  if (failed) return unreachable(host, failed.error, timeoutMs);
  const serverError = seen.find((o) => (o.status ?? 0) >= 500);
  if (serverError) {
    return new AppError(
      'PROVIDER_UNAVAILABLE',
      `${host} answered with a server error (HTTP ${serverError.status}). Try again later.`,
      { host, status: serverError.status },
    );
  }
  const lastStatus = [...seen].reverse().find((o) => o.status !== undefined)?.status;
  return new AppError(
    'PROVIDER_UNAVAILABLE',
    `${host} does not look like a CalDAV server: it did not answer Junction's calendar discovery. Check the server address (for iCloud it is https://caldav.icloud.com).`,
    { host, reason: 'not_caldav', ...(lastStatus ? { status: lastStatus } : {}) },
  );
}

const text = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object') {
    const o = v as { _cdata?: unknown; _text?: unknown };
    if (typeof o._cdata === 'string') return o._cdata;
    if (typeof o._text === 'string') return o._text;
  }
  return '';
};

const canHoldEvents = (c: DAVCalendar) => !c.components?.length || c.components.includes('VEVENT');

/**
 * Signs in and discovers the account's calendars. Throws AppError: VALIDATION (bad address or username),
 * AUTH_FAILED, PROVIDER_UNAVAILABLE (unreachable, timeout, TLS, 5xx, not CalDAV), NOT_FOUND (no calendars).
 */
export async function discoverCalDav(input: CalDavCredentials, options: DiscoverOptions = {}): Promise<CalDavDiscovery> {
  const url = parseServerUrl(input.serverUrl);
  const host = url.host;
  if (input.username.includes(':')) {
    throw new AppError('VALIDATION', 'A username cannot contain ":" (sign-in over HTTP does not allow it).');
  }
  const timeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const seen: Observation[] = [];
  let stage: Stage = 'discovery';

  const observingFetch: typeof globalThis.fetch = async (resource, init) => {
    const target = resource instanceof Request ? resource.url : String(resource);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const note: Observation = { stage, url: target };
    // tsdav tries up to four requests before giving up; once the host failed to answer, fail the rest at once
    // (otherwise an unresponsive server costs four timeouts instead of one).
    const origin = new URL(target).origin;
    const dead = seen.find((o) => o.error !== undefined && new URL(o.url).origin === origin);
    seen.push(note);
    if (dead) {
      note.error = dead.error;
      throw dead.error;
    }
    try {
      const res = await baseFetch(resource, { ...init, signal });
      note.status = res.status;
      if (res.redirected && res.url) note.finalUrl = res.url;
      return res;
    } catch (err) {
      note.error = err;
      throw err;
    }
  };

  // UTF-8 Basic credentials (RFC 7617 charset=UTF-8, what Radicale and iCloud decode); tsdav's own 'Basic'
  // encodes Latin-1 and throws on anything beyond it.
  const authorization = `Basic ${Buffer.from(`${input.username}:${input.password}`, 'utf8').toString('base64')}`;

  // No credentials object: the password stays out of tsdav's account and client state.
  const client = new DAVClient({
    serverUrl: url.href,
    credentials: {},
    authMethod: 'Custom',
    authFunction: async () => ({ authorization }),
    defaultAccountType: 'caldav',
    fetch: observingFetch,
  });
  try {
    await client.login();
  } catch (err) {
    throw classify(host, seen, err, timeoutMs);
  }
  const account = client.account;
  if (!account?.rootUrl || !account.principalUrl || !account.homeUrl) throw classify(host, seen, undefined, timeoutMs);

  stage = 'calendars';
  let all: DAVCalendar[];
  try {
    all = await client.fetchCalendars();
  } catch (err) {
    throw classify(host, seen, err, timeoutMs);
  }
  const calendars = all.filter(canHoldEvents);
  if (calendars.length === 0) {
    // An empty list can also hide a refused or failed PROPFIND on the calendar home.
    const problem = seen.some((o) => o.stage === 'calendars' && (o.error !== undefined || o.status === 401 || (o.status ?? 0) >= 500));
    if (problem) throw classify(host, seen, undefined, timeoutMs);
    throw new AppError(
      'NOT_FOUND',
      `The account ${input.username} at ${host} has no calendars Junction can use. Create a calendar for events there, then connect again.`,
      { host, otherCollections: all.length },
    );
  }
  return {
    serverUrl: url.href,
    host,
    rootUrl: account.rootUrl,
    principalUrl: account.principalUrl,
    homeUrl: account.homeUrl,
    calendars: calendars.map((c) => ({
      url: c.url,
      displayName: text(c.displayName),
      components: c.components ?? [],
      ctag: c.ctag ? String(c.ctag) : null,
      syncToken: c.syncToken ? String(c.syncToken) : null,
    })),
    otherCollections: all.length - calendars.length,
  };
}
