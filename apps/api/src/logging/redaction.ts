/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

/** Secret-bearing keys, at the top of a log object and one or two levels down (pino `redact` paths). */
const SECRET_KEYS = ['authorization', 'cookie', '"set-cookie"', 'password', 'currentPassword', 'newPassword', 'accessToken', 'refreshToken', 'token'];

/**
 * pino `redact` paths: the secret keys at the top level and one or two levels down (e.g.
 * `req.headers.authorization`, `body.password`, `res.headers["set-cookie"]`).
 */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((k) => {
  const key = k.startsWith('"') ? `[${k}]` : k;
  const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [k.startsWith('"') ? `[${k}]` : k, join('*'), join('*.*')];
});

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
