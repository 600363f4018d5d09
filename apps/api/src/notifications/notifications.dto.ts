import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, Equals, IsArray, IsBoolean, IsInt, IsOptional, IsUUID, Max, Min, ValidateIf } from 'class-validator';
import { NOTIFICATION_KINDS, type NotificationKind, type NotificationPage, type NotificationView, type UnreadCount } from '@tasklane/contracts';
import { LowerCaseUuid } from '../errors/field-validators.js';
import { CURSOR_MAX_LENGTH, PageQueryDto } from '../pagination/pagination.dto.js';

/** `true`/`false` in a query string → boolean; anything else stays as it is (and fails @IsBoolean). */
const QueryBoolean = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/** Query of `GET /users/me/notifications`: newest first; `unread=true` only unread; `afterSeq` only newer than a seq (catch-up). */
export class ListNotificationsQueryDto extends PageQueryDto({ max: 100, default: 30 }) {
  @ApiPropertyOptional({ type: Boolean, description: 'Only unread notifications' })
  @IsOptional() @QueryBoolean() @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_147_483_647, description: 'Only notifications with a greater seq (catch-up after a reconnect)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(2_147_483_647)
  afterSeq?: number;
}

/** Body of `POST /users/me/notifications/read`: `ids` (1–100 of your notifications; others are ignored) or `all: true`, not both. */
export class MarkReadDto {
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid' }, minItems: 1, maxItems: 100 })
  @ValidateIf((o: MarkReadDto) => o.all === undefined || o.ids !== undefined)
  @LowerCaseUuid() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ type: Boolean, enum: [true], description: 'Mark every notification read' })
  @ValidateIf((o: MarkReadDto) => o.ids === undefined || o.all !== undefined)
  @Equals(true)
  all?: true;
}

/** OpenAPI shape of NotificationView. */
export class NotificationDto implements NotificationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The user’s own sequence, 1, 2, 3 … in commit order' }) seq: number;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind: NotificationKind;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'null when the board was deleted or you left it' }) boardName: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) taskId: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 500, description: 'null without a task, or when it was deleted or you left the board' }) taskTitle: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) commentId: string | null;
  @ApiProperty({ format: 'uuid' }) actorId: string;
  @ApiProperty({ maxLength: 200 }) actorName: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
}

/** OpenAPI shape of NotificationPage. */
export class NotificationPageDto implements NotificationPage {
  @ApiProperty({ type: [NotificationDto], maxItems: 100 }) items: NotificationView[];
  @ApiProperty({ type: String, nullable: true, maxLength: CURSOR_MAX_LENGTH, description: 'Cursor of the next (older) page; null on the last page' }) nextCursor: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) unreadCount: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Your last notification seq at read time' }) lastSeq: number;
}

/** OpenAPI shape of UnreadCount. */
export class UnreadCountDto implements UnreadCount {
  @ApiProperty({ type: 'integer', minimum: 0 }) unreadCount: number;
}
