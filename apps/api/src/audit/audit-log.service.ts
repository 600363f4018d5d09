import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { RequestOrigin } from './request-origin.js';

/** Every audit event, past tense, dotted like board events. */
export type AuditEvent =
  | 'user.registered'
  | 'login.succeeded'
  | 'login.failed'
  | 'refresh.retried'
  | 'refresh.reuse_detected'
  | 'session.logged_out'
  | 'sessions.logged_out_all'
  | 'password.changed'
  | 'api_token.created'
  | 'api_token.revoked'
  | 'member.role_changed';

/** Extra fields of an audit line: ids, counts, roles, scopes. Never a token, password or email. */
export type AuditFields = Record<string, string | number | boolean | null | readonly string[]>;

/** One audit line, as written (JSON, one line): `{ audit: true, event, userId, ip, requestId, ...fields }`. */
export interface AuditLine {
  audit: true;
  event: AuditEvent;
  /** The account concerned (the actor); null when unknown (a failed login for an unknown email). */
  userId: string | null;
  /** Client address and request id of the request that caused it (its RequestOrigin); null outside a request. */
  ip: string | null;
  requestId: string | null;
  [field: string]: unknown;
}

/**
 * Pseudonymises an email address for logs: the first 16 hex digits of SHA-256("tasklane-audit:" +
 * lower-cased email). The same address always gives the same value, so failed logins against one
 * address can be correlated without writing the address into logs. Not anonymous: anyone who
 * guesses an address can hash it and compare.
 */
export const emailHash = (email: string): string => createHash('sha256').update(`tasklane-audit:${email.toLowerCase()}`).digest('hex').slice(0, 16);

/**
 * Security audit lines through Nest's Logger, i.e. the app's pino logger (context `Audit`, level
 * info, so LOG_LEVEL=info or lower shows them): one JSON line per event whose fields are the
 * AuditLine's (plus pino's `level`, `time`, `replica`, `context`), for log pipelines to filter on
 * `audit: true`. The request's ip and id come from its origin, which the caller passes (request-origin.ts).
 * Callers pass ids only: never a secret, password, token or email (emails go through `emailHash`).
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');

  /**
   * Writes one line. Never throws: an audit line must not fail the operation it records.
   * @param origin the request that caused it, null outside a request
   */
  record(event: AuditEvent, userId: string | null, origin: RequestOrigin | null, fields: AuditFields = {}): void {
    try {
      const line: AuditLine = { audit: true, event, userId, ip: origin?.ip ?? null, requestId: origin?.requestId ?? null };
      // The fixed keys come first and cannot be overridden by a field of the same name.
      for (const [key, value] of Object.entries(fields)) if (!(key in line)) line[key] = value;
      this.logger.log(line);
    } catch {
      // Logging failed (a closed stream): nothing sensible to do, and the operation itself succeeded.
    }
  }
}
