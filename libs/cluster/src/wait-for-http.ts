import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitForHttp}. */
export interface WaitForHttpOptions {
  /** Pause between attempts, ms (default 100). */
  intervalMs?: number;
  /** Longest single attempt, ms (default 2000, never beyond the overall deadline). */
  attemptTimeoutMs?: number;
  /** Gives up early (e.g. when the process being waited for has exited); rejects with its reason. */
  signal?: AbortSignal;
}

/**
 * Polls `GET url` until it answers 2xx, e.g. a replica's `/health/ready`.
 * @param url absolute http(s) URL.
 * @param timeoutMs overall deadline in milliseconds.
 * @returns the status code of the first 2xx answer.
 * @throws Error `timed out after <timeoutMs> ms waiting for <url> (last: <status or error>)`, or
 *   `signal.reason` when the signal aborts first.
 */
export async function waitForHttp(url: string, timeoutMs: number, options: WaitForHttpOptions = {}): Promise<number> {
  const { intervalMs = 100, attemptTimeoutMs = 2000, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  for (;;) {
    signal?.throwIfAborted();
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const attempt = AbortSignal.timeout(Math.min(attemptTimeoutMs, remaining));
    try {
      const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, attempt]) : attempt });
      await res.arrayBuffer(); // release the connection
      if (res.ok) return res.status;
      last = `status ${res.status}`;
    } catch (error) {
      signal?.throwIfAborted();
      last = describe(error);
    }
    await sleep(Math.max(0, Math.min(intervalMs, deadline - Date.now())), undefined, signal ? { signal } : undefined).catch(() => undefined);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${url} (last: ${last})`);
}

/** fetch wraps socket errors as `TypeError: fetch failed` with the useful code in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  if (cause?.code) return cause.code;
  if (error.name === 'TimeoutError') return 'attempt timed out';
  return cause?.message ?? error.message;
}
