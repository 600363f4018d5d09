import { EventEmitter } from 'node:events';
import type { LoggerOptions } from 'pino';

/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

/** Secret-bearing keys: censored at the top of a log object and one or two levels down. */
const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'currentPassword', 'newPassword', 'accessToken', 'refreshToken', 'token'];
const SECRET_KEY_SET = new Set(SECRET_KEYS);

/**
 * pino `redact` paths: the secret keys at the top level only, which pino checks only when a line's
 * object or a child logger's bindings has that key (nearly free). Deeper levels are `redactKeys`'
 * (the log formatter): pino's wildcard paths (`*.password`, `*.*.password`) made every line and
 * every child logger walk the object through `@pinojs/redact`, which cost about 70–90 µs per
 * request in a micro-benchmark and about 0.3 ms of a replica's CPU per write (docs/benchmarks.md §4).
 */
export const REDACT_PATHS: string[] = SECRET_KEYS.map((k) => (k.includes('-') ? `["${k}"]` : k));

/** Depth below the top level to which `redactKeys` censors secret keys (the old `*.*.key` paths). */
const NESTED_DEPTH = 2;

/** Objects `redactKeys` looks into: not streams, requests or sockets (EventEmitters), binary data, dates or collections. */
function walkable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof EventEmitter) && !ArrayBuffer.isView(value) && !(value instanceof Date) && !(value instanceof Map) && !(value instanceof Set);
}

/** A shallow copy of `value` with its prototype (an error keeps its message and stack). */
function shallowCopy(value: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(value)) return value.slice() as unknown as Record<string, unknown>;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>, value);
  if (value instanceof Error) Object.assign(copy, { message: value.message, stack: value.stack });
  return copy;
}

/**
 * `value` with every secret key (SECRET_KEYS: password, token, authorization, …) censored as
 * REDACTED at its top level and `depth` levels down, in plain objects, arrays, errors and class
 * instances (not in EventEmitters such as requests and sockets, binary data, dates or
 * collections). Never mutates: returns `value` itself when it holds no secret key, else copies
 * along the changed path only. Used as pino's `formatters.log` (every line's object).
 */
export function redactKeys<T>(value: T, depth = NESTED_DEPTH): T {
  if (!walkable(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const current = value[key];
    const clean = SECRET_KEY_SET.has(key) && current !== undefined ? REDACTED : depth > 0 ? redactKeys(current, depth - 1) : current;
    if (clean !== current) (copy ??= shallowCopy(value))[key] = clean;
  }
  return (copy ?? value) as T;
}

/**
 * Secrets that can sit inside free text (an error message, a URL): API tokens (`tl_` + 43
 * characters), bearer credentials and JWTs (three base64url parts, the first starting `eyJ`).
 */
const SECRET_TEXT = /\btl_[A-Za-z0-9_-]{20,}|\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*|\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/gi;

/** `text` with every token-looking substring replaced by REDACTED (a `Bearer ` prefix is kept). */
export function redactText(text: string): string {
  if (!text.includes('tl_') && !text.includes('eyJ') && !/bearer/i.test(text)) return text;
  return text.replace(SECRET_TEXT, (_match, bearer: string | undefined) => `${bearer ?? ''}${REDACTED}`);
}

/**
 * A log call's arguments with secrets removed from text: strings, and the string values (and
 * `message`/`stack` of errors) of an object one level deep; keys go through REDACT_PATHS.
 */
export function redactArgs(args: unknown[]): unknown[] {
  return args.map((arg) => {
    if (typeof arg === 'string') return redactText(arg);
    if (arg instanceof Error) return redactError(arg);
    if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return arg;
    let copy: Record<string, unknown> | null = null;
    for (const [key, value] of Object.entries(arg)) {
      const clean = typeof value === 'string' ? redactText(value) : value instanceof Error ? redactError(value) : value;
      if (clean !== value) (copy ??= { ...(arg as Record<string, unknown>) })[key] = clean;
    }
    return copy ?? arg;
  });
}

function redactError(error: Error): Error {
  const message = redactText(error.message);
  const stack = error.stack === undefined ? undefined : redactText(error.stack);
  if (message === error.message && stack === error.stack) return error;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error, { message });
  if (stack !== undefined) copy.stack = stack;
  return copy;
}

/**
 * The redaction part of the application's pino options (loggingParams, and the redaction spec):
 * secret keys at the top level of lines and child bindings (`redact`), one and two levels down in
 * lines (`formatters.log`: redactKeys), and tokens inside text (`hooks.logMethod`: redactArgs).
 */
export const REDACTION: Required<Pick<LoggerOptions, 'redact' | 'hooks'>> & { formatters: { log: (object: Record<string, unknown>) => Record<string, unknown> } } = {
  redact: { paths: REDACT_PATHS, censor: REDACTED },
  formatters: { log: (object) => redactKeys(object) },
  hooks: {
    logMethod(args, method) {
      method.apply(this, redactArgs(args) as Parameters<typeof method>);
    },
  },
};
