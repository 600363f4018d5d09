import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorBodyDto } from './openapi.decorators.js';

/** Every tag an operation may carry, with what it groups (Spectral: tags are declared once, at the top). */
const TAGS: Record<string, string> = {
  auth: 'Accounts and sessions: register, log in, refresh, log out, change password',
  'api-tokens': 'Personal API tokens for scripts and REST consumers',
  users: 'The caller’s own account',
  boards: 'Boards you are a member of, their snapshots',
  members: 'Who is on a board, with which role',
  invitations: 'Joining a board: owners invite an email, the invitee accepts or declines',
  columns: 'Columns of a board, ordered by fractional index',
  tasks: 'Tasks in columns: create, edit, move, delete, search',
  comments: 'Comments on tasks, in Markdown, with @mentions of members',
  checklists: 'Checklist items of a task, ordered by fractional index',
  labels: 'A board’s labels (name and color) that tasks refer to',
  archive: 'Archive and restore tasks and columns; the board’s archive',
  events: 'The board’s ordered event stream, for catch-up after a gap',
  activity: 'The board’s events as readable entries (“Ann moved ‘Write README’ from To do to Done”)',
  notifications: 'The caller’s notifications: assigned, mentioned, commented, invited; read state; per-user seq',
  search: 'Full-text search across every board the caller is a member of',
  transfer: 'Board export (JSON, CSV) and import (Tasklane, Trello) as a new board',
  webhooks: 'Signed HTTP callbacks of a board’s events (owners): manage, test, delivery log, redeliver',
  health: 'Liveness and readiness for load balancers and orchestrators',
};

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];
type Response = NonNullable<Responses[string]>;

/** Largest value of the integers in this API (seqs, versions, limits): PostgreSQL `integer`. */
const INT32_MAX = 2_147_483_647;

/** `RateLimit-*` (IETF draft-ietf-httpapi-ratelimit-headers-06 names): on the answers of every rate-limited operation once its limit was checked. */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'The quota of the limit this request counts against (for a token bucket: its size)', required: false, schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Remaining': { description: 'Requests left in the current window (token bucket: tokens left)', required: false, schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': { description: 'Seconds until the quota is whole again', required: false, schema: { type: 'integer', minimum: 0, maximum: 86_400 } },
};
const RETRY_AFTER = { description: 'Seconds to wait', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 } };
const NO_STORE = { description: '`no-store`: tokens and their errors must not be cached', schema: { type: 'string', enum: ['no-store'] } };

const REQUEST_ID_HEADER = {
  description: 'Request id (the incoming `X-Request-Id` if valid, else a new UUID); also `requestId` in error bodies',
  schema: { type: 'string', pattern: '^[\\w.:-]{1,100}$', maxLength: 100 },
};
const CORS_HEADER = {
  required: false,
  description: 'Sent when the request’s `Origin` is one of CORS_ORIGINS (docs/operations.md); absent otherwise (same origin only)',
  schema: { type: 'string', format: 'uri', maxLength: 2048 },
};
type HeaderObject = { description: string; required?: boolean; schema: Record<string, unknown> };
const errorResponse = (description: string, headers: Record<string, HeaderObject> = {}): Response => ({
  description,
  headers,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } },
});

/**
 * Adds what every operation of a kind answers, so no route can forget it:
 *  - `X-Request-Id` on every response;
 *  - 401 UNAUTHORIZED on every bearer route;
 *  - 403 FORBIDDEN on every bearer route that is not a GET (a read-only API token; AccessTokenGuard);
 *  - 400 VALIDATION_FAILED on every route that takes a body, a query or a request header;
 *  - 413 PAYLOAD_TOO_LARGE and 415 UNSUPPORTED_MEDIA_TYPE on every route that takes a body;
 *  - 503 SERVICE_UNAVAILABLE (database unreachable, with `Retry-After`) on every `/api` route;
 *  - 500 INTERNAL on every route;
 *  - 429 RATE_LIMITED on every bearer route (reads and writes are limited per user; public routes
 *    with a limit document their own 429 through `@RateLimit`), and on every operation with a 429:
 *    `Retry-After` on the 429 and the optional `RateLimit-*` headers on every answer;
 *  - `Cache-Control: no-store` on every answer of `/api/v1/auth/*`;
 *  - `Access-Control-Allow-Origin` (optional: only for CORS_ORIGINS) on every answer.
 */
function addCommonResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const responses: Responses = op.responses;
      const takesInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => 'in' in p && (p.in === 'query' || p.in === 'header'));
      if (op.security?.length && !responses['401']) responses['401'] = errorResponse('UNAUTHORIZED: missing, malformed, expired or revoked access token or API token');
      if (op.security?.length && method !== 'get') {
        const readOnly = 'FORBIDDEN: an API token without the `boards:write` scope';
        const given = responses['403'];
        if (!given) responses['403'] = errorResponse(readOnly);
        else if (!('$ref' in given)) given.description = `${given.description}; ${readOnly}`;
      }
      if (op.requestBody && !responses['413']) responses['413'] = errorResponse('PAYLOAD_TOO_LARGE: the body exceeds 1 MiB');
      if (op.requestBody && !responses['415']) responses['415'] = errorResponse('UNSUPPORTED_MEDIA_TYPE: send `Content-Type: application/json` (a multipart body too: only the import takes uploads)');
      if (takesInput && !responses['400']) responses['400'] = errorResponse('VALIDATION_FAILED: `details` lists each invalid field; MALFORMED_REQUEST: unparsable JSON');
      if (path.startsWith('/api/') && !responses['503']) {
        responses['503'] = errorResponse('SERVICE_UNAVAILABLE: the database is unreachable; retry after `Retry-After` seconds', { 'Retry-After': RETRY_AFTER });
      }
      if (!responses['500']) responses['500'] = errorResponse('INTERNAL: an unexpected failure; the body is generic and the details are in the server log under `requestId`');
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
          'Access-Control-Allow-Origin': CORS_HEADER,
          ...(limited ? RATE_LIMIT_HEADERS : {}),
          ...(status === '429' ? { 'Retry-After': RETRY_AFTER } : {}),
          ...(path.startsWith('/api/v1/auth/') ? { 'Cache-Control': NO_STORE } : {}),
          ...response.headers,
        };
      }
    }
  }
}

/** Bounds implied by a string's format: a UUID is 36 characters, a date-time at most 35 (RFC 3339 with micros and an offset), an email 254 (RFC 5321). */
const FORMAT_MAX_LENGTH: Record<string, number> = { uuid: 36, 'date-time': 35, email: 254, uri: 2048 };

/**
 * Makes every schema state its bounds (OWASP API4, unrestricted resource consumption), so the
 * contract checks in the e2e suites hold the server to them too: strings of a known format get that
 * format's length, integers get `int32` and the range they can take (all of this API's integers are
 * PostgreSQL `integer`s and never negative). Bounds a DTO sets itself are kept.
 */
function addImpliedBounds(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) addImpliedBounds(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (schema.type === 'string' && schema.maxLength === undefined && schema.enum === undefined && typeof schema.format === 'string' && FORMAT_MAX_LENGTH[schema.format]) {
    schema.maxLength = FORMAT_MAX_LENGTH[schema.format];
  }
  if (schema.type === 'integer') {
    schema.format ??= 'int32';
    schema.minimum ??= 0;
    schema.maximum ??= INT32_MAX;
  }
  for (const value of Object.values(schema)) addImpliedBounds(value);
}

/** Path parameters named `…Id` are UUIDs (a malformed one is the resource's 404, see UuidParamPipe). */
function typePathIds(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      for (const p of (op as Operation | undefined)?.parameters ?? []) {
        if ('in' in p && p.in === 'path' && p.name.endsWith('Id') && p.schema && !('$ref' in p.schema)) Object.assign(p.schema, { format: 'uuid', maxLength: 36 });
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
    .addServer('/', 'This deployment (production, staging or local development: whichever serves this document)', undefined, { 'x-internal': false })
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'An access token from /auth (HS256 JWT, 15 min, validated per RFC8725: fixed algorithm, `typ` claim, expiry) or a personal API token (`tl_…`).',
    });
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorBodyDto] });
  addCommonResponses(document);
  typePathIds(document);
  addImpliedBounds(document.paths);
  addImpliedBounds(document.components);
  return document;
}
