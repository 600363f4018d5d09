import { describe, expect, it } from '@jest/globals';
import { SeqOrderer } from './seq-orderer.js';

const ev = (seq: number) => ({ seq, id: `e${seq}` });
const seqs = (xs: { seq: number }[]) => xs.map((x) => x.seq);

describe('SeqOrderer', () => {
  it('delivers in-order items at once', () => {
    const o = new SeqOrderer(0);
    expect(o.offer(ev(1))).toBe(true);
    expect(seqs(o.take())).toEqual([1]);
    o.offer(ev(2));
    expect(seqs(o.take())).toEqual([2]);
    expect(o.hasGap).toBe(false);
  });

  it('holds out-of-order items until the gap closes, then delivers them in seq order', () => {
    const o = new SeqOrderer(0);
    o.offer(ev(3));
    o.offer(ev(2));
    expect(o.take()).toEqual([]);
    expect(o.hasGap).toBe(true);
    expect(o.buffered).toBe(2);
    o.offer(ev(1));
    expect(seqs(o.take())).toEqual([1, 2, 3]);
    expect(o.last).toBe(3);
    expect(o.hasGap).toBe(false);
  });

  it('drops duplicates, whether already delivered or still buffered', () => {
    const o = new SeqOrderer(0);
    o.offer(ev(1));
    o.take();
    expect(o.offer(ev(1))).toBe(false);
    expect(o.offer(ev(3))).toBe(true);
    expect(o.offer(ev(3))).toBe(false);
    o.offer(ev(2));
    expect(seqs(o.take())).toEqual([2, 3]);
  });

  it('sees a missing tail as a gap once a later seq is observed', () => {
    const o = new SeqOrderer(5);
    expect(o.hasGap).toBe(false);
    o.observe(7);
    expect(o.hasGap).toBe(true);
    o.offer(ev(6));
    o.offer(ev(7));
    expect(seqs(o.take())).toEqual([6, 7]);
    expect(o.hasGap).toBe(false);
  });

  it('only buffers while the start is unknown, then starts where told', () => {
    const o = new SeqOrderer<{ seq: number }>(null);
    o.offer(ev(4));
    o.offer(ev(5));
    expect(o.take()).toEqual([]);
    expect(o.hasGap).toBe(false);
    o.resetTo(4);
    expect(seqs(o.take())).toEqual([5]);
  });

  it('resetTo drops buffered items the snapshot already covers', () => {
    const o = new SeqOrderer(0);
    o.offer(ev(2));
    o.offer(ev(9));
    o.resetTo(8);
    expect(o.buffered).toBe(1);
    expect(seqs(o.take())).toEqual([9]);
  });

  it('delivers any permutation with duplicates exactly once in order', () => {
    const o = new SeqOrderer(0);
    const feed = Array.from({ length: 200 }, (_, i) => ev(i + 1));
    const shuffled = [...feed, ...feed.slice(50, 80)].sort(() => Math.random() - 0.5);
    const out: number[] = [];
    for (const e of shuffled) {
      o.offer(e);
      out.push(...seqs(o.take()));
    }
    expect(out).toEqual(feed.map((e) => e.seq));
  });
});
