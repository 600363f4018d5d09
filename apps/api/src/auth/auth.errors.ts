import { AppError } from '../errors/app-error.js';
import { UuidParamPipe } from '../errors/uuid-param.pipe.js';

/** 409 EMAIL_TAKEN. */
export const emailTaken = (): AppError => new AppError('EMAIL_TAKEN', 'Email already registered');

/** 401 INVALID_CREDENTIALS: one message for an unknown email and a wrong password. */
export const invalidCredentials = (): AppError => new AppError('INVALID_CREDENTIALS', 'Invalid email or password');

/** 401 INVALID_REFRESH_TOKEN: missing, unknown, already used (which revokes its session), revoked or expired. */
export const invalidRefreshToken = (): AppError => new AppError('INVALID_REFRESH_TOKEN', 'Invalid or expired refresh token');

/** 403 INVALID_CURRENT_PASSWORD: `change-password` with a wrong current password (the access token itself is fine, hence not 401). */
export const invalidCurrentPassword = (): AppError => new AppError('INVALID_CURRENT_PASSWORD', 'The current password is wrong');

/** 403 FORBIDDEN: an API token on a route that needs a login session (managing API tokens, password, logout-all). */
export const sessionRequired = (): AppError => new AppError('FORBIDDEN', 'This needs a login session: API tokens cannot manage API tokens, change the password or log out sessions');

/** 403 FORBIDDEN: a read-only API token (no `boards:write`) on a write route. */
export const writeScopeRequired = (): AppError => new AppError('FORBIDDEN', 'This API token is read-only: writes need the boards:write scope');

/** 404 API_TOKEN_NOT_FOUND. */
export const apiTokenNotFound = (): AppError => new AppError('API_TOKEN_NOT_FOUND', 'API token not found');

/** 409 API_TOKEN_LIMIT_REACHED. */
export const apiTokenLimitReached = (max: number): AppError =>
  new AppError('API_TOKEN_LIMIT_REACHED', `At most ${max} API tokens per user: revoke one first (expired ones count until revoked)`);

/** Path pipe for `:tokenId`: a non-UUID is 404 API_TOKEN_NOT_FOUND. */
export const ApiTokenId = new UuidParamPipe(apiTokenNotFound);
