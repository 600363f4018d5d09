import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, MaxLength } from 'class-validator';
import { BOARD_ROLES, INVITATION_STATUSES, type BoardRole, type InvitationStatus, type InvitationView, type ReceivedInvitationView } from '@tasklane/contracts';
import { TrimLowerCase } from '../errors/field-validators.js';
import { PageDto, PageQueryDto } from '../pagination/pagination.dto.js';

/** Body of `POST …/invitations`: the email to invite (with or without an account) and the role it will get. */
export class CreateInvitationDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'grace@example.com', description: 'Trimmed and lower-cased' })
  @TrimLowerCase()
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ enum: BOARD_ROLES })
  @IsIn(BOARD_ROLES)
  role: BoardRole;
}

/** Query of `GET /boards/:boardId/invitations`: page size (1–500, default 100) and the previous page's cursor. */
export class ListInvitationsQueryDto extends PageQueryDto({ max: 500, default: 100 }) {}

/** Query of `GET /users/me/invitations`: page size (1–100, default 50) and the previous page's cursor. */
export class ListMyInvitationsQueryDto extends PageQueryDto({ max: 100, default: 50 }) {}

/** OpenAPI shape of InvitationView. */
export class InvitationDto implements InvitationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ format: 'email', description: 'Lower-cased' }) email: string;
  @ApiProperty({ enum: BOARD_ROLES }) role: BoardRole;
  @ApiProperty({ enum: INVITATION_STATUSES, description: 'Always `pending` in answers: only pending invitations are answered or listed' }) status: InvitationStatus;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** OpenAPI shape of a page of invitations. */
export class InvitationPageDto extends PageDto(InvitationDto, 500) {}

/** OpenAPI shape of `ReceivedInvitationView.invitedBy`. */
export class InviterDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ maxLength: 100 }) name: string;
}

/** OpenAPI shape of ReceivedInvitationView. */
export class ReceivedInvitationDto implements ReceivedInvitationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) boardId: string;
  @ApiProperty({ maxLength: 200 }) boardName: string;
  @ApiProperty({ enum: BOARD_ROLES }) role: BoardRole;
  @ApiProperty({ type: InviterDto }) invitedBy: InviterDto;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** OpenAPI shape of a page of received invitations. */
export class ReceivedInvitationPageDto extends PageDto(ReceivedInvitationDto, 100) {}
