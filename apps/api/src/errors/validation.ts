import { ValidationError, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import type { FieldError } from '@tasklane/contracts';
import { validationFailed } from './common.errors.js';

/** Flattens class-validator errors into `[{ field: 'a.b', errors: [...] }]`. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...toFieldErrors(e.children ?? [], field)];
  });
}

/** Deepest nesting a request body or query may have; our DTOs need 3. */
export const MAX_BODY_DEPTH = 32;

/**
 * Walks a parsed body or query without recursion (so hostile nesting cannot overflow the stack)
 * and returns the problems to report: strings containing U+0000 (PostgreSQL text cannot store
 * them) and nesting deeper than MAX_BODY_DEPTH.
 */
export function inspectInput(value: unknown): FieldError[] {
  const problems: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) problems.push({ field: path || '(body)', errors: ['must not contain NUL characters'] });
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_BODY_DEPTH) {
        problems.push({ field: path || '(body)', errors: [`must not be nested deeper than ${MAX_BODY_DEPTH} levels`] });
        continue;
      }
      const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v).map(([k, x]) => [path ? `.${k}` : k, x] as const);
      for (const [key, child] of entries) stack.push({ v: child, path: `${path}${key}`, depth: depth + 1 });
    }
  }
  return problems;
}

/** ValidationPipe that first refuses NUL characters and hostile nesting in bodies and query strings. */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = inspectInput(value);
      if (problems.length) throw validationFailed(problems);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The global pipe: strips nothing silently (unknown fields are a 400), converts query strings to
 * the DTO's types, refuses NUL characters, and reports every invalid field in `details`.
 */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(toFieldErrors(errors)),
  });
}
