import { AppError } from '../errors/app-error.js';

/** 404 USER_NOT_FOUND. */
export const userNotFound = (): AppError => new AppError('USER_NOT_FOUND', 'User not found');
