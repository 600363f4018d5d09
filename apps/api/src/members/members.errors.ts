import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 MEMBER_NOT_FOUND. */
export const memberNotFound = (): AppError => new AppError('MEMBER_NOT_FOUND', 'Member not found');

/** 409 ALREADY_MEMBER: accepting an invitation to a board you already are a member of. */
export const alreadyMember = (): AppError => new AppError('ALREADY_MEMBER', 'You are already a member of this board');

/** 409 LAST_OWNER: a board keeps at least one owner. */
export const lastOwner = (): AppError => new AppError('LAST_OWNER', 'A board must keep at least one owner');

/** `:userId` path pipe of the members routes: not a UUID → MEMBER_NOT_FOUND. */
export const MemberId = new UuidParamPipe(memberNotFound);
