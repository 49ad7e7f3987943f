import { describe, expect, it } from 'vitest';
import { baseSecurityHeaders, cspHeader, htmlSecurityHeaders } from '../../../main/shell/csp';

describe('cspHeader', () => {
  const directives = new Map(
    cspHeader()
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v.join(' ')] as const),
  );
  it('is strict: own scripts only, no inline script, no eval, no plugins, no framing', () => {
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(cspHeader()).not.toContain('unsafe-eval');
    expect(cspHeader()).not.toContain('unsafe-inline');
    expect(cspHeader()).not.toContain('*');
  });
  it('puts nosniff and no-referrer on everything, the CSP on HTML', () => {
    expect(baseSecurityHeaders()).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(baseSecurityHeaders()).not.toHaveProperty('content-security-policy');
    expect(htmlSecurityHeaders()['content-security-policy']).toBe(cspHeader());
    for (const h of Object.keys(htmlSecurityHeaders())) expect(h.startsWith('access-control-')).toBe(false);
  });
});
