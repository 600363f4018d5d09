import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import type { ColumnView } from '@tasklane/contracts';
import { LowerCaseUuid, Trim } from '../errors/field-validators.js';

/** Body of `POST …/columns`: name, and where to put it (`afterColumnId`: omitted = last, null = first). */
export class CreateColumnDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Trim() @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Place after this column; null = first; omitted = last' })
  @IsOptional() @LowerCaseUuid() @ValidateIf((_, v) => v !== null) @IsUUID('all')
  afterColumnId?: string | null;
}

/** Body of `PATCH …/columns/:columnId`: new name and/or new place. */
export class UpdateColumnDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional() @Trim() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'Move after this column; null = first' })
  @IsOptional() @LowerCaseUuid() @ValidateIf((_, v) => v !== null) @IsUUID('all')
  afterColumnId?: string | null;
}

/** OpenAPI shape of ColumnView. */
export class ColumnDto implements ColumnView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ maxLength: 200 }) name: string;
  @ApiProperty({ maxLength: 1024, pattern: '^[0-9A-Za-z]+$', description: 'Fractional index; sort by byte order' }) position: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When archived; null when live' }) archivedAt: string | null;
}
