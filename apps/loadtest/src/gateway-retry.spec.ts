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
  it('retries 502, 503 and 504 with a growing wait (250, 500, 1000 ms), logging each, until the read succeeds', async () => {
    const { read, calls } = failing([502, 504, 503]);
    const logs: string[] = [];
    const started = performance.now();
    await expect(retryOnGatewayError(read, performance.now() + 10_000, 'GET /boards/b', (m) => logs.push(m))).resolves.toBe('ok');
    expect(calls()).toBe(4);
    expect(logs).toEqual([
      'GET /boards/b: 502 from the load balancer (attempt 1), retrying',
      'GET /boards/b: 504 from the load balancer (attempt 2), retrying',
      'GET /boards/b: 503 from the load balancer (attempt 3), retrying',
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

  it('gives up with the last gateway error at the deadline', async () => {
    const { read, calls } = failing(Array.from({ length: 20 }, () => 502));
    const started = performance.now();
    await expect(retryOnGatewayError(read, started + 400, 'GET /boards/b', () => {})).rejects.toMatchObject({ status: 502 });
    // Tried at 0 and 250 ms, then once more when the wait cut short at the deadline ends (a late timer on a
    // loaded machine can leave no time for that try). p-retry cuts that wait to the fractional time left and
    // tries again while any is left; Node's timers run in whole milliseconds, so a wait can end just before
    // the deadline and buy a try or two with a sub-millisecond wait (5 tries seen once in CI). It still
    // stops at the deadline: 20 failures were on offer.
    expect(calls()).toBeGreaterThanOrEqual(2);
    expect(calls()).toBeLessThanOrEqual(6);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('tries once, with no retry, when the deadline has already passed', async () => {
    const { read, calls } = failing([502, 502]);
    await expect(retryOnGatewayError(read, performance.now() - 1, 'GET /boards/b', () => {})).rejects.toMatchObject({ status: 502 });
    expect(calls()).toBe(1);
  });
});
