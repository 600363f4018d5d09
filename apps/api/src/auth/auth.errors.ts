import { AppError } from '../errors/app-error.js';

/** 409 EMAIL_TAKEN. */
export const emailTaken = (): AppError => new AppError('EMAIL_TAKEN', 'Email already registered');

/** 401 INVALID_CREDENTIALS: one message for an unknown email and a wrong password. */
export const invalidCredentials = (): AppError => new AppError('INVALID_CREDENTIALS', 'Invalid email or password');

/** 401 INVALID_REFRESH_TOKEN: unknown, already used, revoked or expired. */
export const invalidRefreshToken = (): AppError => new AppError('INVALID_REFRESH_TOKEN', 'Invalid or expired refresh token');
