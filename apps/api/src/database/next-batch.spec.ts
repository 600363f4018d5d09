import { describe, expect, it } from '@jest/globals';
import { NextBatch } from './next-batch.js';

/** Reads whose results the test releases by hand; each records the keys it was given. */
function gatedReads() {
  const reads: Array<{ keys: string[]; release: (values?: Map<string, number>) => void; fail: (error: Error) => void }> = [];
  const read = (keys: string[]) =>
    new Promise<Map<string, number>>((resolve, reject) => {
      // By default each key's value is its length, so answers are recognisable.
      reads.push({ keys, release: (values) => resolve(values ?? new Map(keys.map((k) => [k, k.length]))), fail: reject });
    });
  return { read, reads };
}

/** Lets the batch's setImmediate (and the promise callbacks before it) run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const batcher = (read: (keys: string[]) => Promise<Map<string, number>>, maxBatchSize = 500) => new NextBatch<string, number>(read, { id: (k) => k, maxBatchSize });

describe('NextBatch', () => {
  it('reads the keys asked in one event-loop turn together, once per distinct key, after the turn', async () => {
    const { read, reads } = gatedReads();
    const batch = batcher(read);
    const answers = [batch.load('a'), batch.load('bb'), batch.load('a')];
    expect(reads).toHaveLength(0); // nothing is read before the turn ends
    await turn();
    expect(reads.map((r) => r.keys)).toEqual([['a', 'bb']]);
    reads[0].release();
    await expect(Promise.all(answers)).resolves.toEqual([1, 2, 1]);
    expect(batch.state).toEqual({ queued: 0, flying: false });
  });

  it('puts asks made during a read into the NEXT read, which starts only when the running one ends', async () => {
    const { read, reads } = gatedReads();
    const batch = batcher(read);
    const first = batch.load('a');
    await turn();
    expect(reads).toHaveLength(1);
    // 'a' again: a removal committed now must be seen, so the running read may not answer it.
    const later = [batch.load('a'), batch.load('ccc')];
    await turn();
    expect(reads).toHaveLength(1);
    reads[0].release(new Map([['a', 10]]));
    await expect(first).resolves.toBe(10);
    await turn();
    expect(reads.map((r) => r.keys)).toEqual([['a'], ['a', 'ccc']]);
    reads[1].release(new Map([['ccc', 3]])); // 'a' is gone now
    await expect(Promise.all(later)).resolves.toEqual([undefined, 3]);
  });

  it('splits a batch larger than maxBatchSize into reads that run side by side', async () => {
    const { read, reads } = gatedReads();
    const batch = batcher(read, 2);
    const answers = ['a', 'bb', 'ccc', 'dddd', 'eeeee'].map((k) => batch.load(k));
    await turn();
    expect(reads.map((r) => r.keys)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    const late = batch.load('ff');
    for (const r of reads.slice(0, 2)) r.release();
    await turn();
    expect(reads).toHaveLength(3); // the next read waits for the whole batch
    reads[2].release();
    await expect(Promise.all(answers)).resolves.toEqual([1, 2, 3, 4, 5]);
    await turn();
    expect(reads[3].keys).toEqual(['ff']);
    reads[3].release();
    await expect(late).resolves.toBe(2);
  });

  it('rejects only the callers of a failed read, and the next read starts anyway', async () => {
    const { read, reads } = gatedReads();
    const batch = batcher(read);
    const first = batch.load('a');
    await turn();
    const later = batch.load('bb');
    reads[0].fail(new Error('db down'));
    await expect(first).rejects.toThrow('db down');
    await turn();
    expect(reads).toHaveLength(2);
    reads[1].release();
    await expect(later).resolves.toBe(2);
  });

  it('rejects the callers when read throws before returning a promise', async () => {
    const batch = batcher(() => {
      throw new Error('bad input');
    });
    await expect(batch.load('a')).rejects.toThrow('bad input');
    await turn();
    expect(batch.state).toEqual({ queued: 0, flying: false });
  });

  it('opens a new batch after an idle spell', async () => {
    const { read, reads } = gatedReads();
    const batch = batcher(read);
    const a = batch.load('a');
    await turn();
    reads[0].release();
    await expect(a).resolves.toBe(1);
    await turn();
    const b = batch.load('bb');
    await turn();
    expect(reads.map((r) => r.keys)).toEqual([['a'], ['bb']]);
    reads[1].release();
    await expect(b).resolves.toBe(2);
  });
});
