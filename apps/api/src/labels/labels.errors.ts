import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 404 LABEL_NOT_FOUND. */
export const labelNotFound = (): AppError => new AppError('LABEL_NOT_FOUND', 'Label not found');

/** 409 LABEL_NAME_TAKEN: the board already has a label of that name (ignoring case). */
export const labelNameTaken = (name: string): AppError => new AppError('LABEL_NAME_TAKEN', `The board already has a label named "${name}"`);

/** `:labelId` path pipe: not a UUID → LABEL_NOT_FOUND. */
export const LabelId = new UuidParamPipe(() => labelNotFound());
