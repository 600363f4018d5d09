import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import type { TaskView } from '@tasklane/contracts';
import { IsDateTime, LowerCaseUuid, Trim } from '../errors/field-validators.js';

class TaskFieldsDto {
  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional() @IsString() @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Must be members of the board', maxItems: 50 })
  @IsOptional() @LowerCaseUuid() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsUUID('all', { each: true })
  assigneeIds?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @ArrayUnique() @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(50, { each: true })
  labels?: string[];

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsDateTime()
  dueAt?: string | null;
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

/** Body of `PATCH …/tasks/:taskId`; absent fields are unchanged, `dueAt: null` clears the due date. */
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

/** Query of `GET …/tasks`: filters by column, assignee and text, keyset pagination. */
export class ListTasksQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  columnId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  assigneeId?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of title or description', maxLength: 200 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

/** OpenAPI shape of TaskView. */
export class TaskDto implements TaskView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ format: 'uuid' }) columnId: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Fractional index within the column; sort by byte order' }) position: string;
  @ApiProperty({ type: [String], format: 'uuid' }) assigneeIds: string[];
  @ApiProperty({ type: [String] }) labels: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'uuid' }) updatedBy: string;
}

/** OpenAPI shape of a page of tasks. */
export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items: TaskDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** A `tasks` row as node-postgres returns it (snake_case). */
export interface TaskRow {
  id: string;
  board_id: string;
  column_id: string;
  title: string;
  description: string;
  position: string;
  assignee_ids: string[];
  labels: string[];
  due_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

/** SELECT / RETURNING list matching TaskRow. */
export const TASK_COLUMNS =
  'id, board_id, column_id, title, description, position, assignee_ids, labels, due_at, version, created_at, updated_at, created_by, updated_by';

export const toTaskView = (r: TaskRow): TaskView => ({
  id: r.id,
  boardId: r.board_id,
  columnId: r.column_id,
  title: r.title,
  description: r.description,
  position: r.position,
  assigneeIds: r.assignee_ids,
  labels: r.labels,
  dueAt: r.due_at ? r.due_at.toISOString() : null,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  createdBy: r.created_by,
  updatedBy: r.updated_by,
});
