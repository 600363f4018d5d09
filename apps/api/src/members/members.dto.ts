import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, MaxLength } from 'class-validator';
import { BOARD_ROLES, type BoardRole, type MemberView } from '@tasklane/contracts';
import { TrimLowerCase } from '../errors/field-validators.js';

/** Body of `POST …/members`: an existing account's email and the role to give it. */
export class AddMemberDto {
  @ApiProperty({ example: 'grace@example.com' })
  @TrimLowerCase()
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ enum: BOARD_ROLES })
  @IsIn(BOARD_ROLES)
  role: BoardRole;
}

/** Body of `PATCH …/members/:userId`. */
export class UpdateMemberDto {
  @ApiProperty({ enum: BOARD_ROLES })
  @IsIn(BOARD_ROLES)
  role: BoardRole;
}

/** OpenAPI shape of MemberView. */
export class MemberDto implements MemberView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: BOARD_ROLES }) role: BoardRole;
  @ApiProperty({ format: 'date-time' }) addedAt: string;
}

/** Row of `board_members JOIN users` → wire shape. */
export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: BoardRole;
  added_at: Date;
}

export const toMemberView = (r: MemberRow): MemberView => ({ userId: r.user_id, email: r.email, name: r.name, role: r.role, addedAt: r.added_at.toISOString() });

/** SELECT list for MemberRow; use with `FROM board_members m JOIN users u ON u.id = m.user_id`. */
export const MEMBER_COLUMNS = 'm.user_id, u.email, u.name, m.role, m.added_at';
