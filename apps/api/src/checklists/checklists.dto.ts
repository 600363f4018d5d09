import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import type { ChecklistItemView } from '@tasklane/contracts';
import { LowerCaseUuid, Trim } from '../errors/field-validators.js';

/** Body of `POST …/checklist`: text, optional `done`, and where (default: the end; anchors adjacent when both). */
export class CreateChecklistItemDto {
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @Trim() @IsString() @MinLength(1) @MaxLength(500)
  text: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional() @IsBoolean()
  done?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Place right after this item of the task' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  afterItemId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Place right before this item of the task' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  beforeItemId?: string;
}

/** Body of `PATCH …/checklist/:itemId`: absent fields are unchanged; an anchor moves the item. */
export class UpdateChecklistItemDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500 })
  @IsOptional() @Trim() @IsString() @MinLength(1) @MaxLength(500)
  text?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  done?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move right after this item' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  afterItemId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move right before this item' })
  @IsOptional() @LowerCaseUuid() @IsUUID('all')
  beforeItemId?: string;
}

/** OpenAPI shape of ChecklistItemView. */
export class ChecklistItemDto implements ChecklistItemView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ minLength: 1, maxLength: 500 }) text: string;
  @ApiProperty() done: boolean;
  @ApiProperty({ maxLength: 1024, pattern: '^[0-9A-Za-z]+$', description: 'Fractional index within the task; sort by byte order' }) position: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
