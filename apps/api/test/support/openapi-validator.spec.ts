import { describe, expect, it } from '@jest/globals';
import { createOperationMatcher, createResponseValidator, toJsonSchema, type OpenApiDocument } from './openapi-validator.js';

const json = { 'content-type': 'application/json; charset=utf-8' };
const taskId = '7b0f6a52-4a4e-4c0b-9a57-2d1f4f1a9c3e';
const boardId = '0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f';

/** A small hand-written API in the shape Nest's Swagger module emits: prefixed routes, one outside. */
const document: OpenApiDocument = {
  openapi: '3.0.0',
  paths: {
    '/api/v1/boards/{boardId}/tasks/{taskId}': {
      get: {
        responses: {
          '200': {
            description: 'The task',
            headers: { ETag: { schema: { type: 'string', pattern: '^"\\d+"$' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Task' } } },
          },
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
      delete: { responses: { '204': { description: 'Deleted' } } },
    },
    '/api/v1/boards/mine': {
      get: { responses: { '200': { description: 'Literal path', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } },
    },
    '/api/v1/boards/{boardId}': {
      get: { responses: { '200': { description: 'Templated path', content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
    '/api/v1/boards': {
      post: {
        responses: {
          '201': {
            description: 'Created',
            headers: { Location: { schema: { type: 'string' } }, 'X-Optional': { required: false, schema: { type: 'string' } } },
            content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] } } },
          },
          default: { description: 'Any error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
    '/health/live': {
      get: { responses: { '200': { description: 'Up', content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } } } } } },
    },
  },
  components: {
    responses: { NotFound: { description: 'Not found', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
    schemas: {
      Task: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'dueAt', 'column'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          title: { type: 'string', example: 'Write the spec' },
          dueAt: { type: 'string', format: 'date-time', nullable: true },
          priority: { type: 'string', enum: ['low', 'high'], nullable: true },
          column: { $ref: '#/components/schemas/Column' },
          parent: { nullable: true, allOf: [{ $ref: '#/components/schemas/Column' }] },
          estimate: { type: 'integer', minimum: 0, exclusiveMinimum: true, 'x-unit': 'hours' },
        },
      },
      Column: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      Error: { type: 'object', required: ['statusCode', 'code'], properties: { statusCode: { type: 'integer' }, code: { type: 'string' } } },
    },
  },
};

const task = { id: taskId, title: 'Spec', dueAt: '2026-01-02T03:04:05.000Z', column: { name: 'To do' } };
const taskUrl = `/api/v1/boards/${boardId}/tasks/${taskId}`;

describe('createResponseValidator', () => {
  const validate = createResponseValidator(document);

  it('passes a documented status whose body matches its schema ($ref into components)', () => {
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, task)).toEqual([]);
  });

  it('fails a status the operation does not document, naming the documented ones', () => {
    expect(validate('GET', taskUrl, 409, json, { statusCode: 409, code: 'X' })).toEqual([
      `GET /api/v1/boards/{boardId}/tasks/{taskId} 409: status not documented (documented: 200, 404)`,
    ]);
  });

  it('falls back to the `default` response for an undocumented status', () => {
    expect(validate('POST', '/api/v1/boards', 400, json, { statusCode: 400, code: 'VALIDATION_FAILED' })).toEqual([]);
    expect(validate('POST', '/api/v1/boards', 400, json, { statusCode: '400' })).toEqual([
      'POST /api/v1/boards 400: body misses required property "code"',
      'POST /api/v1/boards 400: body/statusCode must be integer',
    ]);
  });

  it('fails a field of the wrong type', () => {
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, title: 42 })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/title must be string',
    ]);
  });

  it('fails a missing required field, also inside a $ref', () => {
    const { title: _title, ...untitled } = task;
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...untitled, column: {} })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body misses required property "title"',
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/column misses required property "name"',
    ]);
  });

  it('fails an extra property where additionalProperties is false, and allows one where it is not', () => {
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, secret: 1, column: { name: 'x', extra: true } })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body has undocumented property "secret"',
    ]);
  });

  it('accepts null in nullable fields (with a type, with an enum, around a $ref) and nothing else that is null', () => {
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, dueAt: null, priority: null, parent: null })).toEqual([]);
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, priority: 'high', parent: { name: 'x' } })).toEqual([]);
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, title: null, parent: { name: 1 } })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/title must be string',
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/parent/name must be string',
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/parent must be null',
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/parent must match a schema in anyOf',
    ]);
  });

  it('checks formats and OpenAPI 3.0 boolean exclusiveMinimum', () => {
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, id: 'not-a-uuid', dueAt: 'tomorrow', estimate: 0 })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/id must match format "uuid"',
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/dueAt must match format "date-time"',
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/estimate must be > 0',
    ]);
  });

  it('resolves a response $ref (#/components/responses/...) and validates its body', () => {
    expect(validate('GET', taskUrl, 404, json, { statusCode: 404, code: 'TASK_NOT_FOUND' })).toEqual([]);
    expect(validate('GET', taskUrl, 404, json, { statusCode: 404 })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 404: body misses required property "code"',
    ]);
  });

  it('parses a JSON body given as a string', () => {
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, JSON.stringify(task))).toEqual([]);
    expect(validate('GET', taskUrl, 200, { ...json, etag: '"3"' }, '{nope')).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: application/json body is not JSON',
    ]);
  });

  it('fails a body where none is documented, no body where one is, and an undocumented media type', () => {
    expect(validate('DELETE', taskUrl, 204, {}, {})).toEqual([]);
    expect(validate('DELETE', taskUrl, 204, json, { statusCode: 204 })).toEqual([
      'DELETE /api/v1/boards/{boardId}/tasks/{taskId} 204: application/json body not documented (the response documents no content)',
    ]);
    expect(validate('GET', taskUrl, 200, { etag: '"3"' }, {})).toEqual(['GET /api/v1/boards/{boardId}/tasks/{taskId} 200: no body, but application/json documented']);
    expect(validate('GET', taskUrl, 200, { 'content-type': 'text/html', etag: '"3"' }, '<p>')).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: text/html body, but only application/json documented',
    ]);
  });

  it('requires the headers the response documents (case-insensitive) and checks their schema', () => {
    expect(validate('POST', '/api/v1/boards', 201, { ...json, location: `/api/v1/boards/${boardId}` }, { id: boardId })).toEqual([]);
    expect(validate('POST', '/api/v1/boards', 201, { ...json, Location: ['/a', '/b'] }, { id: boardId })).toEqual([]);
    expect(validate('POST', '/api/v1/boards', 201, json, { id: boardId })).toEqual(['POST /api/v1/boards 201: documented header Location missing']);
    expect(validate('GET', taskUrl, 200, json, task)).toEqual(['GET /api/v1/boards/{boardId}/tasks/{taskId} 200: documented header ETag missing']);
    expect(validate('GET', taskUrl, 200, { ...json, ETag: 'W/"3"' }, task)).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: header ETag must match pattern "^"\\d+"$"',
    ]);
  });

  it('reports headers from undocumentedHeaders that a response sends but does not document', () => {
    const strict = createResponseValidator(document, { undocumentedHeaders: ['ETag', 'Retry-After'] });
    expect(strict('GET', taskUrl, 200, { ...json, etag: '"3"' }, task)).toEqual([]);
    expect(strict('DELETE', taskUrl, 204, { ETag: '"4"' }, undefined)).toEqual(['DELETE /api/v1/boards/{boardId}/tasks/{taskId} 204: header ETag sent but not documented']);
  });

  it('with forbidUndocumentedProperties, reports fields a schema does not list', () => {
    const strict = createResponseValidator(document, { forbidUndocumentedProperties: true });
    expect(strict('GET', taskUrl, 200, { ...json, etag: '"3"' }, { ...task, column: { name: 'x', extra: true } })).toEqual([
      'GET /api/v1/boards/{boardId}/tasks/{taskId} 200: body/column has undocumented property "extra"',
    ]);
  });

  it('fails a path no template matches and a method the path does not document', () => {
    expect(validate('GET', '/api/v1/nowhere', 404, json, {})).toEqual(['GET /api/v1/nowhere: no documented path matches']);
    expect(validate('GET', '/boards/mine', 200, json, [])).toEqual(['GET /boards/mine: no documented path matches']);
    expect(validate('PUT', taskUrl, 200, json, task)).toEqual(['PUT /api/v1/boards/{boardId}/tasks/{taskId}: method not documented (documented: GET, DELETE)']);
  });

  it('matches routes outside the global prefix', () => {
    expect(validate('GET', '/health/live', 200, json, { status: 'ok' })).toEqual([]);
    expect(validate('GET', '/health/live', 200, json, { status: 'down' })).toEqual(['GET /health/live 200: body/status must be equal to one of the allowed values ["ok"]']);
  });
});

