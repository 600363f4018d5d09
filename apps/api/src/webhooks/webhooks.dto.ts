import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { BOARD_EVENT_TYPES } from '@tasklane/contracts';
import { Trim } from '../errors/field-validators.js';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

/** What `events` may list: board event types, or `*` for all. */
export const WEBHOOK_EVENT_CHOICES: readonly string[] = ['*', ...BOARD_EVENT_TYPES];

/** Body of `POST …/webhooks`. */
export class CreateWebhookDto {
  @ApiProperty({ maxLength: 2000, description: 'http(s) URL receiving a POST per event; private, loopback and link-local addresses are refused (400 WEBHOOK_URL_REFUSED) unless WEBHOOK_ALLOW_PRIVATE_NETWORKS' })
  @Trim() @IsString() @MinLength(1) @MaxLength(2000)
  url: string;

  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_CHOICES, minItems: 1, maxItems: 50, description: 'Event types to send, or `["*"]` for every event' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @IsIn(WEBHOOK_EVENT_CHOICES, { each: true })
  events: string[];

  @ApiPropertyOptional({ minLength: 16, maxLength: 200, description: 'HMAC key of `Tasklane-Signature`; default a random 32-byte hex key. Returned once, in this answer.' })
  @IsOptional() @IsString() @MinLength(16) @MaxLength(200)
  secret?: string;
}

/** Body of `PATCH …/webhooks/:webhookId`; absent fields are unchanged. `enabled: true` re-enables a disabled webhook and clears its failure count. */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @Trim() @IsString() @MinLength(1) @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: WEBHOOK_EVENT_CHOICES, minItems: 1, maxItems: 50 })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @ArrayUnique() @IsIn(WEBHOOK_EVENT_CHOICES, { each: true })
  events?: string[];

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  enabled?: boolean;
}

/** A webhook as the API shows it (never its secret, except once in WebhookCreatedDto). */
export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ maxLength: 2000, format: 'uri' }) url: string;
  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_CHOICES, maxItems: 50 }) events: string[];
  @ApiProperty({ description: 'False once disabled (by an owner, or after WEBHOOK_DISABLE_AFTER consecutive failures)' }) enabled: boolean;
  @ApiProperty({ type: 'integer' }) consecutiveFailures: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) disabledReason: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The answer of `POST …/webhooks`: the webhook and its secret, shown this once. */
export class WebhookCreatedDto extends WebhookDto {
  @ApiProperty({ maxLength: 200, description: 'HMAC-SHA256 key of `Tasklane-Signature`; store it now: it is never shown again' }) secret: string;
}

/** The list of a board's webhooks (one page: at most WEBHOOKS_PER_BOARD_MAX). */
export class WebhookPageDto extends PageDto(WebhookDto, 100, 'Always null: a board has at most WEBHOOKS_PER_BOARD_MAX webhooks') {}

/** One entry of the delivery log. */
export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Also the `Tasklane-Delivery` header, the same on every attempt' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The event’s seq; null for a test ping' }) seq: number | null;
  @ApiProperty({ maxLength: 100, description: 'The event type, or `webhook.test`' }) eventType: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status: 'pending' | 'succeeded' | 'failed';
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last attempt; null when it got none' }) responseCode: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Duration of the last attempt (ms)' }) durationMs: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000, description: 'Why the last attempt failed' }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastAttemptAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When a pending delivery is next tried; null once finished' }) nextAttemptAt: string | null;
}

/** Query of the delivery log. */
export class ListDeliveriesQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}

/** A page of the delivery log, newest first. */
export class DeliveryPageDto extends PageDto(DeliveryDto, 100) {}
