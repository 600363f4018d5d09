import { ApiProperty } from '@nestjs/swagger';
import { BOARD_EVENT_TYPES, type ActivityEntry, type BoardEventType } from '@tasklane/contracts';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

/** Query of the activity lists: newest first, `cursor` = the previous page's `nextCursor`. */
export class ActivityQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}

/** OpenAPI shape of ActivityEntry. */
export class ActivityEntryDto implements ActivityEntry {
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The event’s seq' }) seq: number;
  @ApiProperty({ enum: BOARD_EVENT_TYPES }) type: BoardEventType;
  @ApiProperty({ format: 'uuid' }) actorId: string;
  @ApiProperty({ maxLength: 200 }) actorName: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) taskId: string | null;
  @ApiProperty({ maxLength: 5000, description: 'Plain text, e.g. `Ann moved \'Write README\' from To do to Done`; escape it for HTML' }) text: string;
}

/** OpenAPI shape of a page of activity. */
export class ActivityPageDto extends PageDto(ActivityEntryDto, 100) {}
