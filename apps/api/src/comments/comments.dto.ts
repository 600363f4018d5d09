import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, Validate, type ValidatorConstraintInterface, ValidatorConstraint } from 'class-validator';
import type { CommentView } from '@tasklane/contracts';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

/** Longest comment body, in UTF-16 code units (JavaScript string length). */
export const COMMENT_MAX_LENGTH = 10_000;

@ValidatorConstraint({ name: 'notBlank' })
class NotBlank implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value.trim().length > 0;
  }
  defaultMessage(): string {
    return 'body must not be blank';
  }
}

/** Body of `POST …/comments` and `PATCH …/comments/:commentId`: Markdown, 1…10,000 characters, not only whitespace. */
export class CommentBodyDto {
  @ApiProperty({ minLength: 1, maxLength: COMMENT_MAX_LENGTH, description: 'Markdown; `@Name` mentions board members (docs/api.md#mentions). Rendered without raw HTML.' })
  @IsString() @MinLength(1) @MaxLength(COMMENT_MAX_LENGTH) @Validate(NotBlank)
  body: string;
}

/** Query of `GET …/comments`: keyset pagination, oldest first. */
export class ListCommentsQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}

/** OpenAPI shape of CommentView. */
export class CommentDto implements CommentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ maxLength: COMMENT_MAX_LENGTH }) body: string;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 1000, description: 'Members the body mentions' }) mentionIds: string[];
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** OpenAPI shape of a page of comments. */
export class CommentPageDto extends PageDto(CommentDto, 100) {}
