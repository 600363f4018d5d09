import { useState } from 'react';

/**
 * Orders reads of one list whose answers may arrive out of order (a reload after a write overtaking
 * a slow first read, a poll overlapping a reload), so an older answer never replaces a newer one.
 * Two rules, for two kinds of list:
 * - **newest started wins** (`isNewest`): an answer, or a failure, counts only while no read was
 *   started after its own; for lists read on demand, where the newest read is the one wanted.
 * - **newest shown wins** (`show`): every answer newer than the one shown is shown; for lists whose
 *   reads overlap by themselves (a poll, a first load's retries beside reloads after writes), where
 *   reads slower than their timer would otherwise never show anything.
 * Reads are numbered from 1 by `start`; `drop` makes every read on its way stale for `isNewest`
 * (the effect that started them is being left).
 */
export class ReadOrder {
  private started = 0;
  private shown = 0;

  /** Numbers a read about to start: pass the number to `isNewest` or `show` with its answer. */
  start(): number {
    return ++this.started;
  }

  /** True while no read has been started (nor `drop` called) after read `read`. */
  isNewest(read: number): boolean {
    return read === this.started;
  }

  /** True, recording `read` as shown, unless the answer of a later read has been shown already. */
  show(read: number): boolean {
    if (read < this.shown) return false;
    this.shown = read;
    return true;
  }

  /** True unless the answer of a later read has been shown (a failure worth showing). */
  mayShow(read: number): boolean {
    return read >= this.shown;
  }

  /** Makes every read on its way stale for `isNewest`. */
  drop(): void {
    this.started += 1;
  }
}

/** A ReadOrder that lives as long as the component. */
export function useReadOrder(): ReadOrder {
  return useState(() => new ReadOrder())[0];
}
