import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/**
 * 404 INVITATION_NOT_FOUND: unknown, expired, revoked, declined, accepted, on a deleted board, or
 * addressed to someone else. One answer for all, so nobody learns about invitations not theirs.
 */
export const invitationNotFound = (): AppError => new AppError('INVITATION_NOT_FOUND', 'Invitation not found');

/** `:invitationId` path pipe: not a UUID → INVITATION_NOT_FOUND. */
export const InvitationId = new UuidParamPipe(invitationNotFound);
