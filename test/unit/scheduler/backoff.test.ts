import { describe, expect, it } from 'vitest';
import { backoffCeiling, computeBackoff } from '../../../main/scheduler';

describe('backoff', () => {
  const opts = { baseMs: 1000, maxMs: 60_000, factor: 2 };

  it('grows exponentially from the base and is capped at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20, 5000].map((a) => backoffCeiling(a, opts))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
    ]);
    expect(backoffCeiling(3, { baseMs: 500, maxMs: 1e9, factor: 3 })).toBe(4500);
    // factor defaults to 2
    expect(backoffCeiling(4, { baseMs: 100, maxMs: 1e9 })).toBe(800);
  });

  it('full jitter stays in [0, ceiling] and follows the injected random', () => {
    const full = { ...opts, jitter: 'full' as const };
    expect(computeBackoff(3, full, () => 0)).toBe(0);
    expect(computeBackoff(3, full, () => 0.25)).toBe(1000);
    expect(computeBackoff(3, full, () => 0.999_999)).toBeLessThanOrEqual(4000);
    for (let i = 0; i < 500; i++) {
      const attempt = 1 + (i % 10);
      const d = computeBackoff(attempt, full);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(backoffCeiling(attempt, full));
    }
  });

  it('equal jitter stays in [ceiling/2, ceiling]', () => {
    const equal = { ...opts, jitter: 'equal' as const };
    expect(computeBackoff(2, equal, () => 0)).toBe(1000);
    expect(computeBackoff(2, equal, () => 0.5)).toBe(1500);
    for (let i = 0; i < 500; i++) {
      const attempt = 1 + (i % 10);
      const c = backoffCeiling(attempt, equal);
      const d = computeBackoff(attempt, equal);
      expect(d).toBeGreaterThanOrEqual(c / 2);
      expect(d).toBeLessThanOrEqual(c);
    }
  });

  it('defaults to equal jitter, and "none" gives the ceiling', () => {
    expect(computeBackoff(2, opts, () => 0)).toBe(1000);
    expect(computeBackoff(5, { ...opts, jitter: 'none' }, () => 0)).toBe(16_000);
  });

  it('jittered delays still grow with the attempt number on average', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const mean = (a: number) => {
      let sum = 0;
      for (let i = 0; i < 200; i++) sum += computeBackoff(a, { ...opts, jitter: 'full' }, random);
      return sum / 200;
    };
    const means = [1, 2, 3, 4, 5].map(mean);
    for (let i = 1; i < means.length; i++) expect(means[i]!).toBeGreaterThan(means[i - 1]!);
  });
});
