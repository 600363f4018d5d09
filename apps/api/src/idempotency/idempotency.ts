import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';

/** An `Idempotency-Key` request: who, which key, a fingerprint of the request, and the success status to store. */
export interface IdempotencyRequest {
  userId: string;
  key: string;
  requestHash: string;
}

/** A response stored under a key and returned again for a retry. */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
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
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw new AppError(ErrorCode.ValidationFailed, 'Invalid Idempotency-Key', [{ field: 'Idempotency-Key', errors: ['must be 1-255 visible ASCII characters'] }]);
  }
  if (!req.user) throw new Error('Idempotency used on a public route');
  const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
  return { userId: req.user.id, key: raw, requestHash };
});

/**
 * Claims `req.key` inside the caller's transaction. Returns null when the key is new (the caller
 * goes on with the write and then calls `storeIdempotentResponse`), or the stored response of the
 * earlier request. A concurrent request with the same key waits on the row lock of the first
 * one's uncommitted insert, then sees its committed response.
 * @throws AppError IDEMPOTENCY_KEY_REUSED (422) when the key was used for a different request.
 */
export async function claimIdempotencyKey(tx: EntityManager, req: IdempotencyRequest): Promise<StoredResponse | null> {
  const inserted = await runPrepared(
    tx,
    `INSERT INTO idempotency_keys (user_id, key, request_hash, status_code) VALUES ($1, $2, $3, 0)
     ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
    [req.userId, req.key, req.requestHash],
  );
  if (inserted.rowCount > 0) return null;
  const {
    rows: [prior],
  } = await runPrepared<{ request_hash: string; status_code: number; response: unknown }>(
    tx,
    `SELECT request_hash, status_code, response FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
    [req.userId, req.key],
  );
  if (prior.request_hash !== req.requestHash) {
    throw new AppError(ErrorCode.IdempotencyKeyReused, 'This Idempotency-Key was already used for a different request');
  }
  return { statusCode: prior.status_code, body: prior.response };
}

/** Records the response of the write that claimed the key (same transaction). */
export async function storeIdempotentResponse(tx: EntityManager, req: IdempotencyRequest, response: StoredResponse): Promise<void> {
  await runPrepared(tx, `UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb WHERE user_id = $1 AND key = $2`, [
    req.userId,
    req.key,
    response.statusCode,
    JSON.stringify(response.body ?? null),
  ]);
}
