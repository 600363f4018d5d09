import type { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Page } from '@tasklane/contracts';

/** Longest cursor a client may send back; `encodeCursor` makes ~80 characters. */
export const CURSOR_MAX_LENGTH = 200;

/** Page sizes of one list route: the most a client may ask for and what it gets when it does not ask. */
export interface PageSizeBounds {
  max: number;
  default: number;
}

/**
 * Base class of a keyset-paginated list query: `limit` (1…`bounds.max`, an integer) and `cursor`
 * (the previous page's `nextCursor`, at most CURSOR_MAX_LENGTH characters), validated and
 * documented once. Extend it and add the route's filters:
 *
 *     export class ListBoardsQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}
 *
 * and read the page size with `query.pageSize()` (the limit asked for, or `bounds.default`).
 * A malformed cursor is caught by `decodeCursor` (400 VALIDATION_FAILED) when the page is read.
 */
export function PageQueryDto(bounds: PageSizeBounds) {
  abstract class PageQuery {
    @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: bounds.max, default: bounds.default })
    @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(bounds.max)
    limit?: number;

    @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: CURSOR_MAX_LENGTH })
    @IsOptional() @IsString() @MaxLength(CURSOR_MAX_LENGTH)
    cursor?: string;

    /** The number of items to return: `limit`, or the route's default when the client sent none. */
    pageSize(): number {
      return this.limit ?? bounds.default;
    }
  }
  return PageQuery;
}

/**
 * OpenAPI shape of a `Page<T>` of `item` (at most `maxItems`), named by the subclass:
 *
 *     export class BoardPageDto extends PageDto(BoardSummaryDto, 100) {}
 *
 * `nextCursorDescription` overrides the cursor's description for lists that are one page long.
 */
export function PageDto<T>(item: ClassType<T>, maxItems: number, nextCursorDescription = 'Cursor of the next page; null on the last page') {
  abstract class ItemPage implements Page<T> {
    @ApiProperty({ type: [item], maxItems }) items: T[];
    @ApiProperty({ type: String, nullable: true, maxLength: CURSOR_MAX_LENGTH, description: nextCursorDescription }) nextCursor: string | null;
  }
  return ItemPage;
}