describe('createOperationMatcher', () => {
  const match = createOperationMatcher(document);

  it('matches path templates and returns the decoded path parameters', () => {
    expect(match('get', `http://127.0.0.1:4321${taskUrl}?include=all`)).toMatchObject({
      template: '/api/v1/boards/{boardId}/tasks/{taskId}',
      method: 'get',
      params: { boardId, taskId },
    });
    expect(match('GET', '/api/v1/boards/a%20b/')).toMatchObject({ template: '/api/v1/boards/{boardId}', params: { boardId: 'a b' } });
  });

  it('prefers a concrete path over a templated one, and never lets a parameter span segments', () => {
    expect(match('GET', '/api/v1/boards/mine')).toMatchObject({ template: '/api/v1/boards/mine', params: {} });
    expect(match('GET', `/api/v1/boards/${boardId}/tasks`)).toBe(`GET /api/v1/boards/${boardId}/tasks: no documented path matches`);
    expect(match('GET', '/api/v1/boards//tasks/x')).toBe('GET /api/v1/boards//tasks/x: no documented path matches');
  });
});

describe('toJsonSchema', () => {
  it('rewrites schema positions only: property names, enum and example values stay as they are', () => {
    expect(
      toJsonSchema({
        type: 'object',
        properties: { nullable: { type: 'string', nullable: true, example: { $ref: 'not a ref' } }, 'x-name': { type: 'string' } },
        'x-internal': true,
      }),
    ).toEqual({
      type: 'object',
      properties: { nullable: { type: ['string', 'null'], example: { $ref: 'not a ref' } }, 'x-name': { type: 'string' } },
    });
  });
});
