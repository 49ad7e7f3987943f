// Which URLs the Electron host may open in the system browser: only the configured OAuth consent pages
// (DESIGN.md §7). Pure, unit-tested.

/** True when `url` is https (or loopback http, for the sandbox's simulated providers) and starts at one of
 * the configured authorization endpoints (same origin and path; any query). */
export function isAllowedExternalUrl(url: string, authorizationUrls: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const loopback = u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
  if (u.protocol !== 'https:' && !loopback) return false;
  if (u.username || u.password) return false;
  return authorizationUrls.some((a) => {
    try {
      const allowed = new URL(a);
      return allowed.origin === u.origin && allowed.pathname === u.pathname;
    } catch {
      return false;
    }
  });
}
