import { failedMessage } from './describe-error.js';
import { newIdempotencyKey, withRetries } from './keys.js';

/** How a write sent by sendWrite went: its answer, or what it failed with. */
export type WriteOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Sends one write with a new Idempotency-Key (withRetries: a transient failure is sent again with the
 * same key, which the server answers once) and reports on it through `show`, the problem line of the
 * part of the page that sent it: `show(null)` as it starts, and when it fails the sentence
 * `explain(error)` gives, or failedMessage(`what`, error) when `explain` is absent or gives
 * undefined; `explain` giving null shows nothing (a failure the caller treats as done, such as a
 * delete answered 404). Never rejects: a failure is an outcome with `ok: false`.
 * @param what the write as the subject of "… failed.", e.g. 'Posting the comment'
 */
export async function sendWrite<T>(
  what: string,
  write: (headers: Record<string, string>) => Promise<T>,
  show: (problem: string | null) => void,
  explain?: (error: unknown) => string | null | undefined,
): Promise<WriteOutcome<T>> {
  show(null);
  try {
    return { ok: true, value: await withRetries(newIdempotencyKey(), write) };
  } catch (error) {
    const sentence = explain?.(error);
    if (sentence !== null) show(sentence ?? failedMessage(what, error));
    return { ok: false, error };
  }
}
