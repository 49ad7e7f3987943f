import { describe, expect, it } from 'vitest';
import { classifyStaticPath, containedPath, contentTypeFor } from '../../../main/host/static-path';

describe('classifyStaticPath', () => {
  it('serves files with an extension and renderer routes as the SPA', () => {
    expect(classifyStaticPath('/assets/index-abc.js')).toEqual({ kind: 'file', relPath: 'assets/index-abc.js' });
    expect(classifyStaticPath('/favicon.svg')).toEqual({ kind: 'file', relPath: 'favicon.svg' });
    expect(classifyStaticPath('/')).toEqual({ kind: 'spa' });
    expect(classifyStaticPath('/integrations/logs')).toEqual({ kind: 'spa' });
    expect(classifyStaticPath('/integrations/calendar/0b6c9d2e-1111-4a4a-9999-123456789abc/settings')).toEqual({ kind: 'spa' });
    expect(classifyStaticPath('/bookings/')).toEqual({ kind: 'spa' });
  });
  it('refuses traversal in every spelling, dotfiles, NUL and backslashes', () => {
    for (const p of [
      '/../../etc/passwd',
      '/assets/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E/x.js',
      '/..%2f..%2fetc/passwd',
      '/assets%2f..%2f..%2fx.js',
      '/./index.html',
      '/.env',
      '/a/.git/config',
      '/x%00.js',
      '/a\\b.js',
      '/%5c..%5cx.js',
      '/%E0%A4%A.js',
      'index.html',
    ]) {
      expect(classifyStaticPath(p), p).toEqual({ kind: 'bad' });
    }
  });
});

describe('containedPath', () => {
  it('keeps paths inside the root', () => {
    expect(containedPath('/srv/r', 'a/b.js')).toBe('/srv/r/a/b.js');
    expect(containedPath('/srv/r', '../x.js')).toBeNull();
    expect(containedPath('/srv/r', '../r2/x.js')).toBeNull();
    expect(containedPath('/srv/r', '')).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('knows the renderer asset types', () => {
    expect(contentTypeFor('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});
