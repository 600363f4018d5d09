import { describe, expect, it } from '@jest/globals';
import { freshBatchLoader } from './fresh-batch-loader.js';

/** A batch read whose result the test releases by hand, recording the keys of each read started. */
function gatedBatches() {
  const batches: { keys: readonly string[]; settle: (error?: Error) => void }[] = [];
  const batch = (keys: readonly string[]) =>
    new Promise<(string | Error)[]>((resolve, reject) => {
      batches.push({ keys, settle: (error) => (error ? reject(error) : resolve(keys.map((k) => (k === 'bad' ? new Error(`no ${k}`) : `${k}!`)))) });
    });
  return { batch, batches };
}

/**
 * Lets the loader dispatch what it may: two event-loop turns, as a batch freed by a settled read
 * is dispatched at a setImmediate set from that read's promise job.
 */
async function turn(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('freshBatchLoader', () => {
  it('answers the loads of one turn with one read, each with its own value or error', async () => {
    const { batch, batches } = gatedBatches();
    const loader = freshBatchLoader(batch, 10);
    const loads = ['a', 'b', 'a', 'bad'].map((k) => loader.load(k));
    await turn();
    expect(batches.map((b) => b.keys)).toEqual([['a', 'b', 'a', 'bad']]);
    batches[0].settle();
    await expect(Promise.all(loads.slice(0, 3))).resolves.toEqual(['a!', 'b!', 'a!']);
    await expect(loads[3]).rejects.toThrow('no bad');
  });

  it('without a limit, starts a read per turn, side by side', async () => {
    const { batch, batches } = gatedBatches();
    const loader = freshBatchLoader(batch, 10);
    const loads = [];
    for (const k of ['a', 'b', 'c']) {
      loads.push(loader.load(k));
      await turn();
    }
    expect(batches.map((b) => b.keys)).toEqual([['a'], ['b'], ['c']]);
    for (const b of batches) b.settle();
    await expect(Promise.all(loads)).resolves.toEqual(['a!', 'b!', 'c!']);
  });

  it('with one read in flight, gathers the loads asked while it runs, over many turns, into the next read, started once it settles', async () => {
    const { batch, batches } = gatedBatches();
    const loader = freshBatchLoader(batch, 10, 1);
    const first = loader.load('a');
    await turn();
    const later: Promise<string>[] = [];
    for (const k of ['b', 'c', 'd']) {
      later.push(loader.load(k));
      await turn(); // one load per turn, as a storm's joins arrive
    }
    expect(batches).toHaveLength(1); // the next read waits for the running one
    batches[0].settle();
    await expect(first).resolves.toBe('a!');
    await turn();
    expect(batches.map((b) => b.keys)).toEqual([['a'], ['b', 'c', 'd']]);
    batches[1].settle();
    await expect(Promise.all(later)).resolves.toEqual(['b!', 'c!', 'd!']);
  });

  it('with two reads in flight, runs two side by side and holds a third batch until either settles', async () => {
    const { batch, batches } = gatedBatches();
    const loader = freshBatchLoader(batch, 10, 2);
    const loads = [loader.load('a')];
    await turn();
    loads.push(loader.load('b'));
    await turn();
    loads.push(loader.load('c'));
    await turn();
    loads.push(loader.load('d'));
    await turn();
    expect(batches.map((b) => b.keys)).toEqual([['a'], ['b']]);
    batches[1].settle();
    await turn();
    expect(batches.map((b) => b.keys)).toEqual([['a'], ['b'], ['c', 'd']]);
    batches[0].settle();
    batches[2].settle();
    await expect(Promise.all(loads)).resolves.toEqual(['a!', 'b!', 'c!', 'd!']);
  });

  it('starts the next read after a failed one, and fails only the failed read’s loads', async () => {
    const { batch, batches } = gatedBatches();
    const loader = freshBatchLoader(batch, 10, 1);
    const first = loader.load('a');
    await turn();
    const later = loader.load('b');
    await turn();
    batches[0].settle(new Error('db down'));
    await expect(first).rejects.toThrow('db down');
    await turn();
    expect(batches).toHaveLength(2);
    batches[1].settle();
    await expect(later).resolves.toBe('b!');
  });

  it('frees the slot of a batch function that throws instead of rejecting', async () => {
    let calls = 0;
    const loader = freshBatchLoader<string, string>(
      (keys) => {
        if (calls++ === 0) throw new Error('sync');
        return Promise.resolve(keys.map((k) => `${k}!`));
      },
      10,
      1,
    );
    await expect(loader.load('a')).rejects.toThrow('sync');
    await expect(loader.load('b')).resolves.toBe('b!');
  });

  it('splits a burst past maxBatchSize: side by side without a limit, one after another with one read in flight', async () => {
    const free = gatedBatches();
    const unlimited = freshBatchLoader(free.batch, 2);
    const loads = ['a', 'b', 'c'].map((k) => unlimited.load(k));
    await turn();
    expect(free.batches.map((b) => b.keys)).toEqual([['a', 'b'], ['c']]);
    for (const b of free.batches) b.settle();
    await expect(Promise.all(loads)).resolves.toEqual(['a!', 'b!', 'c!']);

    const one = gatedBatches();
    const limited = freshBatchLoader(one.batch, 2, 1);
    const queued = ['a', 'b', 'c'].map((k) => limited.load(k));
    await turn();
    expect(one.batches.map((b) => b.keys)).toEqual([['a', 'b']]);
    one.batches[0].settle();
    await turn();
    expect(one.batches.map((b) => b.keys)).toEqual([['a', 'b'], ['c']]);
    one.batches[1].settle();
    await expect(Promise.all(queued)).resolves.toEqual(['a!', 'b!', 'c!']);
  });
});
