import { TasklaneHttpError } from '@tasklane/client';

/**
 * Why a request failed, as one sentence for a message: the server's own message (the error shape's
 * `message`, given its full stop when it has none), "The server answered N." when the answer had
 * no message (a proxy's 502 page, say), or "The server could not be reached." when there was no
 * answer (a network failure, a timeout: anything but a TasklaneHttpError).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof TasklaneHttpError)) return 'The server could not be reached.';
  const message = error.body?.message?.trim();
  if (!message) return `The server answered ${error.status}.`;
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

/** "`what` failed. `describeError(error)`", e.g. "Posting the comment failed. The server could not be reached." */
export function failedMessage(what: string, error: unknown): string {
  return `${what} failed. ${describeError(error)}`;
}

/** True for a 404 answer: what the request acts on no longer exists (or never did for this user). */
export function isNotFound(error: unknown): boolean {
  return error instanceof TasklaneHttpError && error.status === 404;
}
