import { readFileSync } from 'node:fs';
import type { Response } from 'supertest';
import { isReservedPath } from '../../src/web/web-app.js';
import { createOperationMatcher, createResponseValidator, type OpenApiDocument, type ResponseHeaders } from './openapi-validator.js';

/**
 * The API contract every e2e response is held to: the OpenAPI document the server serves at
 * `/docs-json`, exported once per run by global-setup.mjs (scripts/openapi.mjs, same builder) to
 * TASKLANE_OPENAPI_FILE. Read lazily so unit projects never need it.
 */
let checker: ((method: string, url: string, res: Response) => string[]) | null = null;

function load(): (method: string, url: string, res: Response) => string[] {
  const file = process.env.TASKLANE_OPENAPI_FILE;
  if (!file) throw new Error('TASKLANE_OPENAPI_FILE is not set: the e2e global setup exports the OpenAPI document there');
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  const validate = createResponseValidator(document, { undocumentedHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Cache-Control'] });
  const match = createOperationMatcher(document);
  return (method, url, res) => {
    const headers = res.headers as ResponseHeaders;
    // Only the API's own answers: a proxy's error page (nginx's 502 while a replica restarts) has no X-Request-Id.
    if (!('x-request-id' in headers)) return [];
    const path = new URL(url, 'http://x').pathname;
    // The Swagger UI and the document itself are not operations of the document.
    if (path === '/docs' || path.startsWith('/docs/') || path === '/docs-json') return [];
    // The Prometheus exposition is deliberately not in the document (docs/operations.md "Observability").
    if (path === '/metrics') return [];
    // CORS preflights are answered by @fastify/cors for every path, not by an operation.
    if (method.toLowerCase() === 'options') return [];
    // Nor are the web app's files and pages (everything outside the API's reserved prefixes).
    if (!isReservedPath(path)) return [];
    // A path the API does not have cannot be in its document: it must be the generic 404.
    if (typeof match(method, url) === 'string') {
      return res.status === 404 && (res.body as { code?: unknown })?.code === 'ROUTE_NOT_FOUND' ? [] : [`${method.toUpperCase()} ${path} ${res.status}: no such operation in the OpenAPI document`];
    }
    return validate(method, url, res.status, headers, res.body);
  };
}

/**
 * Checks one supertest response against the operation it belongs to: the status is documented,
 * the body matches its schema, and ETag / Location / Retry-After / RateLimit-* / Cache-Control are
 * documented when sent. CORS preflights (OPTIONS) are not operations and are not checked.
 * @throws Error listing every mismatch (supertest reports it as the request's failure).
 */
export function assertContract(method: string, url: string, res: Response): void {
  checker ??= load();
  const problems = checker(method, url, res);
  if (problems.length > 0) throw new Error(`response does not match the OpenAPI document:\n  - ${problems.join('\n  - ')}`);
}
