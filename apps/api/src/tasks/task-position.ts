import { generateKeyBetween } from 'fractional-indexing';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';

/** Neighbours of the slot an item goes into: `prev` < new key < `next`; null means the list's end. */
export interface Slot {
  prev: string | null;
  next: string | null;
}

/**
 * A fractional-index key strictly between `slot.prev` and `slot.next` (Greenspan, "Implementing
 * Fractional Indexing", via the `fractional-indexing` package). Keys compare by byte order, which
 * is why position columns use COLLATE "C".
 * @throws AppError INVALID_POSITION (400) when prev >= next (the anchors are not in that order).
 */
export function keyForSlot(slot: Slot): string {
  if (slot.prev !== null && slot.next !== null && slot.prev >= slot.next) {
    throw new AppError(ErrorCode.InvalidPosition, 'afterTaskId must come before beforeTaskId in the column');
  }
  return generateKeyBetween(slot.prev, slot.next);
}
