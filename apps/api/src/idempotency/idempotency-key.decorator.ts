import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { validationFailed } from '../errors/common.errors.js';

/** An `Idempotency-Key` request: who, which key, and a fingerprint of the request. */
export interface IdempotencyRequest {
  userId: string;
  key: string;
  /** SHA-256 of method, URL and JSON body: the same key with another request is refused (422). */
  requestHash: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Reads `Idempotency-Key` (1–255 visible ASCII characters) and fingerprints the request
 * (method + URL + JSON body). Undefined when the header is absent.
 * @throws AppError VALIDATION_FAILED (400) for a malformed key.
 */
export const Idempotency = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyRequest | undefined => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY.test(raw)) throw validationFailed([{ field: 'Idempotency-Key', errors: ['must be 1-255 visible ASCII characters'] }]);
  if (!req.user) throw new Error('Idempotency used on a public route');
  const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
  return { userId: req.user.id, key: raw, requestHash };
});
