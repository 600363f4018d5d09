import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * RFC 3339 date-time (`2030-01-31T09:00:00Z`, offset or Z required, up to microseconds), within
 * years 0001–9999 — what PostgreSQL `timestamptz` stores exactly. Stricter than IsDateString, which
 * also accepts ISO week dates and bare dates that PostgreSQL rejects or reads differently.
 */
export function IsDateTime(options?: ValidationOptions): PropertyDecorator {
  const re = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an RFC 3339 date-time with a time zone, e.g. 2030-01-31T09:00:00Z', ...options },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const m = re.exec(value);
          if (!m) return false;
          const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
          if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
          const date = new Date(Date.UTC(y, mo - 1, d));
          return date.getUTCMonth() === mo - 1 && !Number.isNaN(Date.parse(value));
        },
      },
    });
}

/** Trims surrounding white space from a string field (other values pass through to validation). */
export const Trim = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases a string field (emails). */
export const TrimLowerCase = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** Lower-cases UUID strings (single or arrays) so `ABC…` and `abc…` name the same row. */
export const LowerCaseUuid = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) : value,
  );
