import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 COMMENT_NOT_FOUND (also for a comment of another task or board). */
export const commentNotFound = (): AppError => new AppError('COMMENT_NOT_FOUND', 'Comment not found');

/** 403 FORBIDDEN: only the author edits a comment; the author or an owner deletes it. */
export const notTheAuthor = (action: 'edit' | 'delete'): AppError =>
  new AppError('FORBIDDEN', action === 'edit' ? 'Only the author can edit this comment' : 'Only the author or an owner can delete this comment');

/** `:commentId` path pipe: not a UUID → COMMENT_NOT_FOUND. */
export const CommentId = new UuidParamPipe(() => commentNotFound());
