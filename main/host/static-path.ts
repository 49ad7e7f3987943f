// Pure decisions about static requests, shared by the browser host and Electron's app:// protocol.
import { extname, join, resolve, sep } from 'node:path';

export type StaticTarget =
  | { kind: 'file'; relPath: string } // a path with an extension: serve it or 404
  | { kind: 'spa' } // a route of the renderer (no extension): serve index.html
  | { kind: 'bad' }; // traversal, encoded separators, dotfiles, NUL: refuse

const HAS_EXTENSION = /\.[A-Za-z0-9]+$/;

/** Classifies the raw request path (no query), before any URL normalisation could hide a `..`. */
export function classifyStaticPath(rawPath: string): StaticTarget {
  if (!rawPath.startsWith('/') || rawPath.includes('\\') || rawPath.includes('\0')) return { kind: 'bad' };
  const segments: string[] = [];
  for (const raw of rawPath.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { kind: 'bad' };
    }
    // Decoded separators or NUL would change the meaning of the path once joined.
    if (seg.includes('/') || seg.includes('\\') || seg.includes('\0')) return { kind: 'bad' };
    if (seg === '..' || seg === '.') return { kind: 'bad' };
    if (seg.startsWith('.')) return { kind: 'bad' };
    segments.push(seg);
  }
  const nonEmpty = segments.filter((s) => s.length > 0);
  const last = segments[segments.length - 1] ?? '';
  if (last !== '' && HAS_EXTENSION.test(last)) return { kind: 'file', relPath: nonEmpty.join('/') };
  return { kind: 'spa' };
}

/** Joins `relPath` under `root`, or returns null when the result would escape it. */
export function containedPath(root: string, relPath: string): string | null {
  const base = resolve(root);
  const full = resolve(join(base, relPath));
  return full.startsWith(base + sep) ? full : null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
