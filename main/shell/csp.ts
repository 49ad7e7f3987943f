// Content-Security-Policy and security headers shared by both hosts (app:// in Electron, HTTP in the browser host).
// Pure: no Electron import, so the browser host and the tests can load it.

/** React sets `style` through the CSSOM, which CSP does not restrict, so no 'unsafe-inline' is needed. */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['connect-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'self'"],
  ['frame-ancestors', "'none'"],
];

export function cspHeader(): string {
  return CSP_DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ');
}

/** Headers every response carries; HTML responses add the CSP (see `htmlSecurityHeaders`). */
export function baseSecurityHeaders(): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Other sites may not embed or read our responses, even as no-cors subresources.
    'cross-origin-resource-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
  };
}

export function htmlSecurityHeaders(): Record<string, string> {
  return { ...baseSecurityHeaders(), 'content-security-policy': cspHeader(), 'x-frame-options': 'DENY' };
}
