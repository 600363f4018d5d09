import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ColumnView, TaskView } from '@tasklane/contracts';
import { ColumnDto } from '../columns/columns.dto.js';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';
import { TaskDto } from '../tasks/tasks.dto.js';

/** Query of `GET …/archive`: keyset pagination, newest archived first. */
export class ListArchiveQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}

/** OpenAPI shape of ArchiveEntry: `task` for kind `task`; `column` and `taskCount` for kind `column`. */
export class ArchiveEntryDto {
  @ApiProperty({ enum: ['task', 'column'] }) kind: 'task' | 'column';
  @ApiProperty({ format: 'date-time' }) archivedAt: string;
  @ApiPropertyOptional({ type: TaskDto, description: 'kind `task`' }) task?: TaskView;
  @ApiPropertyOptional({ type: ColumnDto, description: 'kind `column`' }) column?: ColumnView;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'kind `column`: its live tasks, hidden with it' }) taskCount?: number;
}

/** OpenAPI shape of a page of the archive. */
export class ArchivePageDto extends PageDto(ArchiveEntryDto, 100) {}
