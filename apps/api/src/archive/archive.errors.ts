import { AppError } from '../errors/app-error.js';

/** 409 NOT_ARCHIVED: restoring a task or column that is live. */
export const notArchived = (what: 'task' | 'column'): AppError => new AppError('NOT_ARCHIVED', `The ${what} is not archived`);
