import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayContains, ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength, registerDecorator } from 'class-validator';
import { API_TOKEN_SCOPES, type ApiTokenScope, type ApiTokenView, type CreatedApiToken } from '@tasklane/contracts';
import { IsDateTime, Trim } from '../errors/field-validators.js';
import { PageDto } from '../pagination/pagination.dto.js';

/** A date-time string that lies in the future when the request is validated. */
function IsFuture(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFuture',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be in the future' },
      validator: { validate: (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now() },
    });
}

/** Body of `POST /users/me/api-tokens`. */
export class CreateApiTokenDto {
  @ApiProperty({ maxLength: 100, example: 'nightly export' })
  @Trim() @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @ApiProperty({
    type: [String],
    enum: API_TOKEN_SCOPES,
    minItems: 1,
    maxItems: 2,
    example: ['boards:read'],
    description: '`["boards:read"]` (read-only: GET and HEAD) or `["boards:read", "boards:write"]` (every route the owner may use, except managing API tokens, change-password and logout-all)',
  })
  @IsArray() @ArrayMaxSize(2) @ArrayUnique() @IsIn(API_TOKEN_SCOPES, { each: true }) @ArrayContains(['boards:read'], { message: 'scopes must contain boards:read' })
  scopes: ApiTokenScope[];

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'RFC 3339 with a time zone, in the future; omit for a token that never expires' })
  @IsOptional() @IsDateTime() @IsFuture()
  expiresAt?: string;
}

/** OpenAPI shape of ApiTokenView. */
export class ApiTokenDto implements ApiTokenView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 100 }) name: string;
  @ApiProperty({ type: [String], enum: API_TOKEN_SCOPES, minItems: 1, maxItems: 2 }) scopes: ApiTokenScope[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: never expires' }) expiresAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last authenticated use, at most a minute stale; null: never used' }) lastUsedAt: string | null;
}

/** OpenAPI shape of CreatedApiToken: the metadata plus the secret, shown this once. */
export class CreatedApiTokenDto extends ApiTokenDto implements CreatedApiToken {
  @ApiProperty({ maxLength: 64, pattern: '^tl_[A-Za-z0-9_-]{43}$', description: 'The secret (`tl_` + 43 characters): send it as `Authorization: Bearer <token>` or as the Socket.IO handshake `auth.token`. Shown only in this answer.' })
  token: string;
}

/** OpenAPI shape of the token list (one page: a user holds at most 50). */
export class ApiTokenPageDto extends PageDto(ApiTokenDto, 50, 'Always null: the list is never longer than one page') {}
