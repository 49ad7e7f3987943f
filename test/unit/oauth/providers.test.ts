import { describe, expect, it } from 'vitest';
import { OAUTH_COMBINATIONS } from '../../../shared/ipc/schemas';
import { IDENTITIES, missingScopes, normaliseScopes, specFor, specForStored } from '../../../main/oauth/providers';

describe('provider registry', () => {
  it('has a spec for every allowed provider/kind combination and the issue’s scopes', () => {
    for (const [provider, kinds] of Object.entries(OAUTH_COMBINATIONS)) {
      for (const kind of kinds) expect(specFor(provider as never, kind), `${provider}/${kind}`).toBeDefined();
    }
    expect(specFor('google', 'calendar')!.scopes).toEqual([
      'https://www.googleapis.com/auth/calendar',
      'https://www.googleapis.com/auth/calendar.events',
      'openid',
      'email',
    ]);
    expect(specFor('google', 'calendar')!.extraAuthParams.access_type).toBe('offline');
    expect(specFor('outlook', 'calendar')!.scopes).toEqual(['Calendars.ReadWrite', 'offline_access', 'User.Read']);
    expect(specFor('microsoft_teams', 'video')!.scopes).toContain('OnlineMeetings.ReadWrite');
    expect(specFor('zoom', 'video')!.scopes).toEqual(['meeting:write', 'meeting:read', 'user:read']);
    expect(specFor('webex', 'video')!.scopes).toEqual([
      'meeting:schedules_read',
      'meeting:schedules_write',
      'spark:people_read',
    ]);
    expect(specFor('google', 'video')!.stored).toBe('google_meet');
    expect(specForStored('video', 'microsoft_teams')!.identity).toBe('microsoft');
    expect(specFor('google', 'calendar')!.desktopRedirect).toBe('loopback');
    expect(specFor('outlook', 'calendar')!.desktopRedirect).toBe('custom-scheme');
  });

  it('normalises the scope spellings providers echo back and finds what is missing', () => {
    const g = specFor('google', 'calendar')!;
    const granted = normaliseScopes(IDENTITIES.google, [
      'https://www.googleapis.com/auth/calendar',
      'https://www.googleapis.com/auth/calendar.events',
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
    ]);
    expect(missingScopes(g, granted)).toEqual([]);
    expect(missingScopes(g, ['openid', 'email'])).toEqual([
      'https://www.googleapis.com/auth/calendar',
      'https://www.googleapis.com/auth/calendar.events',
    ]);
    const ms = specFor('outlook', 'calendar')!;
    const msGranted = normaliseScopes(IDENTITIES.microsoft, [
      'https://graph.microsoft.com/Calendars.ReadWrite',
      'https://graph.microsoft.com/User.Read',
    ]);
    expect(missingScopes(ms, msGranted)).toEqual([]);
    expect(missingScopes(ms, ['calendars.readwrite'])).toEqual(['User.Read']);
  });

  it('reads the account id and email from each provider’s "me" answer', () => {
    expect(IDENTITIES.google.parseAccount({ sub: '1', email: 'a@g.com' })).toEqual({ id: '1', email: 'a@g.com' });
    expect(IDENTITIES.microsoft.parseAccount({ id: 'm', mail: null, userPrincipalName: 'u@ms.com' })).toEqual({
      id: 'm',
      email: 'u@ms.com',
    });
    expect(IDENTITIES.zoom.parseAccount({ id: 'z', email: 'z@z.us' })).toEqual({ id: 'z', email: 'z@z.us' });
    expect(IDENTITIES.webex.parseAccount({ id: 'w', emails: ['w@x.com'] })).toEqual({ id: 'w', email: 'w@x.com' });
    expect(IDENTITIES.webex.parseAccount('garbage')).toEqual({ id: null, email: null });
  });
});
