import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 BOARD_NOT_FOUND: also for a board the caller is not a member of (the same answer whether it exists or not). */
export const boardNotFound = (): AppError => new AppError('BOARD_NOT_FOUND', 'Board not found');

/** `:boardId` path pipe: not a UUID → BOARD_NOT_FOUND. */
export const BoardId = new UuidParamPipe(boardNotFound);
