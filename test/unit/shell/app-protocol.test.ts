import { describe, expect, it } from 'vitest';
import { appProtocolHeaders, APP_START_URL, resolveAppProtocolPath } from '../../../main/shell/app-protocol';
import { cspHeader } from '../../../main/shell/csp';

const ROOT = '/opt/junction/dist/renderer';

describe('resolveAppProtocolPath', () => {
  it('serves assets from the root and renderer routes as index.html', () => {
    expect(resolveAppProtocolPath('app://junction/assets/a.js', ROOT)).toEqual({
      kind: 'file',
      path: `${ROOT}/assets/a.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
    for (const u of [APP_START_URL, 'app://junction', 'app://junction/integrations/logs', 'app://junction/bookings?x=1']) {
      expect(resolveAppProtocolPath(u, ROOT), u).toEqual({
        kind: 'index',
        path: `${ROOT}/index.html`,
        contentType: 'text/html; charset=utf-8',
      });
    }
  });
  it('refuses other hosts, other schemes and traversal', () => {
    expect(resolveAppProtocolPath('app://other/x.js', ROOT)).toEqual({ kind: 'refuse', status: 404 });
    expect(resolveAppProtocolPath('file:///etc/passwd', ROOT)).toEqual({ kind: 'refuse', status: 404 });
    expect(resolveAppProtocolPath('app://junction/..%2f..%2fetc%2fpasswd.txt', ROOT).kind).toBe('refuse');
    expect(resolveAppProtocolPath('app://junction/.env', ROOT).kind).toBe('refuse');
    expect(resolveAppProtocolPath('::::', ROOT)).toEqual({ kind: 'refuse', status: 400 });
    // URL parsing already drops `..` and `%2e%2e` segments; whatever remains must stay under the root.
    for (const u of [
      'app://junction/../../etc/passwd.txt',
      'app://junction/%2e%2e/%2e%2e/etc/passwd',
      'app://junction/assets/../../../x.js',
    ]) {
      const r = resolveAppProtocolPath(u, ROOT);
      if (r.kind !== 'refuse') expect(r.path.startsWith(`${ROOT}/`), u).toBe(true);
    }
  });
  it('puts the CSP on HTML only', () => {
    expect(appProtocolHeaders('text/html; charset=utf-8')['content-security-policy']).toBe(cspHeader());
    expect(appProtocolHeaders('text/javascript')).not.toHaveProperty('content-security-policy');
    expect(appProtocolHeaders('text/javascript')['x-content-type-options']).toBe('nosniff');
  });
});
