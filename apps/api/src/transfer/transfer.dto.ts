import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ImportView } from '@tasklane/contracts';

/** Query of `GET …/export`. */
export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: '`json`: the whole board in the versioned Tasklane format; `csv`: one row per task' })
  @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

class ExportBoardDto {
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ maxLength: 5000 }) description: string;
}

class ExportColumnDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 200 }) name: string;
}

class ExportChecklistItemDto {
  @ApiProperty({ maxLength: 500 }) text: string;
  @ApiProperty() done: boolean;
}

class ExportCommentDto {
  @ApiProperty({ maxLength: 200, description: 'The author’s name' }) author: string;
  @ApiProperty({ maxLength: 10000, description: 'Markdown' }) body: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

class ExportTaskDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) columnId: string;
  @ApiProperty({ maxLength: 500 }) title: string;
  @ApiProperty({ maxLength: 20000 }) description: string;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 50, description: 'Names of board labels' }) labels: string[];
  @ApiProperty({ description: 'An archived task' }) archived: boolean;
  @ApiProperty({ type: [ExportChecklistItemDto], maxItems: 200, description: 'In order' }) checklist: ExportChecklistItemDto[];
  @ApiProperty({ type: [ExportCommentDto], maxItems: 100000, description: 'Oldest first; imported as the importer’s comments with the author’s name and date in front' }) comments: ExportCommentDto[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the task was marked done; null while open (imported as is)' }) completedAt: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 50, description: 'Names of the assignees (not imported: they need not be members of the new board)' }) assignees: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

class ExportLabelDto {
  @ApiProperty({ maxLength: 50 }) name: string;
  @ApiProperty({ pattern: '^#[0-9a-f]{6}$', maxLength: 7 }) color: string;
}

class ExportMemberDto {
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ enum: ['owner', 'editor', 'viewer'] }) role: string;
}

/** The Tasklane board file, version 1 (docs/api.md "Export and import"). */
export class BoardFileDto {
  @ApiProperty({ enum: ['tasklane.board'] }) format: 'tasklane.board';
  @ApiProperty({ enum: [1] }) version: 1;
  @ApiProperty({ format: 'date-time' }) exportedAt: string;
  @ApiProperty({ type: ExportBoardDto }) board: ExportBoardDto;
  @ApiProperty({ type: [ExportLabelDto], maxItems: 100 }) labels: ExportLabelDto[];
  @ApiProperty({ type: [ExportColumnDto], maxItems: 100, description: 'Live columns, in display order' }) columns: ExportColumnDto[];
  @ApiProperty({ type: [ExportTaskDto], maxItems: 10000, description: 'Column by column, each in display order' }) tasks: ExportTaskDto[];
  @ApiProperty({ type: [ExportMemberDto], maxItems: 500 }) members: ExportMemberDto[];
}

class SkippedDto {
  @ApiProperty({ type: 'integer', description: 'Closed Trello lists (and their cards) left out' }) archivedColumns: number;
  @ApiProperty({ type: 'integer', description: 'Cards of closed Trello lists left out (closed cards of open lists are imported as archived tasks)' }) archivedTasks: number;
}

/** An import and its outcome (ImportView in libs/contracts). */
export class ImportDto implements ImportView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['tasklane', 'trello'] }) source: 'tasklane' | 'trello';
  @ApiProperty({ enum: ['queued', 'succeeded', 'failed'] }) status: 'queued' | 'succeeded' | 'failed';
  @ApiProperty({ type: 'integer' }) columnCount: number;
  @ApiProperty({ type: 'integer' }) taskCount: number;
  @ApiProperty({ type: SkippedDto }) skipped: SkippedDto;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Tasks written so far (never decreases; `taskCount` once succeeded). The socket event `import:progress` pushes the same to the importer.' }) processed: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The new board, once succeeded' }) boardId: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
}
