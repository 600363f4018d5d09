import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError } from '@tasklane/contracts';
import { AppError } from './app-error.js';
import { ErrorCode } from './error-codes.js';

/** Flattens class-validator errors into `[{ field: 'a.b', errors: [...] }]`. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...toFieldErrors(e.children ?? [], field)];
  });
}

/**
 * The global pipe: strips nothing silently (unknown fields are a 400), converts query strings to
 * the DTO's types, and reports every invalid field in `details`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = toFieldErrors(errors);
      return new AppError(ErrorCode.ValidationFailed, `Invalid request: ${details.map((d) => d.field).join(', ')}`, details);
    },
  });
}
