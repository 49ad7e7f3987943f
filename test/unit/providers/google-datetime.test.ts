// parseGoogleDateTime, the Google adapter's character-code parser for event date-times: it must agree with
// Date.parse on every string it answers, answer for the forms Google sends, and return NaN (the caller's cue to
// take the general Date.parse/luxon path) for anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGoogleDateTime } from '../../../main/providers/calendar/google/adapter';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y: number, m: number) => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/** Valid RFC 3339 date-times in the shape Google sends: `YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)`, years 0100–9999. */
const googleDateTime = fc
  .record({
    y: fc.oneof(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 100, max: 9999 })),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    ms: fc.option(fc.integer({ min: 0, max: 999 })),
    off: fc.oneof(
      fc.constant('Z'),
      fc.record({ sign: fc.constantFrom('+', '-'), h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) }).map(
        (o) => `${o.sign}${pad(o.h)}:${pad(o.m)}`,
      ),
      fc.constantFrom('+00:00', '-00:00', '+05:30', '+05:45', '-03:30', '+14:00', '-12:00'),
    ),
  })
  .map(({ y, m, d, h, mi, s, ms, off }) => {
    const day = Math.min(d, daysIn(y, m));
    return `${pad(y, 4)}-${pad(m)}-${pad(day)}T${pad(h)}:${pad(mi)}:${pad(s)}${ms === null ? '' : `.${pad(ms, 3)}`}${off}`;
  });

describe('parseGoogleDateTime', () => {
  it('agrees with Date.parse on random valid date-times with Z or ±HH:MM and with or without milliseconds', () => {
    fc.assert(
      fc.property(googleDateTime, (s) => {
        const ms = parseGoogleDateTime(s);
        expect(Number.isNaN(Date.parse(s))).toBe(false);
        expect(ms).toBe(Date.parse(s));
      }),
      { numRuns: 50_000 },
    );
  });

  it('answers the forms Google sends', () => {
    expect(parseGoogleDateTime('2026-03-29T01:30:00Z')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(parseGoogleDateTime('2026-03-29T03:30:00+02:00')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(parseGoogleDateTime('2026-03-28T21:30:00-04:00')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(parseGoogleDateTime('2026-03-29T01:30:00.250Z')).toBe(Date.UTC(2026, 2, 29, 1, 30, 0, 250));
    expect(parseGoogleDateTime('2026-03-29T07:00:00.999+05:30')).toBe(Date.UTC(2026, 2, 29, 1, 30, 0, 999));
    expect(parseGoogleDateTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseGoogleDateTime('2000-02-29T23:59:59-00:00')).toBe(Date.UTC(2000, 1, 29, 23, 59, 59));
    expect(parseGoogleDateTime('0100-01-01T00:00:00Z')).toBe(Date.parse('0100-01-01T00:00:00Z'));
    expect(parseGoogleDateTime('9999-12-31T23:59:59.999+23:59')).toBe(Date.parse('9999-12-31T23:59:59.999+23:59'));
  });

  it('returns NaN for every other form, so the caller takes the general path', () => {
    const fallBack = [
      '',
      '2026-01-01',
      '2026-01-01T10:00:00', // no offset: a floating time, read in the event's zone
      '2026-01-01T10:00Z', // no seconds
      '2026-01-01T10:00:00.1Z', // fractions other than 3 digits
      '2026-01-01T10:00:00.12Z',
      '2026-01-01T10:00:00.1234Z',
      '2026-01-01T10:00:00.123456Z',
      '2026-01-01T10:00:00.123456789+01:00',
      '2026-01-01T10:00:00,123Z', // comma fraction
      '2026-01-01t10:00:00Z', // lower-case t and z
      '2026-01-01T10:00:00z',
      '2026-01-01 10:00:00Z', // space separator
      '2026-01-01T10:00:00+0100', // offset without a colon, or without minutes
      '2026-01-01T10:00:00+01',
      '2026-01-01T10:00:00 +01:00',
      '2026-01-01T10:00:00+24:00', // offset out of range
      '2026-01-01T10:00:00+01:60',
      '2026-01-01T10:00:00UTC',
      '2026-01-01T10:00:00GMT',
      '2026-13-01T10:00:00Z', // out-of-range fields
      '2026-00-01T10:00:00Z',
      '2026-01-00T10:00:00Z',
      '2026-01-32T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-02-29T10:00:00Z', // not a leap year
      '1900-02-29T10:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:60Z', // leap second
      '0099-12-31T23:59:59Z', // years below 100 (Date.UTC would read them as 19xx)
      '0000-01-01T00:00:00Z',
      '+002026-01-01T10:00:00Z', // expanded years
      '-000001-01-01T00:00:00Z',
      '20260101T100000Z', // basic format
      '2026/01/01T10:00:00Z',
      '２０２６-01-01T10:00:00Z', // full-width digits
      '2026-01-01T10:00:00.12aZ',
      'Thu, 01 Jan 2026 10:00:00 GMT',
      '2026-01-01T10:00:00Z ',
      ' 2026-01-01T10:00:00Z',
    ];
    for (const s of fallBack) expect([s, parseGoogleDateTime(s)]).toEqual([s, NaN]);
  });

  it('never answers differently from Date.parse: NaN or the same instant, for mutated and arbitrary strings', () => {
    const mutated = fc
      .tuple(googleDateTime, fc.nat(), fc.constantFrom(...'0123456789+-:.TZtz /,'.split('')), fc.constantFrom('replace', 'insert', 'delete'))
      .map(([s, at, c, how]) => {
        const i = at % (s.length + 1);
        return how === 'replace' ? s.slice(0, i) + c + s.slice(i + 1) : how === 'insert' ? s.slice(0, i) + c + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 30 }), fc.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,4})?([Zz]|[+-]\d\d:?\d\d)?$/)), (s) => {
        const ms = parseGoogleDateTime(s);
        if (!Number.isNaN(ms)) expect(ms).toBe(Date.parse(s));
      }),
      { numRuns: 50_000 },
    );
  });
});
