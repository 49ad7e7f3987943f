// Small response helpers: every answer carries the security headers; HTML answers carry the CSP.
import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../shared/errors';
import { baseSecurityHeaders, htmlSecurityHeaders } from '../shell/csp';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained page: no scripts, no external styles, so the strict CSP applies unchanged. */
export function simplePage(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

export function sendHtml(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  const buf = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    ...htmlSecurityHeaders(),
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(buf.length),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const buf = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    ...baseSecurityHeaders(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(buf.length),
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } });
}

/** Browsers navigating get a page; scripts and fetch get the JSON envelope. */
export function wantsHtml(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('text/html');
}

export function sendRefusal(
  res: ServerResponse,
  status: 401 | 403,
  title: string,
  message: string,
  accept: string | undefined,
): void {
  if (wantsHtml(accept)) sendHtml(res, status, simplePage(title, [message]));
  else sendError(res, status, status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message);
}
