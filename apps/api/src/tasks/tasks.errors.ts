import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 TASK_NOT_FOUND; `field` names the request field when the task was an anchor (`afterTaskId`, `beforeTaskId`). */
export const taskNotFound = (field?: string): AppError => new AppError('TASK_NOT_FOUND', field ? `${field}: task not found` : 'Task not found');

/** `:taskId` path pipe: not a UUID → TASK_NOT_FOUND. */
export const TaskId = new UuidParamPipe(() => taskNotFound());

/** 409 TASK_ARCHIVED: the task (or its column) is archived; restore it before writing to it. */
export const taskArchived = (): AppError => new AppError('TASK_ARCHIVED', 'The task is archived; restore it first');
