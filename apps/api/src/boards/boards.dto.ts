import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { BOARD_ROLES, type BoardRole, type BoardSummary } from '@tasklane/contracts';
import { ColumnDto } from '../columns/columns.dto.js';
import { LabelDto } from '../labels/labels.dto.js';
import { MemberDto } from '../members/members.dto.js';
import { TaskDto } from '../tasks/tasks.dto.js';
import { Trim } from '../errors/field-validators.js';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

/** Body of `POST /boards`. `columns` defaults to To do, Doing, Done (at most 50). */
export class CreateBoardDto {
  @ApiProperty({ maxLength: 200 })
  @Trim() @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional() @IsString() @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, default: ['To do', 'Doing', 'Done'], maxItems: 50 })
  @IsOptional() @IsArray() @ArrayMaxSize(50)
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value))
  @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(200, { each: true })
  columns?: string[];
}

/** Body of `PATCH /boards/:boardId`; absent fields are unchanged. */
export class UpdateBoardDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @Trim() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional() @IsString() @MaxLength(5000)
  description?: string;
}

/** Query of `GET /boards`: page size (1–100, default 50) and the previous page's cursor. */
export class ListBoardsQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}

/** OpenAPI shape of BoardSummary. */
export class BoardSummaryDto implements BoardSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ maxLength: 5000 }) description: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Last event number on this board' }) seq: number;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({ enum: BOARD_ROLES, description: "The caller's role" }) role?: BoardRole;
}

/** OpenAPI shape of BoardSnapshot: the board with its live columns and tasks, members and labels as of `seq`. */
export class BoardSnapshotDto extends BoardSummaryDto {
  @ApiProperty({ type: [ColumnDto], maxItems: 100, description: 'By position' }) columns: ColumnDto[];
  @ApiProperty({ type: [TaskDto], maxItems: 10_000, description: 'By column position, then position' }) tasks: TaskDto[];
  @ApiProperty({ type: [MemberDto], maxItems: 500, description: 'In the order they joined' }) members: MemberDto[];
  @ApiProperty({ type: [LabelDto], maxItems: 100, description: 'By name' }) labels: LabelDto[];
}

/** OpenAPI shape of a page of boards. */
export class BoardPageDto extends PageDto(BoardSummaryDto, 100) {}
