import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBodyDto } from './openapi.decorators.js';

/** Every tag an operation may carry, with what it groups (Spectral: tags are declared once, at the top). */
const TAGS: Record<string, string> = {
  auth: 'Accounts and tokens: register, log in, refresh',
  users: 'The caller’s own account',
  boards: 'Boards you are a member of, their snapshots',
  members: 'Who is on a board, with which role',
  columns: 'Columns of a board, ordered by fractional index',
  tasks: 'Tasks in columns: create, edit, move, delete, search',
  events: 'The board’s ordered event stream, for catch-up after a gap',
  health: 'Liveness and readiness for load balancers and orchestrators',
};

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];
type Response = NonNullable<Responses[string]>;

/** `RateLimit-*` (IETF draft-ietf-httpapi-ratelimit-headers-06 names): on the answers of every rate-limited operation once its limit was checked. */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'The quota of the limit this request counts against (for a token bucket: its size)', required: false, schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Remaining': { description: 'Requests left in the current window (token bucket: tokens left)', required: false, schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': { description: 'Seconds until the quota is whole again', required: false, schema: { type: 'integer', minimum: 0 } },
};
const RETRY_AFTER = { description: 'Seconds to wait', schema: { type: 'integer' } };
const NO_STORE = { description: '`no-store`: tokens and their errors must not be cached', schema: { type: 'string', enum: ['no-store'] } };

const REQUEST_ID_HEADER = { description: 'Request id (the incoming `X-Request-Id` if valid, else a new UUID); also `requestId` in error bodies', schema: { type: 'string' } };
const errorResponse = (description: string, headers: Record<string, { description: string; schema: { type: string } }> = {}): Response => ({
  description,
  headers,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } },
});

/**
 * Adds what every operation of a kind answers, so no route can forget it:
 *  - `X-Request-Id` on every response;
 *  - 401 UNAUTHORIZED on every bearer route;
 *  - 400 VALIDATION_FAILED on every route that takes a body, a query or a request header;
 *  - 413 PAYLOAD_TOO_LARGE and 415 UNSUPPORTED_MEDIA_TYPE on every route that takes a body;
 *  - 503 SERVICE_UNAVAILABLE (database unreachable, with `Retry-After`) on every `/api` route;
 *  - 429 RATE_LIMITED on every bearer route (reads and writes are limited per user; public routes
 *    with a limit document their own 429 through `@RateLimit`), and on every operation with a 429:
 *    `Retry-After` on the 429 and the optional `RateLimit-*` headers on every answer;
 *  - `Cache-Control: no-store` on every answer of `/api/v1/auth/*`.
 */
function addCommonResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const responses: Responses = op.responses;
      const takesInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => 'in' in p && (p.in === 'query' || p.in === 'header'));
      if (op.security?.length && !responses['401']) responses['401'] = errorResponse('UNAUTHORIZED: missing, malformed or expired access token');
      if (op.requestBody && !responses['413']) responses['413'] = errorResponse('PAYLOAD_TOO_LARGE: the body exceeds 1 MiB');
      if (op.requestBody && !responses['415']) responses['415'] = errorResponse('UNSUPPORTED_MEDIA_TYPE: send `Content-Type: application/json`');
      if (takesInput && !responses['400']) responses['400'] = errorResponse('VALIDATION_FAILED: `details` lists each invalid field; MALFORMED_REQUEST: unparsable JSON');
      if (path.startsWith('/api/') && !responses['503']) {
        responses['503'] = errorResponse('SERVICE_UNAVAILABLE: the database is unreachable; retry after `Retry-After` seconds', { 'Retry-After': RETRY_AFTER });
      }
      if (op.security?.length && !responses['429']) {
        responses['429'] = errorResponse(
          method === 'get'
            ? 'RATE_LIMITED: too many reads by this user (RATE_LIMIT_READS); retry after `Retry-After` seconds'
            : 'RATE_LIMITED: too many writes by this user (RATE_LIMIT_WRITES, a token bucket of RATE_LIMIT_WRITES_BURST); retry after `Retry-After` seconds',
        );
      }
      const limited = responses['429'] !== undefined;
      for (const [status, response] of Object.entries(responses)) {
        if (!response || '$ref' in response) continue;
        response.headers = {
          'X-Request-Id': REQUEST_ID_HEADER,
          ...(limited ? RATE_LIMIT_HEADERS : {}),
          ...(status === '429' ? { 'Retry-After': RETRY_AFTER } : {}),
          ...(path.startsWith('/api/v1/auth/') ? { 'Cache-Control': NO_STORE } : {}),
          ...response.headers,
        };
      }
    }
  }
}

/**
 * The OpenAPI 3 document of the REST API, as served at `/docs-json` (and exported for Spectral by
 * scripts/openapi.mjs): the controllers' decorators plus the common responses above.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Tasklane API')
    .setDescription(
      'Boards, columns, tasks and members over REST; live changes over Socket.IO at `/socket.io` (handshake `auth: { token }`, then `board:join`; ' +
        'see docs/api.md). Every error is `{ statusCode, code, message, details?, requestId }`.',
    )
    .setVersion('1')
    .setContact('Tasklane', 'https://github.com/tasklane/tasklane', 'maintainers@tasklane.dev')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This server')
    .addBearerAuth();
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBodyDto] });
  addCommonResponses(document);
  return document;
}
