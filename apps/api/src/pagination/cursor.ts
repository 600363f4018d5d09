import { isUUID } from 'class-validator';
import type { Page } from '@tasklane/contracts';
import { validationFailed } from '../errors/common.errors.js';

/**
 * Where a keyset page ends: the last row's timestamp (`created_at`, `added_at` …) in UTC to the
 * microsecond (PostgreSQL's precision, which a JS Date would cut to milliseconds), e.g.
 * `2026-11-21T06:33:38.322123Z`, and its id. The next page is the rows whose (timestamp, id) sort
 * after it, so pages stay stable while rows are added, and a deleted last row does not cut the
 * list short.
 */
export interface Keyset {
  at: string;
  id: string;
}

/** A row of a keyset page and where it sits. */
export interface Keyed<T> {
  item: T;
  key: Keyset;
}

const UTC_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** SQL expression rendering the timestamp `column` as a Keyset `at` (UTC, microseconds). */
export const keysetAt = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Opaque cursor: base64url of `<at>|<id>`. */
export const encodeCursor = (k: Keyset): string => Buffer.from(`${k.at}|${k.id}`).toString('base64url');

/** @throws AppError VALIDATION_FAILED (400) when the cursor is not one `encodeCursor` made. */
export function decodeCursor(cursor: string): Keyset {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length || !id || !isUUID(id, 'all') || !UTC_MICROS.test(at ?? '')) throw validationFailed([{ field: 'cursor', errors: ['cursor is not valid'] }]);
  return { at, id };
}

/** The Keyset a request's optional `cursor` names. @throws AppError VALIDATION_FAILED (400) for a malformed cursor. */
export const afterCursor = (cursor: string | undefined): Keyset | undefined => (cursor ? decodeCursor(cursor) : undefined);

/**
 * A page from up to `limit + 1` keyed rows (repositories fetch one extra to learn whether more
 * exist): the first `limit` items, and a cursor after the last of them when there are more.
 */
export function toPage<T>(rows: Keyed<T>[], limit: number): Page<T> {
  const page = rows.slice(0, limit);
  return { items: page.map((r) => r.item), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].key) : null };
}

/** Opaque cursor of a list in seq order (activity, notifications): base64url of `s:<seq>`. */
export const encodeSeqCursor = (seq: number): string => Buffer.from(`s:${seq}`).toString('base64url');

/** The seq a seq cursor names. @throws AppError VALIDATION_FAILED (400) when the cursor is not one `encodeSeqCursor` made. */
export function decodeSeqCursor(cursor: string): number {
  const m = /^s:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const seq = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(seq) || seq > 2_147_483_647) throw validationFailed([{ field: 'cursor', errors: ['cursor is not valid'] }]);
  return seq;
}
