import { describe, expect, it } from '@jest/globals';
import { ErrorCode, statusOf } from './error-codes.js';

describe('statusOf', () => {
  it.each(Object.values(ErrorCode))('maps %s to a 4xx or 5xx status', (code) => {
    const status = statusOf(code);
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
  });

  it.each([
    [ErrorCode.ValidationFailed, 400],
    [ErrorCode.InvalidPosition, 400],
    [ErrorCode.Unauthorized, 401],
    [ErrorCode.Forbidden, 403],
    [ErrorCode.BoardNotFound, 404],
    [ErrorCode.ColumnNotFound, 404],
    [ErrorCode.TaskNotFound, 404],
    [ErrorCode.MemberNotFound, 404],
    [ErrorCode.UserNotFound, 404],
    [ErrorCode.EmailTaken, 409],
    [ErrorCode.AlreadyMember, 409],
    [ErrorCode.LastOwner, 409],
    [ErrorCode.EventsExpired, 410],
    [ErrorCode.PayloadTooLarge, 413],
    [ErrorCode.UnsupportedMediaType, 415],
    [ErrorCode.Internal, 500],
    [ErrorCode.ServiceUnavailable, 503],
  ])('maps %s to %i as the API documents', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });

  it('uses 5xx only for server-side failures', () => {
    const serverSide = Object.values(ErrorCode).filter((code) => statusOf(code) >= 500);
    expect(serverSide.sort()).toEqual([ErrorCode.Internal, ErrorCode.ServiceUnavailable].sort());
  });
});
