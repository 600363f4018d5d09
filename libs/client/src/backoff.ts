/**
 * Exponential backoff with jitter for the client's retries (ms): `base`·2^`failures`, at most
 * `max`, times a random factor in [0.5, 1) so that clients cut off together do not retry together
 * ("equal jitter", AWS Architecture Blog, "Exponential Backoff and Jitter", 2015).
 */
export function backoffDelay(base: number, failures: number, max: number): number {
  return Math.min(base * 2 ** failures, max) * (0.5 + Math.random() / 2);
}
