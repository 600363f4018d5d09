import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks real HTTP responses against an OpenAPI 3.0 document (the one `scripts/openapi.mjs`
 * exports, or any other): is the status documented for the operation, is the body what the
 * response's schema says, are the documented headers there.
 *
 * Schemas are validated with Ajv (draft-07 plus ajv-formats) after translating OpenAPI 3.0's
 * dialect: `nullable: true` adds `null` to the type (and to an `enum`; wraps a schema without
 * `type` in `anyOf [..., {type: 'null'}]`), boolean `exclusiveMinimum`/`exclusiveMaximum` become
 * numbers, `$ref: '#/components/schemas/X'` points into the components, which are compiled into
 * Ajv once, `example`/`xml`/`externalDocs`/`discriminator` are annotations and `x-*` extensions are
 * dropped. Formats that neither Ajv nor ajv-formats knows are accepted as annotations (OpenAPI
 * allows any format name).
 */

/** The parts of an OpenAPI 3.0 document this module reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, unknown>; headers?: Record<string, unknown> };
}

export type ResponseHeaders = Record<string, string | string[] | number | undefined>;

/**
 * Checks one response; returns the problems found, each a sentence naming the operation and
 * status (e.g. `GET /api/v1/boards/{boardId} 200: body/seq must be number`), or `[]`.
 * `url` is a path with optional query (`/api/v1/boards?limit=5`) or an absolute URL; `body` is the
 * parsed JSON (a string is parsed when the documented media type is JSON). Whether a body was sent
 * is read from the headers: a response with a `Content-Type` (and a `Content-Length` other than 0)
 * has one.
 */
export type ResponseValidator = (method: string, url: string, status: number, headers: ResponseHeaders, body: unknown) => string[];

export interface ResponseValidatorOptions {
  /**
   * Headers that must be documented on the response whenever a response carries them,
   * case-insensitive (e.g. `['ETag', 'Location', 'Retry-After']`): catches headers the server sends
   * but the contract does not mention. Default: none.
   */
  undocumentedHeaders?: string[];
  /**
   * Treat object schemas with `properties` and no `additionalProperties` as closed, so a response
   * field the document does not list is reported. Default false (OpenAPI's own rule: open). Assumes
   * object schemas are not composed with `allOf` (Nest's mapped types flatten properties).
   */
  forbidUndocumentedProperties?: boolean;
}

