import { describe, expect, it } from 'vitest';
import { DeepLinkQueue, deepLinkFromArgv, parseDeepLink } from '../../../main/oauth/deep-link';

describe('deep links', () => {
  it('accepts only junction://oauth/callback with a state', () => {
    expect(parseDeepLink('junction://oauth/callback?code=c&state=s')).toEqual({
      kind: 'oauth-callback',
      url: 'junction://oauth/callback?code=c&state=s',
    });
    for (const bad of [
      'junction://oauth/callback?code=c',
      'junction://oauth/other?state=s',
      'junction://evil/callback?state=s',
      'https://oauth/callback?state=s',
      'junction://user:pw@oauth/callback?state=s',
      'junction://oauth/callback?state=s#frag',
      'not a url',
      42,
      null,
      `junction://oauth/callback?state=${'x'.repeat(9000)}`,
    ]) {
      expect(parseDeepLink(bad)).toBeNull();
    }
  });

  it('finds the link among a second instance’s arguments', () => {
    expect(deepLinkFromArgv(['/usr/bin/junction', '--flag', 'junction://oauth/callback?state=a'])?.url).toBe(
      'junction://oauth/callback?state=a',
    );
    expect(deepLinkFromArgv(['/usr/bin/junction', 'junction://nope'])).toBeNull();
  });

  it('queues links until the handler is ready, then delivers in order; ignores junk', () => {
    const q = new DeepLinkQueue();
    expect(q.push('junction://oauth/callback?state=1')).toBe(true);
    expect(q.push('https://example.com')).toBe(false);
    expect(q.push('junction://oauth/callback?state=2')).toBe(true);
    expect(q.size).toBe(2);
    const seen: string[] = [];
    q.setHandler((l) => seen.push(new URL(l.url).searchParams.get('state')!));
    expect(seen).toEqual(['1', '2']);
    q.push('junction://oauth/callback?state=3');
    expect(seen).toEqual(['1', '2', '3']);
    expect(q.size).toBe(0);
  });
});
