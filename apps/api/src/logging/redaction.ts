import type { LoggerOptions } from 'pino';

/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

/** Secret-bearing keys: censored wherever they appear in a line (top level, nested, in child bindings). */
const SECRET_KEYS = ['authorization', 'cookie', 'set-cookie', 'password', 'currentPassword', 'newPassword', 'accessToken', 'refreshToken', 'token'];
const SECRET_KEY_SET = new Set(SECRET_KEYS);

/**
 * pino `redact` paths: the secret keys at the top level only, which pino checks only where a
 * line's object or a child logger's bindings has such a key (nearly free). Deeper levels are
 * `redactLine`'s. pino's wildcard paths (`*.password`, `*.*.password`) made every line and every
 * child logger walk its object through `@pinojs/redact`, about 70–90 µs per request in a
 * micro-benchmark and about 0.3 ms of a replica's CPU per write (docs/benchmarks.md §4).
 */
export const REDACT_PATHS: string[] = SECRET_KEYS.map((k) => (k.includes('-') ? `["${k}"]` : k));

/** A secret key in a serialized line whose value is not already REDACTED. */
const UNCENSORED_SECRET_KEY = new RegExp(`"(?:${SECRET_KEYS.join('|')})":(?!"${REDACTED.replace(/[[\]]/g, '\\$&')}")`);

/** A parsed JSON value with every secret key's value (at any depth) replaced by REDACTED; mutates and returns `value`. */
function redactParsed(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = SECRET_KEY_SET.has(key) ? REDACTED : redactParsed(record[key]);
  return value;
}

/**
 * One serialized pino line (JSON, ending in a newline) with every secret key's value censored as
 * REDACTED, at any depth: in the line's own object, in child loggers' bindings, and in whatever
 * pino serialized (errors, class instances, clients with an `options.password`). The line
 * itself when it has no secret key with an uncensored value (one regular-expression test: the
 * common case); otherwise parsed, censored and serialized again. A line that cannot be parsed
 * (never pino's own output) becomes a fixed `log line withheld` line at level error rather than
 * risk a secret. Used as pino's `hooks.streamWrite`, after serialization, where no object can
 * throw or be mutated. Never throws.
 */
export function redactLine(line: string): string {
  if (!UNCENSORED_SECRET_KEY.test(line)) return line;
  try {
    return `${JSON.stringify(redactParsed(JSON.parse(line)))}\n`;
  } catch {
    return `${JSON.stringify({ level: 'error', time: new Date().toISOString(), msg: 'log line withheld: it held a secret key and could not be parsed to censor it' })}\n`;
  }
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
 * The redaction part of the application's pino options (loggerParams): secret keys at the top
 * level of lines and child bindings (`redact`, REDACT_PATHS), secret keys at any depth of the
 * serialized line (`hooks.streamWrite`: redactLine), and tokens inside text (`hooks.logMethod`:
 * redactArgs).
 */
export const REDACTION: Required<Pick<LoggerOptions, 'redact' | 'hooks'>> = {
  redact: { paths: REDACT_PATHS, censor: REDACTED },
  hooks: {
    logMethod(args, method) {
      method.apply(this, redactArgs(args) as Parameters<typeof method>);
    },
    streamWrite: redactLine,
  },
};
