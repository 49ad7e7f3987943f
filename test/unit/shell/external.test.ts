import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from '../../../main/shell/external';

const ALLOWED = ['https://accounts.google.com/o/oauth2/v2/auth', 'http://127.0.0.1:4100/authorize'];

describe('openExternal allow-list', () => {
  it('opens only the configured consent pages', () => {
    expect(isAllowedExternalUrl('https://accounts.google.com/o/oauth2/v2/auth?client_id=x&state=y', ALLOWED)).toBe(true);
    expect(isAllowedExternalUrl('http://127.0.0.1:4100/authorize?x=1', ALLOWED)).toBe(true);
    for (const bad of [
      'https://accounts.google.com/other',
      'http://accounts.google.com/o/oauth2/v2/auth',
      'https://evil.example/o/oauth2/v2/auth',
      'https://user:pw@accounts.google.com/o/oauth2/v2/auth',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://127.0.0.1:4101/authorize',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(bad, ALLOWED), bad).toBe(false);
    }
  });
});
