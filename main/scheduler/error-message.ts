// Turns whatever a handler threw into the text stored in jobs.last_error: secrets scrubbed, at most 2 KB.

export const MAX_ERROR_BYTES = 2048;
const REDACTED = '[redacted]';
/** Payload strings shorter than this are ids or enums, not secrets, and redacting them would garble text. */
const MIN_SECRET_LENGTH = 8;

/** The message of an error, named when its class says something the message does not. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const generic = ['Error', 'RetryableError', 'PermanentError'].includes(err.name);
    return generic || !err.name ? err.message : `${err.name}: ${err.message}`;
  }
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

function collectStrings(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 8 || out.size > 200) return;
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET_LENGTH) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, out, depth + 1);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) collectStrings(v, out, depth + 1);
  }
}

/** Removes bearer tokens, credential-like query/form fields and every long string of the payload. */
export function redact(text: string, payload?: unknown): string {
  let out = text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`)
    .replace(
      /\b(access_token|refresh_token|id_token|client_secret|code_verifier|password|secret|token)=[^&\s"']+/gi,
      `$1=${REDACTED}`,
    )
    // An OAuth authorization code only in a query string: "exit code=1" is not a secret.
    .replace(/([?&]code)=[^&\s"']+/gi, `$1=${REDACTED}`);
  const strings = new Set<string>();
  collectStrings(payload, strings);
  // Longest first, so a secret containing another payload string is removed whole.
  for (const s of [...strings].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  return out;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character, marking the cut with an ellipsis. */
export function truncateUtf8(text: string, maxBytes = MAX_ERROR_BYTES): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '…';
  const budget = maxBytes - Buffer.byteLength(ellipsis, 'utf8');
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > budget) break;
    bytes += n;
    end += ch.length;
  }
  return text.slice(0, end) + ellipsis;
}

export function formatJobError(err: unknown, payload?: unknown): string {
  return truncateUtf8(redact(describeError(err), payload));
}
