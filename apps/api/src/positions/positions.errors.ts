import { AppError } from '../errors/app-error.js';

/** 400 INVALID_POSITION: a placement the list cannot honour (the message names the request field). */
export const invalidPosition = (message: string): AppError => new AppError('INVALID_POSITION', message);
