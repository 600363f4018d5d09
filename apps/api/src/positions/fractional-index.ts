import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { invalidPosition } from './positions.errors.js';

/** Neighbours of the slot an item goes into: `prev` < new key < `next`; null means the list's end. */
export interface Slot {
  prev: string | null;
  next: string | null;
}

/** The request fields that chose a slot, for error messages (`afterTaskId`, `beforeTaskId`, `afterColumnId` …). */
export interface SlotFields {
  after: string;
  before: string;
}

/**
 * Longest key handed out (characters). Keys grow when one gap is split over and over (each split
 * of the same spot adds about a character every few dozen inserts); the API documents positions
 * up to this length, and a gap this deep is refused rather than grown without bound.
 */
export const MAX_KEY_LENGTH = 1024;

/**
 * A fractional-index key strictly between `slot.prev` and `slot.next` (Greenspan, "Implementing
 * Fractional Indexing", via the `fractional-indexing` package). Keys compare by byte order, which
 * is why position columns use COLLATE "C". Used for columns on a board and tasks in a column.
 * @throws AppError INVALID_POSITION (400) when prev >= next (`<fields.after> must come before
 *   <fields.before>`), or when the key would be longer than MAX_KEY_LENGTH.
 */
export function keyForSlot(slot: Slot, fields: SlotFields): string {
  if (slot.prev !== null && slot.next !== null && slot.prev >= slot.next) {
    throw invalidPosition(`${fields.after} must come before ${fields.before}`);
  }
  const key = generateKeyBetween(slot.prev, slot.next);
  if (key.length > MAX_KEY_LENGTH) throw invalidPosition(`this spot (${fields.after}) has been split too often; place the item next to another one`);
  return key;
}

/** `count` ascending keys for a new list (a new board's columns). */
export const keysForNewList = (count: number): string[] => generateNKeysBetween(null, null, count);
