import { RequestMethod, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** Every REST route lives under this prefix except the health probes (load balancers call those). */
export const API_GLOBAL_PREFIX = 'api/v1';

/** The routes outside {@link API_GLOBAL_PREFIX}: `GET /health/live` and `GET /health/ready`. */
export const API_GLOBAL_PREFIX_OPTIONS: Parameters<INestApplication['setGlobalPrefix']>[1] = {
  exclude: [
    { path: 'health/live', method: RequestMethod.GET },
    { path: 'health/ready', method: RequestMethod.GET },
  ],
};

/**
 * The document's global tags, one per controller's `@ApiTags` (Spectral's operation-tag-defined
 * rule fails lint on a tag used by an operation but missing here, so a new controller adds its own).
 */
const TAGS: ReadonlyArray<readonly [name: string, description: string]> = [
  ['auth', 'Register, log in and refresh tokens (public routes)'],
  ['users', "The caller's own account"],
  ['boards', 'List my boards, create, snapshot, update, delete'],
  ['members', 'Who may read or write a board, and as which role'],
  ['columns', "A board's columns: create, rename or move, delete with their tasks"],
  ['tasks', 'List and search, create, read, update, move, delete'],
  ['events', "Catch-up reads of a board's ordered event stream"],
  ['health', 'Liveness and readiness probes (outside /api/v1)'],
];

/**
 * The OpenAPI 3.0 document of the API, as served at `/docs-json`. One function for the server
 * (app.factory.ts) and for `scripts/openapi.mjs`, which exports the document without PostgreSQL or
 * Redis so `npm run lint` can run Spectral on it; sharing it keeps the two byte-identical.
 *
 * `app` must already have its global prefix set (`app.setGlobalPrefix(API_GLOBAL_PREFIX,
 * API_GLOBAL_PREFIX_OPTIONS)`): Swagger reads it from the application config. Controllers are read
 * from their metadata only, so an app created with `{ preview: true }` (no provider instantiated,
 * no database connection) yields the same document as a booted one.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Tasklane API')
    .setDescription(
      'Boards, columns, tasks and members over REST; live changes over Socket.IO at `/socket.io` ' +
        '(handshake `auth: { token }`, then `board:join`). Every error is `{ statusCode, code, message, details?, requestId }`.',
    )
    .setVersion('1')
    // Relative: the document is served by the API itself, whatever host or proxy fronts it.
    .addServer('/')
    .addBearerAuth();
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return SwaggerModule.createDocument(app, builder.build());
}
