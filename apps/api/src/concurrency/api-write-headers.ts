import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiPreconditionFailedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';

/** OpenAPI for `Idempotency-Key` (every POST, PATCH, DELETE and move). */
export const ApiIdempotent = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Up to 255 visible ASCII characters, unique per intended write. A retry with the same key and body returns the first response without writing again; kept 24 h per user; echoed as `idempotencyKey` in the resulting event.',
    }),
    ApiUnprocessableEntityResponse({ description: 'IDEMPOTENCY_KEY_REUSED: the key was used for a different request' }),
  );

/** OpenAPI for `If-Match` + `Idempotency-Key` (PATCH, DELETE and move of versioned resources). */
export const ApiConditionalWrite = (): MethodDecorator =>
  applyDecorators(
    ApiIdempotent(),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'The ETag (`"<version>"`) you last read. If the resource changed since, nothing is written and the answer is 412. Omit it for last-write-wins.',
    }),
    ApiPreconditionFailedResponse({ description: 'PRECONDITION_FAILED: `details.current` is the current entity and `ETag` its version' }),
  );
