import { isUUID } from 'class-validator';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';

/**
 * Opaque keyset cursors: base64url of the last item's id. The next page is the rows whose
 * (created_at, id) sort after that item's, so pages stay stable while rows are added.
 */
export const encodeCursor = (id: string): string => Buffer.from(id).toString('base64url');

/** @throws AppError VALIDATION_FAILED (400) when the cursor is not one `encodeCursor` made. */
export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!isUUID(id, 'all')) throw new AppError(ErrorCode.ValidationFailed, 'Invalid cursor', [{ field: 'cursor', errors: ['cursor is not valid'] }]);
  return id;
}
