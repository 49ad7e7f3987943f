import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  COOKIELESS_ROUTES,
  decideAccess,
  generateToken,
  isAllowedHost,
  isAllowedOrigin,
  locationWithoutToken,
  parseCookies,
  type RequestFacts,
  safeEqual,
  SESSION_COOKIE,
  sessionCookie,
  sessionIdFor,
} from '../../../main/host/auth';

const PORT = 4321;
const TOKEN = 'secret-token';
const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  url: '/',
  host: `127.0.0.1:${PORT}`,
  origin: undefined,
  cookie: undefined,
  authorization: undefined,
  ...over,
});
const decide = (over: Partial<RequestFacts> = {}) => decideAccess(facts(over), PORT, TOKEN);

describe('token and session', () => {
  it('generates 256-bit base64url tokens, different each time', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(generateToken()).not.toBe(a);
  });
  it('compares in constant time whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
  it('derives a session id that is not the token', () => {
    expect(sessionIdFor(TOKEN)).not.toContain(TOKEN);
    expect(sessionIdFor(TOKEN)).toBe(sessionIdFor(TOKEN));
    expect(sessionIdFor('other')).not.toBe(sessionIdFor(TOKEN));
  });
  it('sets an HttpOnly, SameSite=Strict cookie for the whole site', () => {
    expect(sessionCookie('s1')).toBe(`${SESSION_COOKIE}=s1; HttpOnly; SameSite=Strict; Path=/`);
  });
  it('parses cookies and bearer headers', () => {
    expect(parseCookies('a=1; junction_session=xyz; b=2').get('junction_session')).toBe('xyz');
    expect(parseCookies(undefined).size).toBe(0);
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
  });
});

describe('host and origin', () => {
  it('accepts only our loopback host and port', () => {
    expect(isAllowedHost(`127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`localhost:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`LOCALHOST:${PORT}`, PORT)).toBe(true);
    for (const h of [undefined, '', '127.0.0.1', `127.0.0.1:${PORT + 1}`, `evil.com:${PORT}`, `127.0.0.1.evil.com:${PORT}`, `[::1]:${PORT}`]) {
      expect(isAllowedHost(h, PORT)).toBe(false);
    }
  });
  it('accepts a missing Origin or our own, nothing else', () => {
    expect(isAllowedOrigin(undefined, PORT)).toBe(true);
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedOrigin(`http://localhost:${PORT}`, PORT)).toBe(true);
    for (const o of ['null', 'http://evil.com', `https://127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT + 1}`, '']) {
      expect(isAllowedOrigin(o, PORT)).toBe(false);
    }
  });
});

describe('decideAccess', () => {
  it('refuses a foreign Host before anything else', () => {
    expect(decide({ host: `evil.com:${PORT}`, authorization: `Bearer ${TOKEN}` })).toEqual({ action: 'forbidden', reason: 'host' });
  });
  it('refuses a foreign Origin even with valid credentials', () => {
    expect(decide({ origin: 'http://evil.com', authorization: `Bearer ${TOKEN}` })).toEqual({ action: 'forbidden', reason: 'origin' });
  });
  it('needs credentials', () => {
    expect(decide()).toEqual({ action: 'unauthorized', reason: 'missing' });
    expect(decide({ method: 'POST', url: '/ipc/bookings:list' })).toEqual({ action: 'unauthorized', reason: 'missing' });
  });
  it('accepts the bearer token and the session cookie', () => {
    expect(decide({ authorization: `Bearer ${TOKEN}` })).toEqual({ action: 'allow' });
    expect(decide({ cookie: `${SESSION_COOKIE}=${sessionIdFor(TOKEN)}` })).toEqual({ action: 'allow' });
  });
  it('refuses a wrong bearer or cookie, and the raw token used as cookie', () => {
    expect(decide({ authorization: 'Bearer nope' }).action).toBe('unauthorized');
    expect(decide({ cookie: `${SESSION_COOKIE}=nope` }).action).toBe('unauthorized');
    expect(decide({ cookie: `${SESSION_COOKIE}=${TOKEN}` }).action).toBe('unauthorized');
  });
  it('exchanges a right ?token= on a page for the cookie and a redirect without it', () => {
    const d = decide({ url: `/integrations/logs?x=1&token=${TOKEN}` });
    expect(d).toEqual({
      action: 'redirect',
      location: '/integrations/logs?x=1',
      setCookie: sessionCookie(sessionIdFor(TOKEN)),
    });
  });
  it('refuses a wrong ?token=', () => {
    expect(decide({ url: '/?token=wrong' })).toEqual({ action: 'unauthorized', reason: 'wrong-token' });
  });
  it('never takes the token from the query on API paths', () => {
    expect(decide({ url: `/events?token=${TOKEN}` }).action).toBe('unauthorized');
    expect(decide({ method: 'POST', url: `/ipc/bookings:list?token=${TOKEN}` }).action).toBe('unauthorized');
  });
  it('lets only the OAuth callback through without a cookie', () => {
    expect(COOKIELESS_ROUTES).toEqual([{ method: 'GET', path: '/oauth/callback' }]);
    expect(decide({ url: '/oauth/callback?code=1&state=2' })).toEqual({ action: 'exempt' });
    expect(decide({ method: 'POST', url: '/oauth/callback' }).action).toBe('unauthorized');
    expect(decide({ url: '/oauth/callback', host: 'evil.com' }).action).toBe('forbidden');
  });
});

describe('locationWithoutToken', () => {
  it('never produces a scheme-relative or backslash redirect (open redirect)', () => {
    expect(locationWithoutToken('//evil.com/x', new URLSearchParams('token=t'))).toBe('/');
    expect(locationWithoutToken('/\\evil.com', new URLSearchParams('token=t'))).toBe('/');
    expect(locationWithoutToken('/bookings', new URLSearchParams('token=t&a=b'))).toBe('/bookings?a=b');
  });
});
