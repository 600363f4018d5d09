import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { BOARD_ROLES, type BoardRole, type MemberView } from '@tasklane/contracts';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

/** Body of `PATCH …/members/:userId`. */
export class UpdateMemberDto {
  @ApiProperty({ enum: BOARD_ROLES })
  @IsIn(BOARD_ROLES)
  role: BoardRole;
}

/** Query of `GET …/members`: page size (1–500, default 100) and the previous page's cursor. */
export class ListMembersQueryDto extends PageQueryDto({ max: 500, default: 100 }) {}

/** OpenAPI shape of MemberView. */
export class MemberDto implements MemberView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiPropertyOptional({ format: 'email', description: 'Only for owners; viewers and editors see names only' }) email?: string;
  @ApiProperty({ maxLength: 100 }) name: string;
  @ApiProperty({ enum: BOARD_ROLES }) role: BoardRole;
  @ApiProperty({ format: 'date-time' }) addedAt: string;
}

/** OpenAPI shape of a page of members. */
export class MemberPageDto extends PageDto(MemberDto, 500) {}
