import pRetry from 'p-retry';
import { isGatewayStatus, TasklaneHttpError } from '@tasklane/client';

/**
 * Runs `read` (an idempotent request, e.g. a board snapshot GET) until it succeeds, retrying while it
 * fails with a gateway status (502, 503, 504: nginx could not reach a replica, e.g. right after one
 * was killed or while the box is overloaded) and `deadline` (a `performance.now()` time, ms) has not
 * passed. Backoff from p-retry: 250 ms before the first retry, doubling up to 2 s, the last wait cut
 * short at the deadline. Used for the tool's reads after the measured phase, whose failure would
 * otherwise discard the whole report.
 * @param what the request, for the log line written before each retry
 * @returns what `read` resolved with
 * @throws the last error: at once when it is not a gateway status, or once the deadline has passed
 */
export async function retryOnGatewayError<T>(read: () => Promise<T>, deadline: number, what: string, log: (m: string) => void): Promise<T> {
  return pRetry(read, {
    retries: Number.POSITIVE_INFINITY,
    minTimeout: 250,
    factor: 2,
    maxTimeout: 2000,
    maxRetryTime: Math.max(0, deadline - performance.now()),
    shouldRetry: ({ error, attemptNumber }) => {
      if (!(error instanceof TasklaneHttpError && isGatewayStatus(error.status))) return false;
      log(`${what}: ${error.status} from the load balancer (attempt ${attemptNumber}), retrying`);
      return true;
    },
  });
}
