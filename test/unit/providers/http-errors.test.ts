// Pure parts of the provider HTTP layer: status → code, provider error codes, labels, and the token-response shim.
import { describe, expect, it } from 'vitest';
import { codeForStatus, providerErrorCode, providerLabel } from '../../../main/providers/http';
import { networkError, statusError, unreadableError } from '../../../main/providers/http/errors';
import { lenientTokenFetch } from '../../../main/oauth/tokens';

const ctx = { provider: 'zoom', operation: 'meetings.create', integrationId: 'v1', attempts: 3 };

describe('codeForStatus', () => {
  it.each([
    [200, null],
    [204, null],
    [401, 'TOKEN_EXPIRED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [410, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [412, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [400, 'VALIDATION'],
    [422, 'VALIDATION'],
    [500, 'PROVIDER_UNAVAILABLE'],
    [502, 'PROVIDER_UNAVAILABLE'],
    [503, 'PROVIDER_UNAVAILABLE'],
    [504, 'PROVIDER_UNAVAILABLE'],
    [302, 'PROVIDER_UNAVAILABLE'],
  ])('%i → %s', (status, code) => expect(codeForStatus(status)).toBe(code));
});

describe('providerErrorCode', () => {
  it('reads each provider’s error shape, and only short identifier-like codes', () => {
    expect(providerErrorCode({ error: { code: 403, status: 'PERMISSION_DENIED', errors: [{ reason: 'insufficientPermissions' }] } })).toBe(
      'insufficientPermissions',
    );
    expect(providerErrorCode({ error: { code: 410, status: 'GONE' } })).toBe('GONE');
    expect(providerErrorCode({ error: { code: 'ErrorItemNotFound', message: 'The specified object was not found.' } })).toBe('ErrorItemNotFound');
    expect(providerErrorCode({ code: 124, message: 'Invalid access token.' })).toBe('124');
    expect(providerErrorCode({ error: 'invalid_grant', error_description: 'x' })).toBe('invalid_grant');
    expect(providerErrorCode({ error: 'a long message with ya29.secret-token inside that is not a code at all, really' })).toBeNull();
    expect(providerErrorCode({ message: 'Webex style', trackingId: 'ROUTER_1' })).toBeNull();
    expect(providerErrorCode('text')).toBeNull();
    expect(providerErrorCode(null)).toBeNull();
  });
});

describe('messages', () => {
  it('name the provider in plain words', () => {
    expect(providerLabel('google')).toBe('Google Calendar');
    expect(providerLabel('google_meet')).toBe('Google Meet');
    expect(providerLabel('microsoft')).toBe('Microsoft');
    expect(providerLabel('something_else')).toBe('something_else');
    expect(statusError(403, ctx).message).toBe('Zoom refused this request: the account does not allow Junction to do it.');
    expect(statusError(404, ctx).code).toBe('NOT_FOUND');
    const limited = statusError(429, ctx, { retryAfterMs: 1500 });
    expect(limited.message).toBe('Zoom is limiting how often Junction may call it. Junction will try again in about 2 seconds.');
    expect(limited.details).toMatchObject({ retryAfterMs: 1500, status: 429, attempts: 3, integrationId: 'v1' });
    expect(statusError(429, ctx).message).toMatch(/try again a little later\.$/);
    expect(networkError('timeout', ctx, 15_000).message).toBe('Zoom did not answer within 15 seconds.');
    expect(networkError('network', ctx, 15_000).details).toMatchObject({ status: null, reason: 'network' });
    expect(unreadableError(200, ctx).message).toBe('Zoom sent a response Junction could not read.');
  });
});

describe('lenientTokenFetch', () => {
  const respond = (body: unknown, status = 200) => async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('fills in a missing token_type (Webex documents none) and can drop an ID token', async () => {
    const f = lenientTokenFetch(respond({ access_token: 'a', expires_in: 10, id_token: 'x.y.z' }), { dropIdToken: true });
    expect(await (await f('http://x')).json()).toEqual({ access_token: 'a', expires_in: 10, token_type: 'Bearer' });
  });

  it('leaves conforming, error and non-JSON responses alone', async () => {
    const ok = { access_token: 'a', token_type: 'bearer' };
    expect(await (await lenientTokenFetch(respond(ok))('http://x')).json()).toEqual(ok);
    const err = await lenientTokenFetch(respond({ error: 'invalid_grant' }, 400))('http://x');
    expect(err.status).toBe(400);
    expect(await err.json()).toEqual({ error: 'invalid_grant' });
    const broken = await lenientTokenFetch(respond('{"access_token":"tr'))('http://x');
    expect(await broken.text()).toBe('{"access_token":"tr');
  });
});
