import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../../main/scheduler';

const now = Date.UTC(2026, 0, 5, 9, 0, 0); // Mon, 05 Jan 2026 09:00:00 GMT

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
  });

  it('rejects what is neither delay-seconds nor an HTTP-date', () => {
    for (const bad of ['', '  ', '-5', '1.5', '+3', '10s', 'soon', 'Mon, 32 Jan 2026 09:00:00 GMT', 'Mon, 05 Jan 2026 25:00:00 GMT', 'Thu, 29 Feb 2026 09:00:00 GMT']) {
      expect(parseRetryAfter(bad, now), bad).toBeNull();
    }
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('reads an IMF-fixdate as the time left until it', () => {
    expect(parseRetryAfter('Mon, 05 Jan 2026 09:01:30 GMT', now)).toBe(90_000);
  });

  it('treats a date in the past as "retry now"', () => {
    expect(parseRetryAfter('Sun, 04 Jan 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('accepts the obsolete RFC 850 and asctime forms (all GMT)', () => {
    expect(parseRetryAfter('Monday, 05-Jan-26 09:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon Jan  5 09:00:20 2026', now)).toBe(20_000);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', now)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it('reads a two-digit RFC 850 year more than 50 years ahead as the past century', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Friday, 06-Nov-54 08:49:37 GMT', now)).toBe(Date.UTC(2054, 10, 6, 8, 49, 37));
    // now is 2026: 2077 is 51 years ahead (→ 1977), 2076 exactly 50 (kept).
    expect(parseHttpDate('Sunday, 06-Nov-77 08:49:37 GMT', now)).toBe(Date.UTC(1977, 10, 6, 8, 49, 37));
    expect(parseHttpDate('Friday, 06-Nov-76 08:49:37 GMT', now)).toBe(Date.UTC(2076, 10, 6, 8, 49, 37));
  });
});
