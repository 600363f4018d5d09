import { describe, expect, it } from '@jest/globals';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { keyForSlot } from './task-position.js';

/** Byte order, the order fractional-index keys are defined in (what COLLATE "C" gives PostgreSQL). */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('keyForSlot', () => {
  it('makes a key for an empty list', () => {
    expect(keyForSlot({ prev: null, next: null })).toEqual(expect.any(String));
  });

  it('appends after prev at the end of the list', () => {
    const first = keyForSlot({ prev: null, next: null });
    const second = keyForSlot({ prev: first, next: null });
    expect(second > first).toBe(true);
  });

  it('prepends before next at the start of the list', () => {
    const first = keyForSlot({ prev: null, next: null });
    const before = keyForSlot({ prev: null, next: first });
    expect(before < first).toBe(true);
  });

  it('puts a key strictly between its neighbours', () => {
    const a = keyForSlot({ prev: null, next: null });
    const c = keyForSlot({ prev: a, next: null });
    const b = keyForSlot({ prev: a, next: c });
    expect(a < b && b < c).toBe(true);
  });

  it('keeps byte order over many appends, prepends and repeated inserts into one gap', () => {
    const keys = [keyForSlot({ prev: null, next: null })];
    for (let i = 0; i < 50; i++) keys.push(keyForSlot({ prev: keys[keys.length - 1], next: null }));
    for (let i = 0; i < 50; i++) keys.unshift(keyForSlot({ prev: null, next: keys[0] }));
    // always right after the first key: each new key lands before the previous new one
    let next = keys[1];
    const gap: string[] = [];
    for (let i = 0; i < 50; i++) {
      next = keyForSlot({ prev: keys[0], next });
      gap.unshift(next);
    }
    const ordered = [keys[0], ...gap, ...keys.slice(1)];
    expect([...ordered].sort(byteOrder)).toEqual(ordered);
    expect(new Set(ordered).size).toBe(ordered.length);
  });

  it('sorts by bytes, not by locale: keys may differ only in letter case', () => {
    // fractional-indexing uses digits, upper- and lower-case letters; "Z" < "a" in bytes but not in most locales
    const keys = [keyForSlot({ prev: null, next: null })];
    for (let i = 0; i < 100; i++) keys.unshift(keyForSlot({ prev: null, next: keys[0] }));
    expect([...keys].sort(byteOrder)).toEqual(keys);
    expect(keys.some((k) => /[A-Z]/.test(k))).toBe(true);
  });

  it.each([
    ['prev after next', { prev: 'a2', next: 'a1' }],
    ['prev equal to next', { prev: 'a1', next: 'a1' }],
  ])('throws AppError INVALID_POSITION for %s', (_what, slot) => {
    let thrown: unknown;
    try {
      keyForSlot(slot);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: ErrorCode.InvalidPosition, message: expect.any(String) });
  });
});
