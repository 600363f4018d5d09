import pRetry from 'p-retry';
import { isGatewayStatus } from '@tasklane/client';

/**
 * A new Idempotency-Key (a UUID v4). `crypto.randomUUID` exists only in secure contexts (https,
 * localhost); plain http elsewhere falls back to getRandomValues, which exists everywhere.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A network failure or a proxy/server hiccup worth retrying with the same Idempotency-Key: a 502, 503
 * or 504, or a TypeError without a status (what fetch() throws when the network fails). withRetries
 * narrows the TypeErrors further: p-retry retries only those its is-network-error recognises by
 * message ("Failed to fetch", "NetworkError when attempting to fetch resource.", "Load failed", …).
 */
export function isTransient(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return status === undefined ? error instanceof TypeError : isGatewayStatus(status);
}

/**
 * Runs a write with one Idempotency-Key, retrying transient failures (isTransient) up to `attempts`
 * tries in all (at least one), waiting 200, 400, 800 ms … between them (p-retry; a TypeError that is
 * not a network failure, i.e. a bug, is not retried): the server answers a retry of a committed
 * write with the first response and no second event, so a retry is always safe.
 * @throws the last error (a thrown value that is not an Error arrives wrapped in a TypeError, as
 *   p-retry does; TasklaneRestClient throws only Errors)
 */
export function withRetries<T>(key: string, write: (headers: Record<string, string>) => Promise<T>, attempts = 4): Promise<T> {
  return pRetry(() => write({ 'Idempotency-Key': key }), { retries: Math.max(0, attempts - 1), minTimeout: 200, factor: 2, shouldRetry: ({ error }) => isTransient(error) });
}

/** How long a read that a part of the page waits on (a list, a thread) may take before it counts as failed (ms). */
export const READ_TIMEOUT_MS = 10_000;
