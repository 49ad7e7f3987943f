// The app:// protocol that serves the built renderer in Electron (never file://). Pure decisions only;
// main/index.ts does the file reading.
import { join, resolve } from 'node:path';
import { classifyStaticPath, containedPath, contentTypeFor } from '../host/static-path';
import { baseSecurityHeaders, htmlSecurityHeaders } from './csp';

export const APP_SCHEME = 'app';
export const APP_HOST = 'junction';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads first. */
export const APP_START_URL = `${APP_ORIGIN}/`;

export type AppProtocolTarget =
  | { kind: 'file'; path: string; contentType: string }
  | { kind: 'index'; path: string; contentType: string }
  | { kind: 'refuse'; status: 400 | 404 };

/** Maps an app:// URL to a file under `root`: files by extension, renderer routes to index.html. */
export function resolveAppProtocolPath(url: string, root: string): AppProtocolTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { kind: 'refuse', status: 400 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { kind: 'refuse', status: 404 };
  const target = classifyStaticPath(u.pathname || '/');
  if (target.kind === 'bad') return { kind: 'refuse', status: 400 };
  if (target.kind === 'spa') {
    const index = join(resolve(root), 'index.html');
    return { kind: 'index', path: index, contentType: contentTypeFor(index) };
  }
  const file = containedPath(root, target.relPath);
  if (!file) return { kind: 'refuse', status: 400 };
  return { kind: 'file', path: file, contentType: contentTypeFor(file) };
}

/** Response headers for app:// answers: the CSP on HTML, nosniff and no-referrer everywhere. */
export function appProtocolHeaders(contentType: string): Record<string, string> {
  return {
    ...(contentType.startsWith('text/html') ? htmlSecurityHeaders() : baseSecurityHeaders()),
    'content-type': contentType,
    'cache-control': 'no-cache',
  };
}
