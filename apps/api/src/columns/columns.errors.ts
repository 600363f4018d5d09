import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 COLUMN_NOT_FOUND; `field` names the request field when the column was an anchor or target (`afterColumnId`, `columnId`). */
export const columnNotFound = (field?: string): AppError => new AppError('COLUMN_NOT_FOUND', field ? `${field}: column not found` : 'Column not found');

/** `:columnId` path pipe: not a UUID → COLUMN_NOT_FOUND. */
export const ColumnId = new UuidParamPipe(() => columnNotFound());

/** 409 COLUMN_ARCHIVED: the column is archived; restore it before writing to it or into it. */
export const columnArchived = (): AppError => new AppError('COLUMN_ARCHIVED', 'The column is archived; restore it first');
