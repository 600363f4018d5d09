import { describe, expect, it } from '@jest/globals';
import { nextFlightBatchLoader } from './fresh-batch-loader.js';

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
 * Lets the loader dispatch what it may: two event-loop turns, as its dispatch is a setImmediate
 * set from a promise job (after the running read's promise).
 */
async function turn(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('nextFlightBatchLoader', () => {
  it('answers the loads of one turn with one read, each with its own value or error', async () => {
    const { batch, batches } = gatedBatches();
    const loader = nextFlightBatchLoader(batch, 10);
    const loads = ['a', 'b', 'a', 'bad'].map((k) => loader.load(k));
    await turn();
    expect(batches.map((b) => b.keys)).toEqual([['a', 'b', 'a', 'bad']]);
    batches[0].settle();
    await expect(Promise.all(loads.slice(0, 3))).resolves.toEqual(['a!', 'b!', 'a!']);
    await expect(loads[3]).rejects.toThrow('no bad');
  });

  it('gathers the loads asked while a read runs, over many turns, into the next read, started once it settles', async () => {
    const { batch, batches } = gatedBatches();
    const loader = nextFlightBatchLoader(batch, 10);
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

  it('starts the next read after a failed one, and fails only the failed read’s loads', async () => {
    const { batch, batches } = gatedBatches();
    const loader = nextFlightBatchLoader(batch, 10);
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

  it('splits a burst past maxBatchSize into reads that run side by side', async () => {
    const { batch, batches } = gatedBatches();
    const loader = nextFlightBatchLoader(batch, 2);
    const loads = ['a', 'b', 'c'].map((k) => loader.load(k));
    await turn();
    expect(batches.map((b) => b.keys)).toEqual([['a', 'b'], ['c']]);
    for (const b of batches) b.settle();
    await expect(Promise.all(loads)).resolves.toEqual(['a!', 'b!', 'c!']);
  });
});
