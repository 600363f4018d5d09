import { isUUID } from 'class-validator';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';

/**
 * Where a keyset page ends: the last row's `created_at` in UTC to the microsecond (PostgreSQL's
 * precision, which a JS Date would cut to milliseconds), e.g. `2026-11-21T06:33:38.322123Z`,
 * and its id. The next page is the rows whose (created_at, id) sort after it, so pages stay stable
 * while rows are added, and a deleted last row does not cut the list short.
 */
export interface Keyset {
  createdAt: string;
  id: string;
}

const UTC_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Opaque cursor: base64url of `<created_at>|<id>`. */
export const encodeCursor = (k: Keyset): string => Buffer.from(`${k.createdAt}|${k.id}`).toString('base64url');

/** @throws AppError VALIDATION_FAILED (400) when the cursor is not one `encodeCursor` made. */
export function decodeCursor(cursor: string): Keyset {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length || !id || !isUUID(id, 'all') || !UTC_MICROS.test(createdAt ?? '')) {
    throw new AppError(ErrorCode.ValidationFailed, 'Invalid cursor', [{ field: 'cursor', errors: ['cursor is not valid'] }]);
  }
  return { createdAt, id };
}
