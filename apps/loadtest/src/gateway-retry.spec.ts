import { describe, expect, it } from '@jest/globals';
import { TasklaneHttpError } from '@tasklane/client';
import { retryOnGatewayError } from './gateway-retry.js';

/** A read that fails with the given statuses in turn, then resolves with 'ok'. */
function failing(statuses: number[]): { read: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    read: async () => {
      const status = statuses[calls++];
      if (status !== undefined) throw new TasklaneHttpError(status, undefined, 'GET', '/boards/b');
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('retryOnGatewayError', () => {
  it('retries 502, 503 and 504 with a growing wait, logging each, until the read succeeds', async () => {
    const { read, calls } = failing([502, 504, 503]);
    const logs: string[] = [];
    const started = performance.now();
    await expect(retryOnGatewayError(read, performance.now() + 10_000, 'GET /boards/b', (m) => logs.push(m))).resolves.toBe('ok');
    expect(calls()).toBe(4);
    expect(logs).toEqual([
      'GET /boards/b: 502 from the load balancer, retrying in 250 ms',
      'GET /boards/b: 504 from the load balancer, retrying in 500 ms',
      'GET /boards/b: 503 from the load balancer, retrying in 1000 ms',
    ]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_700); // 250 + 500 + 1000 ms, less timer slack
  });

  it('throws any other error at once, without a retry', async () => {
    const { read, calls } = failing([404]);
    await expect(retryOnGatewayError(read, performance.now() + 10_000, 'GET /boards/b', () => {})).rejects.toMatchObject({ status: 404 });
    expect(calls()).toBe(1);
    const plain = retryOnGatewayError(() => Promise.reject(new Error('socket hang up')), performance.now() + 10_000, 'GET', () => {});
    await expect(plain).rejects.toThrow('socket hang up');
  });

  it('gives up with the last gateway error when the next wait would pass the deadline', async () => {
    const { read, calls } = failing([502, 502, 502, 502]);
    await expect(retryOnGatewayError(read, performance.now() + 400, 'GET /boards/b', () => {})).rejects.toMatchObject({ status: 502 });
    expect(calls()).toBe(2); // tried, waited 250 ms, tried again; a 500 ms wait would pass the deadline
  });
});
