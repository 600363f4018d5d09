import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BOARD_ROLES, type BoardRole, type MemberView } from '@tasklane/contracts';

/** Body of `PATCH …/members/:userId`. */
export class UpdateMemberDto {
  @ApiProperty({ enum: BOARD_ROLES })
  @IsIn(BOARD_ROLES)
  role: BoardRole;
}

/** Query of `GET …/members`: page size (1–500, default 100) and the previous page's cursor. */
export class ListMembersQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

/** OpenAPI shape of MemberView. */
export class MemberDto implements MemberView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiPropertyOptional({ format: 'email', description: 'Only for owners; viewers and editors see names only' }) email?: string;
  @ApiProperty({ maxLength: 100 }) name: string;
  @ApiProperty({ enum: BOARD_ROLES }) role: BoardRole;
  @ApiProperty({ format: 'date-time' }) addedAt: string;
}

/** OpenAPI shape of a page of members. */
export class MemberPageDto {
  @ApiProperty({ type: [MemberDto], maxItems: 500 }) items: MemberDto[];
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'Cursor of the next page; null on the last page' }) nextCursor: string | null;
}
