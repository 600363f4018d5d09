import { describe, expect, it } from '@jest/globals';
import { AppError } from '../errors/app-error.js';
import { keyForSlot, keysForNewList, MAX_KEY_LENGTH, type Slot } from './fractional-index.js';

/** Byte order, the order fractional-index keys are defined in (what COLLATE "C" gives PostgreSQL). */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const TASK_FIELDS = { after: 'afterTaskId', before: 'beforeTaskId' };
const key = (slot: Slot) => keyForSlot(slot, TASK_FIELDS);

describe('keyForSlot', () => {
  it('makes a key for an empty list', () => {
    expect(key({ prev: null, next: null })).toEqual(expect.any(String));
  });

  it('appends after prev at the end of the list', () => {
    const first = key({ prev: null, next: null });
    const second = key({ prev: first, next: null });
    expect(second > first).toBe(true);
  });

  it('prepends before next at the start of the list', () => {
    const first = key({ prev: null, next: null });
    const before = key({ prev: null, next: first });
    expect(before < first).toBe(true);
  });

  it('puts a key strictly between its neighbours', () => {
    const a = key({ prev: null, next: null });
    const c = key({ prev: a, next: null });
    const b = key({ prev: a, next: c });
    expect(a < b && b < c).toBe(true);
  });

  it('keeps byte order over many appends, prepends and repeated inserts into one gap', () => {
    const keys = [key({ prev: null, next: null })];
    for (let i = 0; i < 50; i++) keys.push(key({ prev: keys[keys.length - 1], next: null }));
    for (let i = 0; i < 50; i++) keys.unshift(key({ prev: null, next: keys[0] }));
    // always right after the first key: each new key lands before the previous new one
    let next = keys[1];
    const gap: string[] = [];
    for (let i = 0; i < 50; i++) {
      next = key({ prev: keys[0], next });
      gap.unshift(next);
    }
    const ordered = [keys[0], ...gap, ...keys.slice(1)];
    expect([...ordered].sort(byteOrder)).toEqual(ordered);
    expect(new Set(ordered).size).toBe(ordered.length);
  });

  it('sorts by bytes, not by locale: keys may differ only in letter case', () => {
    // fractional-indexing uses digits, upper- and lower-case letters; "Z" < "a" in bytes but not in most locales
    const keys = [key({ prev: null, next: null })];
    for (let i = 0; i < 100; i++) keys.unshift(key({ prev: null, next: keys[0] }));
    expect([...keys].sort(byteOrder)).toEqual(keys);
    expect(keys.some((k) => /[A-Z]/.test(k))).toBe(true);
  });

  it.each([
    ['prev after next', { prev: 'a2', next: 'a1' }],
    ['prev equal to next', { prev: 'a1', next: 'a1' }],
  ])('throws AppError INVALID_POSITION for %s', (_what, slot) => {
    let thrown: unknown;
    try {
      keyForSlot(slot, TASK_FIELDS);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'INVALID_POSITION', message: 'afterTaskId must come before beforeTaskId' });
  });
});

describe('error messages name the caller\'s field', () => {
  it('says afterColumnId for a column placement, never a task field', () => {
    expect(() => keyForSlot({ prev: 'a2', next: 'a1' }, { after: 'afterColumnId', before: 'the next column' })).toThrow('afterColumnId must come before the next column');
  });
});

describe('keysForNewList', () => {
  it('returns that many ascending keys', () => {
    const keys = keysForNewList(5);
    expect(keys).toHaveLength(5);
    expect([...keys].sort(byteOrder)).toEqual(keys);
    expect(new Set(keys).size).toBe(5);
  });
});

describe('key length', () => {
  it('refuses a key longer than MAX_KEY_LENGTH instead of growing without bound', () => {
    const long = 'a0' + '1'.repeat(MAX_KEY_LENGTH);
    expect(() => keyForSlot({ prev: long, next: null }, TASK_FIELDS)).not.toThrow(); // appending after it stays short
    expect(() => keyForSlot({ prev: long, next: long + '1' }, TASK_FIELDS)).toThrow(/split too often/);
  });
});
