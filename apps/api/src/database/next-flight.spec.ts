import { describe, expect, it } from '@jest/globals';
import { NextFlight } from './next-flight.js';

/** A read whose result the test releases by hand, counting how many reads started. */
function gatedReads() {
  const started: Array<(value: number) => void> = [];
  const failers: Array<(error: Error) => void> = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      started.push(resolve);
      failers.push(reject);
    });
  return { read, started, failers };
}

describe('NextFlight', () => {
  it('starts a read at once when none is running for the key', async () => {
    const flights = new NextFlight<number>();
    const { read, started } = gatedReads();
    const a = flights.run('k', read);
    expect(started).toHaveLength(1);
    started[0](1);
    await expect(a).resolves.toBe(1);
    expect(flights.size).toBe(0);
  });

  it('makes callers that arrive during a read share the NEXT read, never the running one', async () => {
    const flights = new NextFlight<number>();
    const { read, started } = gatedReads();
    const first = flights.run('k', read);
    const later = [flights.run('k', read), flights.run('k', read), flights.run('k', read)];
    expect(started).toHaveLength(1); // the next read waits for the running one
    started[0](1);
    await expect(first).resolves.toBe(1);
    await Promise.resolve();
    expect(started).toHaveLength(2); // one read for all three later callers
    started[1](2);
    await expect(Promise.all(later)).resolves.toEqual([2, 2, 2]);
    expect(flights.size).toBe(0);
  });

  it('keeps keys apart', async () => {
    const flights = new NextFlight<number>();
    const { read, started } = gatedReads();
    const a = flights.run('a', read);
    const b = flights.run('b', read);
    expect(started).toHaveLength(2);
    started[0](1);
    started[1](2);
    await expect(Promise.all([a, b])).resolves.toEqual([1, 2]);
  });

  it('runs the next read even when the running one failed, and shares a failure only with that read’s callers', async () => {
    const flights = new NextFlight<number>();
    const { read, started, failers } = gatedReads();
    const first = flights.run('k', read);
    const later = flights.run('k', read);
    failers[0](new Error('db down'));
    await expect(first).rejects.toThrow('db down');
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toHaveLength(2);
    started[1](7);
    await expect(later).resolves.toBe(7);
  });
});
