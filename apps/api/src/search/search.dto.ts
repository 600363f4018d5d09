import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { SEARCH_DUE, type SearchDue, type SearchHit, type SearchPage } from '@tasklane/contracts';
import { LowerCaseUuid } from '../errors/field-validators.js';
import { CURSOR_MAX_LENGTH, PageQueryDto } from '../pagination/pagination.dto.js';

/** Query of `GET /search`. */
export class SearchQueryDto extends PageQueryDto({ max: 50, default: 20 }) {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    description: 'Web-search syntax (`"exact phrase"`, `-excluded`, `or`); the last word also matches as a prefix (search as you type) unless a space follows it. Not trimmed',
  })
  @IsString() @MinLength(1) @MaxLength(200)
  q: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this board (404 unless you are a member)' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  boardId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only tasks with this board label' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  labelId?: string;

  @ApiPropertyOptional({ enum: SEARCH_DUE, description: '`overdue`: due date passed; `week`: due in the next 7 days' })
  @IsOptional() @IsIn(SEARCH_DUE)
  due?: SearchDue;

  @ApiPropertyOptional({ type: Boolean, description: 'Archived tasks (archived themselves or in an archived column) instead of live ones (false, default)' })
  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  archived?: boolean;
}

/** OpenAPI shape of SearchHit. */
export class SearchHitDto implements SearchHit {
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ maxLength: 200 }) boardName: string;
  @ApiProperty({ format: 'uuid' }) columnId: string;
  @ApiProperty({ maxLength: 500 }) title: string;
  @ApiProperty({
    maxLength: 20_000,
    description: 'HTML-escaped excerpt of the description (or the title) with `<mark>` … `</mark>` around the matches, and no other markup',
  })
  snippet: string;
  @ApiProperty({ enum: ['task', 'comment'], description: 'Where the words were found: the task itself, or only one of its comments (the snippet is then the comment’s)' }) matchedIn: 'task' | 'comment';
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 50 }) assigneeIds: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the task was marked done; null while open' }) completedAt: string | null;
  @ApiProperty({ type: 'number', minimum: 0, description: 'Relevance (ts_rank_cd); higher is better' }) rank: number;
}

/** OpenAPI shape of SearchPage. */
export class SearchPageDto implements SearchPage {
  @ApiProperty({ type: [SearchHitDto], maxItems: 50 }) items: SearchHit[];
  @ApiProperty({ type: String, nullable: true, maxLength: CURSOR_MAX_LENGTH, description: 'Cursor of the next (less relevant) page; null on the last page' }) nextCursor: string | null;
}
