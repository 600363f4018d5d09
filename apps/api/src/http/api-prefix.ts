import { RequestMethod, type INestApplication } from '@nestjs/common';

/** Every REST route lives under this prefix (health checks excepted), e.g. `/api/v1/boards`. */
export const API_PREFIX = 'api/v1';

/** The routes outside API_PREFIX: the health probes, which load balancers call at fixed paths. */
export const API_PREFIX_OPTIONS: Parameters<INestApplication['setGlobalPrefix']>[1] = {
  exclude: [
    { path: 'health/live', method: RequestMethod.GET },
    { path: 'health/ready', method: RequestMethod.GET },
  ],
};

/** Absolute path of a resource under the prefix, for `Location` headers: `apiPath('boards', id)` → `/api/v1/boards/<id>`. */
export const apiPath = (...segments: string[]): string => `/${API_PREFIX}/${segments.join('/')}`;
