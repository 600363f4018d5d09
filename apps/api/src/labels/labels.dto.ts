import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { LabelView } from '@tasklane/contracts';
import { Trim } from '../errors/field-validators.js';

const COLOR = /^#[0-9a-fA-F]{6}$/;

/** Body of `POST …/labels`. */
export class CreateLabelDto {
  @ApiProperty({ minLength: 1, maxLength: 50 })
  @Trim() @IsString() @MinLength(1) @MaxLength(50)
  name: string;

  @ApiProperty({ pattern: '^#[0-9a-fA-F]{6}$', minLength: 7, maxLength: 7, example: '#0090ff', description: 'Stored lower-cased' })
  @IsString() @Matches(COLOR, { message: 'color must be #rrggbb' })
  color: string;
}

/** Body of `PATCH …/labels/:labelId`: absent fields are unchanged. */
export class UpdateLabelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 50 })
  @IsOptional() @Trim() @IsString() @MinLength(1) @MaxLength(50)
  name?: string;

  @ApiPropertyOptional({ pattern: '^#[0-9a-fA-F]{6}$', minLength: 7, maxLength: 7, example: '#0090ff' })
  @IsOptional() @IsString() @Matches(COLOR, { message: 'color must be #rrggbb' })
  color?: string;
}

/** OpenAPI shape of LabelView. */
export class LabelDto implements LabelView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ minLength: 1, maxLength: 50 }) name: string;
  @ApiProperty({ pattern: '^#[0-9a-f]{6}$', maxLength: 7 }) color: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version: number;
}
