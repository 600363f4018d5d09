import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ALL_ERROR_CODES, type ErrorBody, type ErrorCode, type FieldError } from '@tasklane/contracts';
import { SetLocation, type LocationOf } from './resource-headers.js';

/** OpenAPI shape of FieldError (`details` of VALIDATION_FAILED). */
export class FieldErrorDto implements FieldError {
  @ApiProperty({ maxLength: 200, description: 'Dotted path of the field, e.g. `columns.2` (cut at 200 characters)' }) field: string;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 20 }) errors: string[];
}

/** OpenAPI shape of ErrorBody: every 4xx/5xx answer. */
@ApiExtraModels(FieldErrorDto)
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599 }) statusCode: number;
  @ApiProperty({ enum: ALL_ERROR_CODES }) code: ErrorCode;
  @ApiProperty({ maxLength: 2000 }) message: string;
  @ApiPropertyOptional({
    description: 'VALIDATION_FAILED: one entry per offending field. PRECONDITION_FAILED: `{ current }`, the resource as it is now.',
    oneOf: [{ type: 'array', items: { $ref: getSchemaPath(FieldErrorDto) }, maxItems: 100 }, { type: 'object', additionalProperties: true }],
  })
  details?: unknown;
  @ApiProperty({ maxLength: 100, description: 'Also in the `X-Request-Id` response header' }) requestId: string;
}

const ETAG = { ETag: { description: 'The version of the resource (`"<version>"`), for If-Match', schema: { type: 'string', pattern: '^"\\d{1,10}"$', maxLength: 12 } } };
const LOCATION = { Location: { description: 'Path of the created resource', schema: { type: 'string', format: 'uri-reference', maxLength: 2048 } } };

/** Error answers of a route, by status: `@ApiErrors({ 404: 'BOARD_NOT_FOUND …', 409: 'LAST_OWNER' })`, all with the ErrorBody schema. */
export const ApiErrors = (responses: Partial<Record<400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 503, string>>): MethodDecorator & ClassDecorator =>
  applyDecorators(...Object.entries(responses).map(([status, description]) => ApiResponse({ status: Number(status), description, type: ErrorBodyDto })));

/** 200 with a versioned resource and its `ETag`. */
export const ApiOkResource = (type: Type<unknown>, description?: string): MethodDecorator => ApiResponse({ status: 200, type, description, headers: ETAG });

/**
 * 201 with the created resource, its `Location` (`location(result, pathParams)`, sent by SetLocation's interceptor)
 * and, for versioned resources, its `ETag`.
 */
export const ApiCreatedResource = <T>(
  type: Type<T>,
  location: LocationOf<T>,
  options: { versioned: boolean; description?: string; headers?: Record<string, { description: string; required?: boolean; schema: { type: string } }> },
): MethodDecorator =>
  applyDecorators(
    ApiResponse({ status: 201, type, description: options.description, headers: { ...(options.versioned ? { ...LOCATION, ...ETAG } : LOCATION), ...options.headers } }),
    SetLocation(location),
  );

/** `Idempotency-Key` (every POST, PATCH, DELETE and move). */
export const ApiIdempotent = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Up to 255 visible ASCII characters, unique per intended write. A retry with the same key and body returns the first response without writing again; kept 24 h per user; echoed as `idempotencyKey` in the resulting event.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
    ApiErrors({ 422: 'IDEMPOTENCY_KEY_REUSED: the key was used for a different request' }),
  );

/** `If-Match` + `Idempotency-Key` (PATCH, DELETE and move of versioned resources). */
export const ApiConditionalWrite = (): MethodDecorator =>
  applyDecorators(
    ApiIdempotent(),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The ETag (`"<version>"`) you last read. If the resource changed since, nothing is written and the answer is 412. Omit it for last-write-wins.',
      schema: { type: 'string', pattern: '^(\\*|(W/)?"\\d{1,10}")$', maxLength: 14 },
    }),
    ApiResponse({ status: 412, type: ErrorBodyDto, description: 'PRECONDITION_FAILED: `details.current` is the current resource and `ETag` its version', headers: ETAG }),
  );
