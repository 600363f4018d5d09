import { AppError } from '../errors/app-error.js';
import { validationFailed } from '../errors/common.errors.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';
import type { FileProblem } from './board-file.js';

/** 404 IMPORT_NOT_FOUND (also for another user's import). */
export const importNotFound = (): AppError => new AppError('IMPORT_NOT_FOUND', 'Import not found');

/** 400 VALIDATION_FAILED naming each problem of an uploaded file by its JSON path (`file: tasks[3].title`). */
export const badFile = (problems: FileProblem[]): AppError => validationFailed(problems.map((p) => ({ field: p.field === '(file)' ? 'file' : `file: ${p.field}`, errors: p.errors })));

/** `:importId` path pipe: not a UUID → IMPORT_NOT_FOUND. */
export const ImportId = new UuidParamPipe(importNotFound);