/** The operation a request matched: its path template, method and path parameters (decoded). */
export interface MatchedOperation {
  template: string;
  method: string;
  operation: Record<string, unknown>;
  params: Record<string, string>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const COMPONENTS_ID = 'openapi-components';
const ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

interface CompiledTemplate {
  template: string;
  regex: RegExp;
  names: string[];
  /** Literal segments count more: `/boards/mine` wins over `/boards/{boardId}` (OpenAPI 3.0 "Path Templating Matching"). */
  literalSegments: number;
}

/**
 * Finds the operation for a method and URL. Path templates (`/api/v1/boards/{boardId}`) match one
 * non-empty segment per parameter; concrete paths win over templated ones; the query string and a
 * trailing slash are ignored.
 * Returns the match, or an error sentence (no such path; path without that method).
 */
export function createOperationMatcher(document: OpenApiDocument): (method: string, url: string) => MatchedOperation | string {
  const templates: CompiledTemplate[] = Object.keys(document.paths)
    .map((template) => {
      const names: string[] = [];
      const segments = template.split('/');
      const source = segments
        .map((segment) =>
          segment.replace(/\{([^}]+)\}|[^{]+/g, (part, name: string | undefined) => {
            if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            names.push(name);
            return '([^/]+)';
          }),
        )
        .join('/');
      return { template, regex: new RegExp(`^${source}$`), names, literalSegments: segments.filter((s) => !s.includes('{')).length };
    })
    .sort((a, b) => b.literalSegments - a.literalSegments);

  return (method, url) => {
    const pathname = new URL(url, 'http://openapi.invalid').pathname;
    const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
    const verb = method.toLowerCase();
    let pathOnly: string | undefined;
    for (const { template, regex, names } of templates) {
      const found = regex.exec(path);
      if (!found) continue;
      const operation = document.paths[template][verb];
      if (!operation || typeof operation !== 'object') {
        pathOnly ??= template;
        continue;
      }
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
      return { template, method: verb, operation: operation as Record<string, unknown>, params };
    }
    const documented = pathOnly ? HTTP_METHODS.filter((m) => document.paths[pathOnly][m]).map((m) => m.toUpperCase()) : [];
    return pathOnly
      ? `${method.toUpperCase()} ${pathOnly}: method not documented (documented: ${documented.join(', ')})`
      : `${method.toUpperCase()} ${path}: no documented path matches`;
  };
}

/**
 * Builds a validator for `document`. Compiles every component schema and every response schema
 * up front, so a schema Ajv cannot compile fails here rather than in the middle of a test run.
 */
export function createResponseValidator(document: OpenApiDocument, options: ResponseValidatorOptions = {}): ResponseValidator {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: true });
  addFormats.default(ajv);
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword });
  for (const format of collectFormats(document)) if (!ajv.formats[format]) ajv.addFormat(format, true);

  const convert = (schema: unknown) => toJsonSchema(schema, options.forbidUndocumentedProperties ?? false);
  const definitions = Object.fromEntries(Object.entries(document.components?.schemas ?? {}).map(([name, s]) => [name, convert(s)]));
  ajv.addSchema({ $id: COMPONENTS_ID, definitions });

  const match = createOperationMatcher(document);
  const deref = <T>(value: T): T => resolveRef(document, value);
  const validators = new Map<unknown, ValidateFunction>();
  const validatorFor = (schema: unknown): ValidateFunction => {
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(convert(schema) as object);
      validators.set(schema, validate);
    }
    return validate;
  };
  // Compile everything now (see the docstring).
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as { responses?: Record<string, unknown> } | undefined;
      for (const response of Object.values(operation?.responses ?? {})) {
        const { content = {}, headers = {} } = deref(response) as ResponseObject;
        for (const media of Object.values(content)) if (media.schema) validatorFor(media.schema);
        for (const header of Object.values(headers)) {
          const schema = deref(header).schema;
          if (schema) validatorFor(schema);
        }
      }
    }
  }

  return (method, url, status, headers, body) => {
    const matched = match(method, url);
    if (typeof matched === 'string') return [matched];
    const where = `${method.toUpperCase()} ${matched.template} ${status}`;
    const responses = (matched.operation.responses ?? {}) as Record<string, unknown>;
    const key = [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default'].find((k) => k in responses);
    if (!key) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ') || 'none'})`];
    const response = deref(responses[key]) as ResponseObject;
    const lower = lowerCaseKeys(headers);
    return [...checkHeaders(where, response, lower), ...checkBody(where, response, lower, body)];
  };

  function checkHeaders(where: string, response: ResponseObject, headers: Record<string, string>): string[] {
    const errors: string[] = [];
    const documented = new Map(Object.entries(response.headers ?? {}).map(([name, h]) => [name.toLowerCase(), { name, ...deref(h) }]));
    for (const { name, required, schema } of documented.values()) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        // OpenAPI's default is `required: false`, but a header the document bothers to list is a
        // promise; only an explicit `required: false` makes it optional here.
        if (required !== false) errors.push(`${where}: documented header ${name} missing`);
        continue;
      }
      if (schema) {
        const type = (deref(schema) as { type?: string }).type;
        const typed = type === 'integer' || type === 'number' ? Number(value) : type === 'boolean' ? value === 'true' : value;
        const validate = validatorFor(schema);
        if (!validate(typed)) errors.push(...explain(`${where}: header ${name}`, validate.errors));
      }
    }
    for (const name of options.undocumentedHeaders ?? []) {
      if (headers[name.toLowerCase()] !== undefined && !documented.has(name.toLowerCase())) {
        errors.push(`${where}: header ${name} sent but not documented`);
      }
    }
    return errors;
  }

  function checkBody(where: string, response: ResponseObject, headers: Record<string, string>, body: unknown): string[] {
    const contentType = headers['content-type']?.split(';')[0].trim().toLowerCase();
    const hasBody = contentType !== undefined && headers['content-length'] !== '0';
    const content = response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (!hasBody) {
      return mediaTypes.length > 0 ? [`${where}: no body, but ${mediaTypes.join(' or ')} documented`] : [];
    }
    if (mediaTypes.length === 0) return [`${where}: ${contentType} body not documented (the response documents no content)`];
    const [type] = contentType.split('/');
    const mediaType = [contentType, `${type}/*`, '*/*'].find((m) => m in content) ?? mediaTypes.find((m) => m.toLowerCase() === contentType);
    if (!mediaType) return [`${where}: ${contentType} body, but only ${mediaTypes.join(', ')} documented`];
    const schema = content[mediaType].schema;
    if (!schema) return [];
    const isJson = /^application\/(.+\+)?json$/.test(contentType);
    if (!isJson) return [];
    let data = body;
    if (typeof body === 'string') {
      try {
        data = JSON.parse(body);
      } catch {
        return [`${where}: ${contentType} body is not JSON`];
      }
    }
    const validate = validatorFor(schema);
    return validate(data) ? [] : explain(`${where}: body`, validate.errors);
  }
}

interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { required?: boolean; schema?: unknown }>;
}

/** `body/columns/0/version must be number`, with the offending names for additional/required properties. */
function explain(prefix: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const at = `${prefix}${error.instancePath}`;
    if (error.keyword === 'additionalProperties') return `${at} has undocumented property ${JSON.stringify(error.params.additionalProperty)}`;
    if (error.keyword === 'required') return `${at} misses required property ${JSON.stringify(error.params.missingProperty)}`;
    if (error.keyword === 'enum') return `${at} ${error.message} ${JSON.stringify(error.params.allowedValues)}`;
    return `${at} ${error.message}`;
  });
}

function lowerCaseKeys(headers: ResponseHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Follows `$ref: '#/...'` (responses, headers, schemas) within the document, any depth. */
function resolveRef<T>(document: OpenApiDocument, value: T, seen = new Set<string>()): T {
  const ref = (value as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== 'string') return value;
  if (!ref.startsWith('#/')) throw new Error(`openapi-validator: only local $refs are supported, got ${ref}`);
  if (seen.has(ref)) throw new Error(`openapi-validator: $ref cycle at ${ref}`);
  seen.add(ref);
  let target: unknown = document;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    target = (target as Record<string, unknown> | undefined)?.[key];
  }
  if (target === undefined) throw new Error(`openapi-validator: unresolved $ref ${ref}`);
  return resolveRef(document, target as T, seen);
}

function collectFormats(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) collectFormats(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'format' && typeof v === 'string') found.add(v);
      else collectFormats(v, found);
    }
  }
  return found;
}

const SCHEMA_MAPS = ['properties', 'patternProperties'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not'];

/**
 * One OpenAPI 3.0 schema object as a draft-07 JSON Schema for Ajv (see the module docstring).
 * Walks only schema positions, so property names and `enum`/`default`/`example` values are never
 * rewritten.
 */
export function toJsonSchema(schema: unknown, closeObjects = false): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const source = schema as Record<string, unknown>;
  if (typeof source.$ref === 'string') {
    // OpenAPI 3.0: siblings of $ref are ignored.
    const name = /^#\/components\/schemas\/(.+)$/.exec(source.$ref)?.[1];
    if (!name) throw new Error(`openapi-validator: schema $ref must point at #/components/schemas/, got ${source.$ref}`);
    return { $ref: `${COMPONENTS_ID}#/definitions/${name}` };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith('x-') || key === 'nullable') continue;
    if (SCHEMA_MAPS.includes(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, toJsonSchema(s, closeObjects)]));
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((s) => toJsonSchema(s, closeObjects));
    } else if (SCHEMA_VALUES.includes(key)) {
      out[key] = typeof value === 'object' ? toJsonSchema(value, closeObjects) : value;
    } else {
      out[key] = value;
    }
  }
  for (const [bound, flag] of [['minimum', 'exclusiveMinimum'], ['maximum', 'exclusiveMaximum']] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  if (closeObjects && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (source.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  if (Array.isArray(out.type)) return out.type.includes('null') ? out : { ...out, type: [...out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}
