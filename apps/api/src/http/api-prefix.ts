/** Every REST route lives under this prefix (health checks excepted), e.g. `/api/v1/boards`. */
export const API_PREFIX = 'api/v1';

/** Absolute path of a resource under the prefix, for `Location` headers: `apiPath('boards', id)` → `/api/v1/boards/<id>`. */
export const apiPath = (...segments: string[]): string => `/${API_PREFIX}/${segments.join('/')}`;
