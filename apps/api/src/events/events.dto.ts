import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { BOARD_EVENT_TYPES } from '@tasklane/contracts';

/** Query of `GET …/events`: events with seq > `after` (0 … 2^31−1), at most `limit` (1–1000). */
export class EventsQueryDto {
  @ApiProperty({ type: 'integer', description: 'Return events with seq greater than this (0 = from the start)', minimum: 0, maximum: 2_147_483_647 })
  @Type(() => Number) @IsInt() @Min(0) @Max(2_147_483_647)
  after: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}

/** OpenAPI shape of a board event envelope. */
export class BoardEventDto {
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Position in the board stream: 1, 2, 3 … without gaps' }) seq: number;
  @ApiProperty({ enum: BOARD_EVENT_TYPES }) type: string;
  @ApiProperty({ format: 'uuid', description: 'The user whose request caused the change' }) actorId: string;
  @ApiProperty({ format: 'date-time', description: 'When the event was written, inside the transaction of its change' }) occurredAt: string;
  @ApiProperty({ description: 'The entity after the change, or {id} for deletes (see docs/api.md for each type)', type: 'object', additionalProperties: true }) data: unknown;
  @ApiPropertyOptional({ maxLength: 255, description: 'The Idempotency-Key of the request that caused the change, if it had one' }) idempotencyKey?: string;
  @ApiPropertyOptional({
    pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
    maxLength: 55,
    description: 'W3C trace context of the request that caused the change, when the server traces (OpenTelemetry); for correlating with server traces',
  })
  traceparent?: string;
}

/** OpenAPI shape of EventsPage. */
export class EventsPageDto {
  @ApiProperty({ type: [BoardEventDto], maxItems: 1000 }) items: BoardEventDto[];
  @ApiProperty({ type: 'integer', minimum: 0, description: "The board's last seq when read" }) lastSeq: number;
}
