import { describe, expect, it } from 'vitest';
import { TasklaneHttpError } from '@tasklane/client';
import { describeError, failedMessage, isNotFound } from './describe-error.js';

const http = (status: number, message?: string) =>
  new TasklaneHttpError(status, message === undefined ? undefined : ({ statusCode: status, code: 'VALIDATION_FAILED', message, requestId: 'r' } as never), 'POST', '/x');

describe('describeError', () => {
  it("gives the server's message a full stop once", () => {
    expect(describeError(http(409, 'Name already taken'))).toBe('Name already taken.');
    expect(describeError(http(409, 'Name already taken.'))).toBe('Name already taken.');
    expect(describeError(http(400, 'Really?'))).toBe('Really?');
  });

  it('names the status when the answer had no message, and says when there was no answer', () => {
    expect(describeError(http(502))).toBe('The server answered 502.');
    expect(describeError(http(500, '  '))).toBe('The server answered 500.');
    expect(describeError(new TypeError('fetch failed'))).toBe('The server could not be reached.');
    expect(describeError(new DOMException('The operation timed out.', 'TimeoutError'))).toBe('The server could not be reached.');
  });

  it('makes "what failed" sentences', () => {
    expect(failedMessage('Posting the comment', http(403, 'Forbidden'))).toBe('Posting the comment failed. Forbidden.');
  });
});

describe('isNotFound', () => {
  it('is true for a 404 answer only', () => {
    expect(isNotFound(http(404, 'Comment not found'))).toBe(true);
    expect(isNotFound(http(410))).toBe(false);
    expect(isNotFound(new TypeError('fetch failed'))).toBe(false);
  });
});
