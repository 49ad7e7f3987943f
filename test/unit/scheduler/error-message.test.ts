import { describe, expect, it } from 'vitest';
import { formatJobError, MAX_ERROR_BYTES, redact, truncateUtf8 } from '../../../main/scheduler/error-message';

describe('job error text', () => {
  it('keeps at most 2 KB of UTF-8 without splitting a character', () => {
    const long = 'é'.repeat(5000) + '😀'.repeat(10);
    const out = truncateUtf8(long);
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toContain('\uFFFD');
    expect(truncateUtf8('short')).toBe('short');
    const emoji = truncateUtf8('😀'.repeat(1000), 10);
    expect(emoji).toBe('😀…');
  });

  it('removes payload strings, bearer tokens and credential fields', () => {
    const payload = { integrationId: 'int-1', apiKey: 'sk_live_abcdef123456', nested: [{ password: 'hunter2hunter2' }] };
    const text = redact(
      'POST failed for sk_live_abcdef123456 with hunter2hunter2; Authorization: Bearer eyJ.abc.def; url ?code=4/xyz&state=1 token=abc123; exit code=1 for int-1',
      payload,
    );
    expect(text).not.toContain('sk_live_abcdef123456');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('eyJ.abc.def');
    expect(text).not.toContain('4/xyz');
    expect(text).not.toContain('abc123');
    // Short strings (ids) and plain "code=" in prose stay readable.
    expect(text).toContain('int-1');
    expect(text).toContain('exit code=1');
  });

  it('names errors whose class says more than the message', () => {
    expect(formatJobError(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(formatJobError(new Error('plain'))).toBe('plain');
    expect(formatJobError('a string')).toBe('a string');
    expect(formatJobError({ status: 500 })).toBe('{"status":500}');
  });
});
