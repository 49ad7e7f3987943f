// Maps the server's VALIDATION details (zod issues: [{path, message}]) onto form fields.
import { ClientError } from '../api/client';

export type FieldErrors = Record<string, string>;

interface Issue {
  path: (string | number)[];
  message: string;
  code?: string;
}

/** zod's default messages are for developers; say the common ones in plain words. */
export function humanize(issue: { message: string; code?: string | undefined }): string {
  const { message, code } = issue;
  const min = /expected string to have >=(\d+) characters?/.exec(message);
  if (min) return min[1] === '1' ? 'Required' : `Use at least ${min[1]} characters`;
  const max = /expected string to have <=(\d+) characters?/.exec(message);
  if (max) return `Use at most ${max[1]} characters`;
  if (/^Invalid email/i.test(message) || (code === 'invalid_format' && /email/i.test(message))) return 'Enter a valid email address, like name@example.com';
  if (/expected \w+, received undefined/.test(message)) return 'Required';
  if (/^Invalid URL$/i.test(message)) return 'Enter a full address, like https://example.com/path';
  return message;
}

function asIssues(details: unknown): Issue[] {
  const raw = Array.isArray(details)
    ? details
    : details && typeof details === 'object' && Array.isArray((details as { issues?: unknown }).issues)
      ? (details as { issues: unknown[] }).issues
      : [];
  const out: Issue[] = [];
  for (const item of raw) {
    if (!item || typeof item !== 'object') continue;
    const { path, message, code } = item as { path?: unknown; message?: unknown; code?: unknown };
    const raw = { message: typeof message === 'string' ? message : 'Invalid value', code: typeof code === 'string' ? code : undefined };
    out.push({
      path: Array.isArray(path) ? path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [],
      message: humanize(raw),
    });
  }
  return out;
}

/**
 * Returns per-field messages (first issue wins) plus a general message for issues no field claims.
 * `fieldFor` maps the server's top-level key (e.g. "startUtc") to a form field name.
 */
export function fieldErrorsFrom(
  err: unknown,
  fieldFor: (serverKey: string) => string | undefined,
): { fields: FieldErrors; general: string | null } | null {
  if (!(err instanceof ClientError) || err.code !== 'VALIDATION') return null;
  const fields: FieldErrors = {};
  const general: string[] = [];
  for (const issue of asIssues(err.details)) {
    const key = issue.path[0];
    const field = typeof key === 'string' ? fieldFor(key) : undefined;
    if (field) {
      if (!fields[field]) fields[field] = issue.message;
    } else {
      general.push(issue.message);
    }
  }
  const hasAny = Object.keys(fields).length > 0 || general.length > 0;
  return { fields, general: general.length ? general.join(' ') : hasAny ? null : err.message };
}
