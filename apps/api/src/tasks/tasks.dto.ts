import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import type { TaskView } from '@tasklane/contracts';
import { IsDateTime, LowerCaseUuid, Trim } from '../errors/field-validators.js';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

class TaskFieldsDto {
  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional() @IsString() @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, description: 'Must be members of the board', maxItems: 50 })
  @IsOptional() @LowerCaseUuid() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  assigneeIds?: string[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, description: 'Ids of this board’s labels', maxItems: 50 })
  @IsOptional() @LowerCaseUuid() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  labelIds?: string[];

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'RFC 3339 with a time zone; null clears it' })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsDateTime()
  dueAt?: string | null;

  @ApiPropertyOptional({ type: Boolean, description: 'Done: `true` sets `completedAt` to now unless already set, `false` clears it (reopens)' })
  // Absent is "unchanged"; null is refused (unlike @IsOptional), as it would mean neither done nor open.
  @ValidateIf((_, v) => v !== undefined) @IsBoolean()
  completed?: boolean;
}

/** Body of `POST …/tasks`: default place is the end of the column; `afterTaskId` / `beforeTaskId` (adjacent when both) place it elsewhere. */
export class CreateTaskDto extends TaskFieldsDto {
  @ApiProperty({ format: 'uuid' })
  @LowerCaseUuid() @IsUUID('all')
  columnId: string;

  @ApiProperty({ maxLength: 500 })
  @Trim() @IsString() @MinLength(1) @MaxLength(500)
  title: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Place right after this task of the column' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  afterTaskId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Place right before this task of the column' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  beforeTaskId?: string;
}

/** Body of `PATCH …/tasks/:taskId`; absent fields are unchanged, `dueAt: null` clears the due date, `completed` marks done or reopens. */
export class UpdateTaskDto extends TaskFieldsDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional() @Trim() @IsString() @MinLength(1) @MaxLength(500)
  title?: string;
}

/** Body of `POST …/tasks/:taskId/move`: target column (may be the same) and optional adjacent anchors; default end of column. */
export class MoveTaskDto {
  @ApiProperty({ format: 'uuid', description: 'Target column (may be the current one)' })
  @LowerCaseUuid() @IsUUID('all')
  columnId: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  afterTaskId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  beforeTaskId?: string;
}

/** The `due` filter of the task list (and, later, of search). */
export const DUE_FILTERS = ['overdue', 'week'] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];

/** Query of `GET …/tasks`: filters by column, assignee and text, keyset pagination. */
export class ListTasksQueryDto extends PageQueryDto({ max: 200, default: 50 }) {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  columnId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of title or description', maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: DUE_FILTERS, description: '`overdue`: due before now; `week`: due from now to 7 days (168 h) later; done tasks are left out of both' })
  @IsOptional() @IsIn(DUE_FILTERS)
  due?: DueFilter;
}

/** OpenAPI shape of ChecklistProgress. */
export class ChecklistProgressDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) done: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) total: number;
}

/** OpenAPI shape of TaskView. */
export class TaskDto implements TaskView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ format: 'uuid' }) columnId: string;
  @ApiProperty({ maxLength: 500 }) title: string;
  @ApiProperty({ maxLength: 20_000 }) description: string;
  @ApiProperty({ maxLength: 1024, pattern: '^[0-9A-Za-z]+$', description: 'Fractional index within the column; sort by byte order' }) position: string;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 50 }) assigneeIds: string[];
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 50, description: 'Ids of this board’s labels' }) labelIds: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When marked done; null while open' }) completedAt: string | null;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'uuid' }) updatedBy: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When archived; null when live' }) archivedAt: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of comments' }) commentCount: number;
  @ApiProperty({ type: ChecklistProgressDto }) checklist: ChecklistProgressDto;
}

/** OpenAPI shape of a page of tasks. */
export class TaskPageDto extends PageDto(TaskDto, 200) {}
