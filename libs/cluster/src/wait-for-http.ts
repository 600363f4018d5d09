import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link pollUntil} and {@link waitForHttp}. */
export interface WaitForHttpOptions {
  /** Pause between attempts, ms (default 100). */
  intervalMs?: number;
  /** Longest single attempt, ms (default 2000, never beyond the overall deadline). */
  attemptTimeoutMs?: number;
  /** Gives up early (e.g. when the process being waited for has exited); rejects with its reason. */
  signal?: AbortSignal;
}

/**
 * Calls `attempt` until it resolves, pausing `intervalMs` between tries; each try gets an
 * AbortSignal that fires after `attemptTimeoutMs`, at the overall deadline or when `signal` aborts.
 * Used to wait for a server that is starting (an HTTP health endpoint, a Redis PING, a first query).
 * @param what named in the timeout message, e.g. a URL.
 * @param timeoutMs overall deadline in milliseconds.
 * @returns what the first successful attempt resolved with.
 * @throws Error `timed out after <timeoutMs> ms waiting for <what> (last: <last failure>)`, or
 *   `signal.reason` when the signal aborts first.
 */
export async function pollUntil<T>(what: string, attempt: (signal: AbortSignal) => Promise<T>, timeoutMs: number, options: WaitForHttpOptions = {}): Promise<T> {
  const { intervalMs = 100, attemptTimeoutMs = 2000, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  for (;;) {
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const bound = AbortSignal.timeout(Math.min(attemptTimeoutMs, remaining));
    try {
      return await attempt(signal ? AbortSignal.any([signal, bound]) : bound);
    } catch (error) {
      signal?.throwIfAborted();
      last = describe(error);
    }
    await sleep(Math.max(0, Math.min(intervalMs, deadline - Date.now())), undefined, signal ? { signal } : undefined).catch(() => undefined);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
}

/**
 * Polls `GET url` until it answers 2xx, e.g. a replica's `/health/ready`.
 * @param url absolute http(s) URL.
 * @param timeoutMs overall deadline in milliseconds.
 * @returns the status code of the first 2xx answer.
 * @throws as {@link pollUntil}.
 */
export function waitForHttp(url: string, timeoutMs: number, options: WaitForHttpOptions = {}): Promise<number> {
  return pollUntil(
    url,
    async (signal) => {
      const res = await fetch(url, { signal });
      await res.arrayBuffer(); // release the connection
      if (!res.ok) throw new Error(`status ${res.status}`);
      return res.status;
    },
    timeoutMs,
    options,
  );
}

/** The useful part of a failed attempt: fetch wraps socket errors as `TypeError: fetch failed` with the code in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.code) return cause.code;
  if (error.name === 'TimeoutError') return 'attempt timed out';
  return (error as NodeJS.ErrnoException).code ?? cause?.message ?? error.message;
}
