import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { AppError } from './app-error.js';

/**
 * Path-id pipe: a value that is not a UUID cannot name anything, so it answers the feature's own
 * 404 (`notFound`, e.g. `taskNotFound` from tasks.errors.ts), not a 400, and never reaches
 * PostgreSQL as a failing cast. Returns the id lower-cased.
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly notFound: () => AppError) {}

  transform(value: string): string {
    if (!isUUID(value, 'all')) throw this.notFound();
    return value.toLowerCase();
  }
}
