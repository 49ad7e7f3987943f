import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isTrustedSender, windowOpenDecision } from '../../../main/shell/navigation';

describe('navigation guard', () => {
  it('allows only app://junction', () => {
    expect(isAllowedNavigation('app://junction/')).toBe(true);
    expect(isAllowedNavigation('app://junction/bookings?x=1')).toBe(true);
    for (const u of [
      'https://evil.com/',
      'http://127.0.0.1:3000/',
      'file:///etc/passwd',
      'app://evil/',
      'app://junction.evil.com/',
      'app://user:pw@junction/',
      'javascript:alert(1)',
      'data:text/html,hi',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(u), u).toBe(false);
    }
  });
  it('denies every new window', () => {
    expect(windowOpenDecision('https://accounts.google.com/')).toEqual({ action: 'deny' });
    expect(windowOpenDecision('app://junction/')).toEqual({ action: 'deny' });
  });
});

describe('isTrustedSender', () => {
  it('trusts only frames showing our renderer', () => {
    expect(isTrustedSender('app://junction/')).toBe(true);
    expect(isTrustedSender('app://junction/integrations/logs')).toBe(true);
    expect(isTrustedSender('https://evil.com/')).toBe(false);
    expect(isTrustedSender('file:///x/index.html')).toBe(false);
    expect(isTrustedSender('about:blank')).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender('')).toBe(false);
  });
});
