// orderedUuid (main/db/repos/synced-blocks.ts): the time-ordered ids of synced blocked_times rows. UUIDv7 per
// RFC 9562 (48-bit Unix ms, version 7, a 12-bit counter, variant 10, random bits), valid where v4 ids are, and
// strictly growing within the process: within one millisecond, past 4,096 ids in one millisecond, and when the
// clock steps back. The generator keeps module state, and this file's tests run in order on one module instance;
// each test starts later than the last one's ids so that their timestamps can be checked.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderedUuid } from '../../../main/db/repos/synced-blocks';

const uuid = z.string().uuid();
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const hex = (id: string) => id.replace(/-/g, '');
const msOf = (id: string) => parseInt(hex(id).slice(0, 12), 16);
const counterOf = (id: string) => parseInt(hex(id).slice(13, 16), 16);

function expectStrictlyGrowing(ids: string[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i - 1]! < ids[i]!)) throw new Error(`not growing at ${i}: ${ids[i - 1]} then ${ids[i]}`);
  }
  expect(new Set(ids).size).toBe(ids.length);
}

describe('orderedUuid', () => {
  it('is a UUIDv7 that zod accepts, with the current time in its first 48 bits', () => {
    const before = Date.now();
    const id = orderedUuid();
    const after = Date.now();
    expect(uuid.safeParse(id).success).toBe(true);
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
    expect(id).toMatch(UUID_V7);
    expect(msOf(id)).toBeGreaterThanOrEqual(before);
    expect(msOf(id)).toBeLessThanOrEqual(after + 1);
    // Same column, same shape as the v4 ids of manual blocks.
    expect(id).toHaveLength(randomUUID().length);
  });

  it('grows strictly over many calls on the real clock, most of them in the same millisecond', () => {
    const ids = Array.from({ length: 200_000 }, () => orderedUuid());
    expectStrictlyGrowing(ids);
    for (let i = 0; i < ids.length; i += 997) {
      expect(uuid.safeParse(ids[i]).success).toBe(true);
      expect(ids[i]).toMatch(UUID_V7);
    }
    // Same-millisecond ids exist (else this would prove nothing about the counter) and differ only in it.
    const sameMs = ids.findIndex((id, i) => i > 0 && msOf(id) === msOf(ids[i - 1]!));
    expect(sameMs).toBeGreaterThan(0);
    expect(counterOf(ids[sameMs]!)).toBe(counterOf(ids[sameMs - 1]!) + 1);
    expect(hex(ids[sameMs]!).slice(16)).toBe(hex(ids[sameMs - 1]!).slice(16));
  });

  it('counts within one millisecond, then borrows the next one past 4,096 ids', () => {
    const t = Date.now() + 60_000;
    const ids = Array.from({ length: 4096 * 2 + 10 }, () => orderedUuid(t));
    expectStrictlyGrowing(ids);
    expect(ids.slice(0, 4096).every((id) => msOf(id) === t)).toBe(true);
    expect(ids.slice(0, 4096).map(counterOf)).toEqual(Array.from({ length: 4096 }, (_, i) => i));
    expect(msOf(ids[4096]!)).toBe(t + 1);
    expect(counterOf(ids[4096]!)).toBe(0);
    expect(msOf(ids[8192]!)).toBe(t + 2);
    for (const id of [ids[0]!, ids[4095]!, ids[4096]!, ids.at(-1)!]) {
      expect(uuid.safeParse(id).success).toBe(true);
      expect(id).toMatch(UUID_V7);
    }
    // A new millisecond after the borrowed ones: the clock again, counter from 0, fresh random bits.
    const next = orderedUuid(t + 10);
    expect(msOf(next)).toBe(t + 10);
    expect(counterOf(next)).toBe(0);
    expect(next > ids.at(-1)!).toBe(true);
  });

  it('keeps growing when the clock steps back', () => {
    const t = Date.now() + 120_000;
    const a = orderedUuid(t);
    const back = [orderedUuid(t - 5_000), orderedUuid(t - 1), orderedUuid(0)];
    expectStrictlyGrowing([a, ...back]);
    expect(back.every((id) => msOf(id) === t)).toBe(true);
  });

  it('sets version 7 and variant 10 and keeps growing whatever the clock does (property)', () => {
    const base = Date.now() + 180_000;
    let prev = orderedUuid(base);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2_000, max: 2_000 }), { minLength: 1, maxLength: 300 }), (steps) => {
        let t = base;
        for (const step of steps) {
          t += step;
          const id = orderedUuid(t);
          expect(id).toMatch(UUID_V7);
          expect(id > prev).toBe(true);
          prev = id;
        }
      }),
      { numRuns: 200 },
    );
  });
});
