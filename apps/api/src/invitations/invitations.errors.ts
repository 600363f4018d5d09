import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/**
 * 404 INVITATION_NOT_FOUND: unknown, expired, revoked, declined, accepted, on a deleted board, or
 * addressed to someone else. One answer for all, so nobody learns about invitations not theirs.
 */
export const invitationNotFound = (): AppError => new AppError('INVITATION_NOT_FOUND', 'Invitation not found');

/** 409 LIMIT_REACHED: the board already has MEMBERS_PER_BOARD_MAX members and pending invitations. */
export const membersLimitReached = (max: number): AppError =>
  new AppError('LIMIT_REACHED', `A board has at most ${max} members and pending invitations together`);

/** `:invitationId` path pipe: not a UUID → INVITATION_NOT_FOUND. */
export const InvitationId = new UuidParamPipe(invitationNotFound);
