import { describe, expect, it } from '@jest/globals';
import { ALL_ERROR_CODES, type ErrorCode } from '@tasklane/contracts';
import { statusOf } from './error-status.js';

describe('statusOf', () => {
  it.each(ALL_ERROR_CODES)('maps %s to a 4xx or 5xx status', (code) => {
    const status = statusOf(code);
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it.each<[ErrorCode, number]>([
    ['VALIDATION_FAILED', 400],
    ['INVALID_POSITION', 400],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['BOARD_NOT_FOUND', 404],
    ['COLUMN_NOT_FOUND', 404],
    ['TASK_NOT_FOUND', 404],
    ['MEMBER_NOT_FOUND', 404],
    ['USER_NOT_FOUND', 404],
    ['INVITATION_NOT_FOUND', 404],
    ['EMAIL_TAKEN', 409],
    ['ALREADY_MEMBER', 409],
    ['LAST_OWNER', 409],
    ['LIMIT_REACHED', 409],
    ['EVENTS_EXPIRED', 410],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['RATE_LIMITED', 429],
    ['INTERNAL', 500],
    ['SERVICE_UNAVAILABLE', 503],
  ])('maps %s to %i as the API documents', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });

  it('uses 5xx only for server-side failures', () => {
    const serverSide = ALL_ERROR_CODES.filter((code) => statusOf(code) >= 500);
    expect([...serverSide].sort()).toEqual(['INTERNAL', 'SERVICE_UNAVAILABLE']);
  });
});
