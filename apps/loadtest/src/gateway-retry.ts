import { setTimeout as sleep } from 'node:timers/promises';
import { TasklaneHttpError } from '@tasklane/client';

/** Statuses a load balancer answers for a replica it could not reach in time: 502 Bad Gateway, 503, 504 Gateway Timeout. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

/**
 * Runs `read` (an idempotent request, e.g. a board snapshot GET) until it succeeds, retrying while it
 * fails with a gateway status (502, 503, 504: nginx could not reach a replica, e.g. right after one
 * was killed or while the box is overloaded) and `deadline` (a `performance.now()` time, ms) has not
 * passed. Waits 250 ms before the first retry, doubling up to 2 s (exponential backoff). Used for the
 * tool's reads after the measured phase, whose failure would otherwise discard the whole report.
 * @param what the request, for the log line written before each retry
 * @returns what `read` resolved with
 * @throws the last error: at once when it is not a gateway status, or once the deadline has passed
 */
export async function retryOnGatewayError<T>(read: () => Promise<T>, deadline: number, what: string, log: (m: string) => void): Promise<T> {
  for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 2000)) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof TasklaneHttpError && GATEWAY_STATUSES.has(error.status)) || performance.now() + waitMs > deadline) throw error;
      log(`${what}: ${error.status} from the load balancer, retrying in ${waitMs} ms`);
      await sleep(waitMs);
    }
  }
}
