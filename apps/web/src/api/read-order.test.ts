import { describe, expect, it } from 'vitest';
import { ReadOrder } from './read-order.js';

describe('ReadOrder', () => {
  it('newest started wins: an answer counts only while no later read has started', () => {
    const order = new ReadOrder();
    const first = order.start();
    expect(order.isNewest(first)).toBe(true);
    const second = order.start();
    expect(order.isNewest(first)).toBe(false);
    expect(order.isNewest(second)).toBe(true);
    order.drop();
    expect(order.isNewest(second)).toBe(false);
  });

  it('newest shown wins: every answer newer than the one shown shows, an older one never does', () => {
    const order = new ReadOrder();
    const [a, b, c] = [order.start(), order.start(), order.start()];
    expect(order.show(b)).toBe(true); // b answers first although c has started: it shows
    expect(order.show(a)).toBe(false); // a is older than b, shown: dropped
    expect(order.mayShow(a)).toBe(false); // and so is a's failure
    expect(order.mayShow(c)).toBe(true);
    expect(order.show(c)).toBe(true);
    expect(order.show(c)).toBe(true); // the same read again (idempotent)
  });
});
